package localapi

import (
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
	"github.com/alien-intelligence/terraform-provider-alien/internal/textrule"
)

var (
	expiries   = []string{"never", "30d", "90d", "1y"}
	tokenKinds = []string{kindOrganizationKey, kindServiceAccountToken}
	tokenStats = []string{store.TokenActive, store.TokenRevoked, store.TokenExpired}
)

// expiresAt is the expiry of a token created at now with the lifetime expiresIn.
func expiresAt(expiresIn string, now time.Time) *time.Time {
	var t time.Time
	switch expiresIn {
	case "30d":
		t = now.AddDate(0, 0, 30)
	case "90d":
		t = now.AddDate(0, 0, 90)
	case "1y":
		t = now.AddDate(1, 0, 0)
	default:
		return nil
	}
	return &t
}

func (s *Server) listAPITokens(c *call) error {
	pg, e := pageParams(c.r, "api-tokens")
	if e != nil {
		return e
	}
	var f store.APITokenFilter
	if f.ServiceAccountID, e = query(c.r, "service_account_id"); e != nil {
		return e
	}
	if f.Kind, e = queryEnum(c.r, "kind", tokenKinds...); e != nil {
		return e
	}
	if f.Status, e = queryEnum(c.r, "status", tokenStats...); e != nil {
		return e
	}
	now := s.now()
	return answerPage(c, "api-tokens", func(tx *store.Tx) ([]*store.APIToken, int64, error) {
		return tx.ListAPITokens(c.p.org.ID, f, now, pg)
	}, func(t *store.APIToken) wireAPIToken { return toWireAPIToken(t, now) })
}

func (s *Server) createAPIToken(c *call) error {
	var name, expiresIn, saID, scope string
	var hasSA, hasScope bool
	if e := decodeObject(c.body,
		strField("name", &name, true),
		strField("expires_in", &expiresIn, true),
		optStrField("service_account_id", &saID, &hasSA),
		optStrField("scope", &scope, &hasScope),
	); e != nil {
		return e
	}
	if e := validateName("name", &name, textrule.NameMaxLength); e != nil {
		return e
	}
	if e := validateEnum("expires_in", expiresIn, expiries...); e != nil {
		return e
	}
	if hasScope {
		if e := validateEnum("scope", scope, scopes...); e != nil {
			return e
		}
	}
	if !hasSA && hasScope {
		return errInvalid("scope", "an organization key has no scope (it has full access); scope is for service-account tokens")
	}
	if hasSA {
		if saID == "" {
			return errInvalid("service_account_id", "must not be empty (leave it out for an organization key)")
		}
		if strings.HasPrefix(saID, "mu_") {
			return errInvalid("service_account_id", "managed users cannot hold API tokens")
		}
		if e := c.p.requireEnterprise("service-account tokens"); e != nil {
			return e
		}
		if !hasScope {
			return errInvalid("scope", "is required for a service-account token: api-key (read-only) or api-secret (read + write)")
		}
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		now := s.now()
		t := &store.APIToken{OrganizationID: c.p.org.ID, Name: name, ExpiresIn: expiresIn, CreatedAt: now,
			ExpiresAt: expiresAt(expiresIn, now), CreatedBy: c.p.userID}
		if hasSA {
			sa, err := tx.GetOrgUser(c.p.org.ID, saID)
			if errors.Is(err, store.ErrNotFound) {
				return nil, errNotFound("no service account %s in this organization", saID)
			}
			if err != nil {
				return nil, err
			}
			if sa.Kind == store.KindManagedUser {
				return nil, errInvalid("service_account_id", "managed users cannot hold API tokens")
			}
			if sa.LockedAt != nil {
				return nil, errConflict("service account %s is locked; reactivate it before issuing tokens", sa.ID)
			}
			t.ServiceAccountID, t.Scope = &sa.ID, &scope
		}
		secret, err := newAPIToken(tx, t)
		if err != nil {
			return nil, err
		}
		return &outcome{
			status:     http.StatusCreated,
			body:       wireAPITokenCreated{wireAPIToken: toWireAPIToken(t, now), Token: formatAPIToken(t.ID, secret)},
			secretKind: secretAPIToken, secretObjectID: t.ID,
		}, nil
	})
}

func (c *call) apiToken(tx *store.Tx) (*store.APIToken, error) {
	return inOrganization(c, tx, "token_id", "API token", (*store.Tx).GetAPIToken)
}

func (s *Server) getAPIToken(c *call) error {
	t, err := inRead(c, c.apiToken)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireAPIToken(t, s.now()))
}

func (s *Server) revokeAPIToken(c *call) error {
	now := s.now()
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		t, err := c.apiToken(tx)
		if err != nil {
			return err
		}
		if t.Status(now) != store.TokenActive {
			return nil // revoking a revoked or expired token changes nothing
		}
		return tx.RevokeAPIToken(t.ID, now)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// OAuth clients.

// newClientID makes a public client id: aic_ + 24 lowercase base32 characters (120 random bits).
func newClientID() string {
	return "aic_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(randomBytes(15)))
}

// newClientSecret makes a client secret: aics_ + base64url(32 random bytes).
func newClientSecret() string { return "aics_" + b64.EncodeToString(randomBytes(32)) }

func (s *Server) listOAuthClients(c *call) error {
	pg, e := pageParams(c.r, "oauth-clients")
	if e != nil {
		return e
	}
	return answerPage(c, "oauth-clients", func(tx *store.Tx) ([]*store.OAuthClient, int64, error) {
		return tx.ListOAuthClients(c.p.org.ID, pg)
	}, toWireOAuthClient)
}

func (s *Server) createOAuthClient(c *call) error {
	var name string
	if e := decodeObject(c.body, strField("name", &name, true)); e != nil {
		return e
	}
	if e := validateName("name", &name, textrule.NameMaxLength); e != nil {
		return e
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		secret := newClientSecret()
		cl := &store.OAuthClient{ID: store.NewID("oc"), OrganizationID: c.p.org.ID, Name: name, ClientID: newClientID(),
			SecretHash: sha([]byte(secret)), Enabled: true, CreatedAt: s.now(), CreatedBy: c.p.userID}
		if err := tx.InsertOAuthClient(cl); err != nil {
			return nil, err
		}
		return &outcome{
			status:     http.StatusCreated,
			body:       wireOAuthClientCreated{wireOAuthClient: toWireOAuthClient(cl), ClientSecret: secret},
			secretKind: secretOAuthClient, secretObjectID: cl.ID,
		}, nil
	})
}

func (c *call) oauthClient(tx *store.Tx) (*store.OAuthClient, error) {
	return inOrganization(c, tx, "oauth_client_id", "OAuth client", (*store.Tx).GetOAuthClient)
}

func (s *Server) getOAuthClient(c *call) error {
	cl, err := inRead(c, c.oauthClient)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireOAuthClient(cl))
}

func (s *Server) updateOAuthClient(c *call) error {
	var name string
	var enabled, hasName, hasEnabled bool
	if e := decodeObject(c.body, optStrField("name", &name, &hasName), optBoolField("enabled", &enabled, &hasEnabled)); e != nil {
		return e
	}
	if !hasName && !hasEnabled {
		return errInvalid("body", "give at least one of name, enabled")
	}
	if hasName {
		if e := validateName("name", &name, textrule.NameMaxLength); e != nil {
			return e
		}
	}
	cl, err := inWrite(c, func(tx *store.Tx) (*store.OAuthClient, error) {
		cl, err := c.oauthClient(tx)
		if err != nil {
			return nil, err
		}
		if hasName {
			cl.Name = name
		}
		if hasEnabled {
			cl.Enabled = enabled
		}
		return cl, tx.UpdateOAuthClient(cl.ID, cl.Name, cl.Enabled)
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, toWireOAuthClient(cl))
}

func (s *Server) deleteOAuthClient(c *call) error {
	err := s.db.Write(c.r.Context(), func(tx *store.Tx) error {
		cl, err := c.oauthClient(tx)
		if err != nil {
			return err
		}
		return tx.DeleteOAuthClient(cl.OrganizationID, cl.ID)
	})
	if err != nil {
		return err
	}
	return c.noContent()
}

// oauthError is an RFC 6749 error answer.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (c *call) oauthFail(status int, code, description string) error {
	if status == http.StatusUnauthorized {
		c.w.Header().Set("WWW-Authenticate", `Basic realm="alien"`)
	}
	c.w.Header().Set("Pragma", "no-cache")
	return c.json(status, oauthError{Error: code, Description: description})
}

// oauthToken is the client-credentials grant (RFC 6749 section 4.4), with client authentication
// by HTTP Basic or by form fields (section 2.3.1), answering RFC 6749 errors.
func (s *Server) oauthToken(c *call) error {
	r := c.r
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return c.oauthFail(http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		return c.oauthFail(http.StatusBadRequest, "invalid_request", "the body could not be read or is larger than 1 MiB")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return c.oauthFail(http.StatusBadRequest, "invalid_request", "malformed form body")
	}
	for k, vs := range form {
		if len(vs) > 1 {
			return c.oauthFail(http.StatusBadRequest, "invalid_request", "parameter "+k+" is given more than once")
		}
	}
	grant := form.Get("grant_type")
	if grant == "" {
		return c.oauthFail(http.StatusBadRequest, "invalid_request", "grant_type is required")
	}
	if grant != "client_credentials" {
		return c.oauthFail(http.StatusBadRequest, "unsupported_grant_type", "only the client_credentials grant is supported")
	}
	basicID, basicSecret, hasBasic := r.BasicAuth()
	formID, formSecret := form.Get("client_id"), form.Get("client_secret")
	var clientID, secret string
	switch {
	case hasBasic && (formID != "" || formSecret != ""):
		return c.oauthFail(http.StatusBadRequest, "invalid_request", "authenticate the client one way only: HTTP Basic or form fields")
	case hasBasic:
		// RFC 6749 section 2.3.1: both parts are form-urlencoded before Basic encoding.
		var err1, err2 error
		clientID, err1 = url.QueryUnescape(basicID)
		secret, err2 = url.QueryUnescape(basicSecret)
		if err1 != nil || err2 != nil {
			return c.oauthFail(http.StatusBadRequest, "invalid_request", "malformed Basic credentials")
		}
	case r.Header.Get("Authorization") != "":
		return c.oauthFail(http.StatusUnauthorized, "invalid_client", "client authentication must use HTTP Basic or form fields")
	default:
		clientID, secret = formID, formSecret
	}
	if clientID == "" || secret == "" {
		return c.oauthFail(http.StatusUnauthorized, "invalid_client", "client_id and client_secret are required")
	}
	if sc := form.Get("scope"); sc != "" {
		return c.oauthFail(http.StatusBadRequest, "invalid_scope", "this server defines no scopes; an access token acts as an organization key")
	}
	var cl *store.OAuthClient
	err = s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		cl, err = tx.GetOAuthClientByClientID(clientID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		subtle.ConstantTimeCompare(sha([]byte(secret)), sha(nil)) // same work as a known client
		return c.oauthFail(http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
	}
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(sha([]byte(secret)), cl.SecretHash) != 1 {
		return c.oauthFail(http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
	}
	if !cl.Enabled {
		return c.oauthFail(http.StatusUnauthorized, "invalid_client", "the client is disabled")
	}
	token, _ := s.mintAccessToken(kindOAuthClient, cl.ID, cl.OrganizationID, s.now())
	c.w.Header().Set("Pragma", "no-cache")
	return c.json(http.StatusOK, wireAccessToken{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(accessTokenTTL / time.Second)})
}

// Datasets.

func (s *Server) listDatasets(c *call) error {
	pg, e := pageParams(c.r, "datasets")
	if e != nil {
		return e
	}
	return answerPage(c, "datasets", func(tx *store.Tx) ([]*store.Dataset, int64, error) {
		return tx.ListDatasets(c.p.org.ID, pg)
	}, toWireDataset)
}

func (s *Server) createDataset(c *call) error {
	if !c.p.canWriteDatasets() {
		if c.p.kind == kindServiceAccountToken {
			return errForbidden("this service-account token has the read-only scope api-key; creating datasets needs api-secret")
		}
		return errForbidden("%s is read-only: it may not create datasets", c.p.describe())
	}
	var name string
	if e := decodeObject(c.body, strField("name", &name, true)); e != nil {
		return e
	}
	if e := validateName("name", &name, textrule.NameMaxLength); e != nil {
		return e
	}
	return c.write(func(tx *store.Tx) (*outcome, error) {
		d := &store.Dataset{ID: store.NewID("ds"), OrganizationID: c.p.org.ID, Name: name, CreatedAt: s.now()}
		if err := tx.InsertDataset(d); err != nil {
			return nil, err
		}
		return &outcome{status: http.StatusCreated, body: toWireDataset(d)}, nil
	})
}
