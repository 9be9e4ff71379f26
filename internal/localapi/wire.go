package localapi

import (
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// The server's wire types: the JSON bodies of api/openapi.yaml, kept apart from the client's
// types on purpose (a contract bug on one side cannot hide behind shared code).

type wireOrganization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Plan      string    `json:"plan"`
	CreatedAt time.Time `json:"created_at"`
}

func toWireOrganization(o *store.Organization) wireOrganization {
	return wireOrganization{ID: o.ID, Name: o.Name, Plan: o.Plan, CreatedAt: o.CreatedAt}
}

type wireOrganizationCreated struct {
	wireOrganization
	BootstrapToken   string `json:"bootstrap_token"`
	BootstrapTokenID string `json:"bootstrap_token_id"`
}

type wireIdentity struct {
	Kind             string           `json:"kind"`
	Organization     wireOrganization `json:"organization"`
	UserID           *string          `json:"user_id"`
	Email            *string          `json:"email"`
	Role             string           `json:"role"`
	Scope            *string          `json:"scope"`
	TokenID          *string          `json:"token_id"`
	ServiceAccountID *string          `json:"service_account_id"`
	ManagedUserID    *string          `json:"managed_user_id"`
	OAuthClientID    *string          `json:"oauth_client_id"`
	ExpiresAt        *time.Time       `json:"expires_at"`
}

type wireMember struct {
	ID       string    `json:"id"`
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	Name     *string   `json:"name"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

func toWireMember(m *store.Member) wireMember {
	return wireMember{ID: m.ID, UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role, JoinedAt: m.JoinedAt}
}

type wireInvitation struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Role       string     `json:"role"`
	Status     string     `json:"status"`
	SentAt     time.Time  `json:"sent_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	MemberID   *string    `json:"member_id"`
}

func toWireInvitation(i *store.Invitation, now time.Time) wireInvitation {
	return wireInvitation{ID: i.ID, Email: i.Email, Role: i.Role, Status: i.Status(now), SentAt: i.SentAt,
		ExpiresAt: i.ExpiresAt, AcceptedAt: i.AcceptedAt, RevokedAt: i.RevokedAt, MemberID: i.MemberID}
}

type wireInvitationLink struct {
	OrganizationID   string    `json:"organization_id"`
	OrganizationName string    `json:"organization_name"`
	Email            string    `json:"email"`
	Role             string    `json:"role"`
	Status           string    `json:"status"`
	ExpiresAt        time.Time `json:"expires_at"`
}

type wireInvitationAccepted struct {
	Organization wireOrganization `json:"organization"`
	Member       wireMember       `json:"member"`
}

func userStatus(u *store.OrgUser) string {
	if u.LockedAt != nil {
		return "locked"
	}
	return "active"
}

type wireServiceAccount struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	Description string     `json:"description"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	LockedAt    *time.Time `json:"locked_at"`
}

func toWireServiceAccount(u *store.OrgUser) wireServiceAccount {
	return wireServiceAccount{ID: u.ID, Email: u.Email, Description: u.Description, Status: userStatus(u), CreatedAt: u.CreatedAt, LockedAt: u.LockedAt}
}

type wireManagedUser struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	LockedAt    *time.Time `json:"locked_at"`
	PasswordSet bool       `json:"password_set"`
}

func toWireManagedUser(u *store.OrgUser) wireManagedUser {
	return wireManagedUser{ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Status: userStatus(u),
		CreatedAt: u.CreatedAt, LockedAt: u.LockedAt, PasswordSet: u.PasswordSetAt != nil}
}

type wireAPIToken struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Kind             string     `json:"kind"`
	ServiceAccountID *string    `json:"service_account_id"`
	Scope            *string    `json:"scope"`
	Status           string     `json:"status"`
	ExpiresIn        string     `json:"expires_in"`
	CreatedAt        time.Time  `json:"created_at"`
	ExpiresAt        *time.Time `json:"expires_at"`
	LastUsedAt       *time.Time `json:"last_used_at"`
	RevokedAt        *time.Time `json:"revoked_at"`
	CreatedBy        *string    `json:"created_by"`
}

func toWireAPIToken(t *store.APIToken, now time.Time) wireAPIToken {
	kind := kindOrganizationKey
	if t.ServiceAccountID != nil {
		kind = kindServiceAccountToken
	}
	return wireAPIToken{ID: t.ID, Name: t.Name, Kind: kind, ServiceAccountID: t.ServiceAccountID, Scope: t.Scope,
		Status: t.Status(now), ExpiresIn: t.ExpiresIn, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
		LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt, CreatedBy: t.CreatedBy}
}

type wireAPITokenCreated struct {
	wireAPIToken
	Token string `json:"token"`
}

type wireOAuthClient struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	ClientID  string    `json:"client_id"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy *string   `json:"created_by"`
}

func toWireOAuthClient(c *store.OAuthClient) wireOAuthClient {
	return wireOAuthClient{ID: c.ID, Name: c.Name, ClientID: c.ClientID, Enabled: c.Enabled, CreatedAt: c.CreatedAt, CreatedBy: c.CreatedBy}
}

type wireOAuthClientCreated struct {
	wireOAuthClient
	ClientSecret string `json:"client_secret"`
}

type wireAccessToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

type wireDataset struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func toWireDataset(d *store.Dataset) wireDataset {
	return wireDataset{ID: d.ID, Name: d.Name, CreatedAt: d.CreatedAt}
}

type wireEmail struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Link    string    `json:"link"`
	SentAt  time.Time `json:"sent_at"`
}

type wireStats struct {
	Requests map[string]int `json:"requests"`
	Faults   map[string]int `json:"faults"`
}

type wireClock struct {
	Now    time.Time `json:"now"`
	Offset string    `json:"offset"`
}

// page is a list answer.
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

func makePage[S any, T any](coll string, items []S, next int64, conv func(S) T) page[T] {
	data := make([]T, 0, len(items))
	for _, it := range items {
		data = append(data, conv(it))
	}
	return page[T]{Data: data, NextCursor: makeCursor(coll, next)}
}
