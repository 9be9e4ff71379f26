package localapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// Domain values shared by the handlers.
const (
	planFree       = "free"
	planTeam       = "team"
	planEnterprise = "enterprise"

	roleViewer = "viewer"
	roleWriter = "writer"
	roleOwner  = "owner"

	scopeRead      = "api-key"
	scopeReadWrite = "api-secret"

	kindOrganizationKey     = "organization_key"
	kindServiceAccountToken = "service_account_token"
	kindOAuthClient         = "oauth_client"
	kindManagedUser         = "managed_user"

	// accessTokenTTL is the lifetime of OAuth access tokens and managed-user sessions. A signed
	// token claiming a longer life, or an issue time ahead of the clock by more than
	// accessTokenSkew, is refused: nothing is valid past its issue time + accessTokenTTL.
	accessTokenTTL  = time.Hour
	accessTokenSkew = time.Minute
	// touchInterval debounces last_used_at: a token's use is written at most once a minute (by
	// the server's clock), so reads do not turn into a write each.
	touchInterval = time.Minute
)

var (
	roles  = []string{roleViewer, roleWriter, roleOwner}
	plans  = []string{planFree, planTeam, planEnterprise}
	scopes = []string{scopeRead, scopeReadWrite}
)

var b64 = base64.RawURLEncoding

// principal is who a request's credential is.
type principal struct {
	kind string
	org  *store.Organization
	// userID is the user behind an organization key or OAuth client (its creator).
	userID    *string
	token     *store.APIToken    // organization keys and service-account tokens
	orgUser   *store.OrgUser     // service-account tokens (the account) and managed-user sessions
	client    *store.OAuthClient // OAuth access tokens
	expiresAt *time.Time         // the credential's expiry, if any
}

// canManage reports whether the credential may use the management endpoints: organization keys
// and OAuth clients act as the organization's owner; service-account tokens and managed-user
// sessions have the Client role.
func (p *principal) canManage() bool {
	return p.kind == kindOrganizationKey || p.kind == kindOAuthClient
}

// canWriteDatasets reports whether the credential may create datasets.
func (p *principal) canWriteDatasets() bool {
	switch p.kind {
	case kindOrganizationKey, kindOAuthClient:
		return true
	case kindServiceAccountToken:
		return p.token.Scope != nil && *p.token.Scope == scopeReadWrite
	default:
		return false
	}
}

func (p *principal) describe() string {
	switch p.kind {
	case kindServiceAccountToken:
		return "a service-account token"
	case kindManagedUser:
		return "a managed user's session"
	case kindOAuthClient:
		return "an OAuth access token"
	default:
		return "an organization key"
	}
}

// requireManage refuses Client-role credentials.
func (p *principal) requireManage() *apiError {
	if p.canManage() {
		return nil
	}
	return errForbidden("%s has the Client role: it may read datasets and /me only; use an organization key or an OAuth client", p.describe())
}

// requireEnterprise refuses a feature outside the Enterprise plan; feature names it in the message
// ("service accounts need the enterprise plan; ...").
func (p *principal) requireEnterprise(feature string) *apiError {
	if p.org.Plan == planEnterprise {
		return nil
	}
	return errPlanRequired(feature, p.org.Plan, planEnterprise)
}

func sha(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("localapi: crypto/rand: %v", err)) // never fails on supported systems
	}
	return b
}

// formatAPIToken is oat_ + base64url(token id) + "." + base64url(secret).
func formatAPIToken(id string, secret []byte) string {
	return "oat_" + b64.EncodeToString([]byte(id)) + "." + b64.EncodeToString(secret)
}

func parseAPIToken(cred string) (id string, secret []byte, ok bool) {
	rest, ok := strings.CutPrefix(cred, "oat_")
	if !ok {
		return "", nil, false
	}
	idPart, secretPart, ok := strings.Cut(rest, ".")
	if !ok {
		return "", nil, false
	}
	rawID, err := b64.DecodeString(idPart)
	if err != nil || !strings.HasPrefix(string(rawID), "tok_") || len(rawID) > 64 {
		return "", nil, false
	}
	secret, err = b64.DecodeString(secretPart)
	if err != nil || len(secret) != 32 {
		return "", nil, false
	}
	return string(rawID), secret, true
}

// newAPIToken issues a token (its secret is returned, its hash stored).
func newAPIToken(tx *store.Tx, t *store.APIToken) ([]byte, error) {
	secret := randomBytes(32)
	t.ID = store.NewID("tok")
	t.SecretHash = sha(secret)
	if err := tx.InsertAPIToken(t); err != nil {
		return nil, err
	}
	return secret, nil
}

// accessClaims are the signed contents of an oaa_ access token.
type accessClaims struct {
	Kind    string `json:"k"`
	Subject string `json:"sub"`
	Org     string `json:"org"`
	Issued  int64  `json:"iat"`
	Expires int64  `json:"exp"`
	Nonce   string `json:"jti"`
}

// mintAccessToken makes a self-contained access token: oaa_ + base64url(claims) + "." +
// base64url(HMAC-SHA256(signing key, the part before the dot)). Nothing is stored.
func (s *Server) mintAccessToken(kind, subject, orgID string, now time.Time) (string, time.Time) {
	exp := now.Add(accessTokenTTL)
	claims, _ := json.Marshal(accessClaims{Kind: kind, Subject: subject, Org: orgID, Issued: now.Unix(), Expires: exp.Unix(), Nonce: b64.EncodeToString(randomBytes(9))})
	head := "oaa_" + b64.EncodeToString(claims)
	return head + "." + b64.EncodeToString(s.sign(head)), exp
}

func (s *Server) sign(head string) []byte {
	m := hmac.New(sha256.New, s.signingKey)
	m.Write([]byte(head))
	return m.Sum(nil)
}

func (s *Server) parseAccessToken(cred string) (*accessClaims, bool) {
	head, macPart, ok := strings.Cut(cred, ".")
	if !ok || !strings.HasPrefix(head, "oaa_") || len(cred) > 2048 {
		return nil, false
	}
	mac, err := b64.DecodeString(macPart)
	if err != nil || !hmac.Equal(mac, s.sign(head)) {
		return nil, false
	}
	raw, err := b64.DecodeString(strings.TrimPrefix(head, "oaa_"))
	if err != nil {
		return nil, false
	}
	var c accessClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, false
	}
	return &c, true
}

// authenticate identifies the request's credential. Revoked or expired tokens, tokens of a locked
// service account, access tokens of a disabled or deleted client or of a locked managed user,
// and credentials of a deleted organization all answer 401.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, errUnauthorized(`missing credential: send "Authorization: Bearer <token>"`)
	}
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(cred) == "" {
		return nil, errUnauthorized(`the Authorization header must be "Bearer <token>"`)
	}
	cred = strings.TrimSpace(cred)
	now := s.now()
	switch {
	case strings.HasPrefix(cred, "oat_"):
		return s.authAPIToken(r, cred, now)
	case strings.HasPrefix(cred, "oaa_"):
		return s.authAccessToken(r, cred, now)
	default:
		return nil, errUnauthorized("unknown credential: expected an API token (oat_...) or an access token (oaa_...)")
	}
}

func (s *Server) authAPIToken(r *http.Request, cred string, now time.Time) (*principal, error) {
	id, secret, ok := parseAPIToken(cred)
	if !ok {
		return nil, errUnauthorized("malformed API token")
	}
	p := &principal{}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		t, err := tx.GetAPITokenByID(id)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized("unknown API token")
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(sha(secret), t.SecretHash) != 1 {
			return errUnauthorized("unknown API token")
		}
		switch t.Status(now) {
		case store.TokenRevoked:
			return errUnauthorized("API token %s was revoked", t.ID)
		case store.TokenExpired:
			return errUnauthorized("API token %s expired at %s", t.ID, t.ExpiresAt.Format(time.RFC3339))
		}
		org, err := tx.GetOrganization(t.OrganizationID)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized("the organization of API token %s no longer exists", t.ID)
		}
		if err != nil {
			return err
		}
		p.org, p.token, p.expiresAt = org, t, t.ExpiresAt
		if t.ServiceAccountID == nil {
			p.kind = kindOrganizationKey
			p.userID = t.CreatedBy
			return nil
		}
		p.kind = kindServiceAccountToken
		sa, err := tx.GetOrgUserByID(*t.ServiceAccountID)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized("the service account of API token %s no longer exists", t.ID)
		}
		if err != nil {
			return err
		}
		if sa.LockedAt != nil {
			return errUnauthorized("service account %s, the owner of API token %s, is locked", sa.ID, t.ID)
		}
		p.orgUser = sa
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.touchToken(r, p.token, now)
	return p, nil
}

// touchToken records last_used_at, at most once per touchInterval per token.
func (s *Server) touchToken(r *http.Request, t *store.APIToken, now time.Time) {
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < touchInterval && !now.Before(*t.LastUsedAt) {
		return
	}
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		err := tx.TouchAPIToken(t.ID, now)
		if errors.Is(err, store.ErrNotFound) { // revoked and deleted in between: nothing to record
			return nil
		}
		return err
	})
	if err != nil {
		s.log.Warn("record token use", "token_id", t.ID, "request_id", requestID(r.Context()), "error", err)
		return
	}
	t.LastUsedAt = &now
}

func (s *Server) authAccessToken(r *http.Request, cred string, now time.Time) (*principal, error) {
	c, ok := s.parseAccessToken(cred)
	if !ok {
		return nil, errUnauthorized("malformed or forged access token")
	}
	exp, iat := time.Unix(c.Expires, 0).UTC(), time.Unix(c.Issued, 0).UTC()
	if exp.Sub(iat) > accessTokenTTL || iat.After(now.Add(accessTokenSkew)) {
		return nil, errUnauthorized("malformed or forged access token")
	}
	if !now.Before(exp) {
		return nil, errUnauthorized("the access token expired at %s; get a new one", exp.Format(time.RFC3339))
	}
	p := &principal{expiresAt: &exp}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		org, err := tx.GetOrganization(c.Org)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized("the organization of this access token no longer exists")
		}
		if err != nil {
			return err
		}
		p.org = org
		switch c.Kind {
		case kindOAuthClient:
			cl, err := tx.GetOAuthClientByID(c.Subject)
			if errors.Is(err, store.ErrNotFound) || (err == nil && cl.OrganizationID != org.ID) {
				return errUnauthorized("the OAuth client of this access token was deleted")
			}
			if err != nil {
				return err
			}
			if !cl.Enabled {
				return errUnauthorized("OAuth client %s is disabled", cl.ClientID)
			}
			p.kind, p.client, p.userID = kindOAuthClient, cl, cl.CreatedBy
		case kindManagedUser:
			mu, err := tx.GetOrgUserByID(c.Subject)
			if errors.Is(err, store.ErrNotFound) || (err == nil && (mu.Kind != store.KindManagedUser || mu.OrganizationID != org.ID)) {
				return errUnauthorized("the managed user of this session no longer exists")
			}
			if err != nil {
				return err
			}
			if mu.LockedAt != nil {
				return errUnauthorized("managed user %s is locked", mu.ID)
			}
			p.kind, p.orgUser = kindManagedUser, mu
		default:
			return errUnauthorized("malformed or forged access token")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
