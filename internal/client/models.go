package client

import "time"

// Role is a member's role in an organization.
type Role string

// Roles, from least to most privileged.
const (
	RoleViewer Role = "viewer"
	RoleWriter Role = "writer"
	RoleOwner  Role = "owner"
)

// Plan is an organization's billing plan.
type Plan string

// Plans.
const (
	PlanFree       Plan = "free"
	PlanTeam       Plan = "team"
	PlanEnterprise Plan = "enterprise"
)

// InvitationStatus is the state of an invitation.
type InvitationStatus string

// Invitation statuses.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationExpired  InvitationStatus = "expired"
	InvitationRevoked  InvitationStatus = "revoked"
)

// UserStatus is the state of a service account or managed user.
type UserStatus string

// User statuses.
const (
	UserActive UserStatus = "active"
	UserLocked UserStatus = "locked"
)

// TokenKind tells organization keys from service-account tokens.
type TokenKind string

// Token kinds.
const (
	TokenKindOrganizationKey     TokenKind = "organization_key"
	TokenKindServiceAccountToken TokenKind = "service_account_token"
)

// TokenStatus is the state of an API token.
type TokenStatus string

// Token statuses.
const (
	TokenActive  TokenStatus = "active"
	TokenRevoked TokenStatus = "revoked"
	TokenExpired TokenStatus = "expired"
)

// TokenScope is a service-account token's scope, with the platform's wire names.
type TokenScope string

// Token scopes.
const (
	// ScopeRead is the read-only scope ("api-key" in the platform).
	ScopeRead TokenScope = "api-key"
	// ScopeReadWrite is the read + write scope ("api-secret" in the platform).
	ScopeReadWrite TokenScope = "api-secret"
)

// Expiry is an API token's lifetime, chosen at creation.
type Expiry string

// Expiries.
const (
	ExpiryNever Expiry = "never"
	Expiry30d   Expiry = "30d"
	Expiry90d   Expiry = "90d"
	Expiry1y    Expiry = "1y"
)

// IdentityKind is the kind of credential behind a request.
type IdentityKind string

// Identity kinds.
const (
	IdentityOrganizationKey     IdentityKind = "organization_key"
	IdentityServiceAccountToken IdentityKind = "service_account_token"
	IdentityOAuthClient         IdentityKind = "oauth_client"
	IdentityManagedUser         IdentityKind = "managed_user"
)

// Identity is who the calling credential is (GET /me).
type Identity struct {
	Kind             IdentityKind `json:"kind"`
	Organization     Organization `json:"organization"`
	UserID           *string      `json:"user_id"`
	Email            *string      `json:"email"`
	Role             string       `json:"role"`
	Scope            *TokenScope  `json:"scope"`
	TokenID          *string      `json:"token_id"`
	ServiceAccountID *string      `json:"service_account_id"`
	ManagedUserID    *string      `json:"managed_user_id"`
	OAuthClientID    *string      `json:"oauth_client_id"`
	ExpiresAt        *time.Time   `json:"expires_at"`
}

// Organization is the top-level boundary of everything else.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Plan      Plan      `json:"plan"`
	CreatedAt time.Time `json:"created_at"`
}

// OrganizationCreated is a new organization with its one-time bootstrap organization key.
type OrganizationCreated struct {
	Organization
	BootstrapToken   string `json:"bootstrap_token"`
	BootstrapTokenID string `json:"bootstrap_token_id"`
}

// Member is a person's membership in the organization.
type Member struct {
	ID       string    `json:"id"`
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	Name     *string   `json:"name"`
	Role     Role      `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

// Invitation is an invitation to join the organization.
type Invitation struct {
	ID         string           `json:"id"`
	Email      string           `json:"email"`
	Role       Role             `json:"role"`
	Status     InvitationStatus `json:"status"`
	SentAt     time.Time        `json:"sent_at"`
	ExpiresAt  time.Time        `json:"expires_at"`
	AcceptedAt *time.Time       `json:"accepted_at"`
	RevokedAt  *time.Time       `json:"revoked_at"`
	MemberID   *string          `json:"member_id"`
}

// InvitationLink is what an invitation link offers (GET /accept-invitation).
type InvitationLink struct {
	OrganizationID   string           `json:"organization_id"`
	OrganizationName string           `json:"organization_name"`
	Email            string           `json:"email"`
	Role             Role             `json:"role"`
	Status           InvitationStatus `json:"status"`
	ExpiresAt        time.Time        `json:"expires_at"`
}

// InvitationAcceptance is the outcome of accepting an invitation.
type InvitationAcceptance struct {
	Organization Organization `json:"organization"`
	Member       Member       `json:"member"`
}

// PasswordResetLink is the account a usable password-reset link sets the password of (GET
// /reset-password).
type PasswordResetLink struct {
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ServiceAccount is a non-human user that authenticates with API tokens (Enterprise plan).
type ServiceAccount struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	Description string     `json:"description"`
	Status      UserStatus `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	LockedAt    *time.Time `json:"locked_at"`
}

// ManagedUser is a person who logs in with email and password, with the Client role (Enterprise plan).
type ManagedUser struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	Status      UserStatus `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	LockedAt    *time.Time `json:"locked_at"`
	PasswordSet bool       `json:"password_set"`
}

// APIToken is an organization key or a service-account token. The secret is never part of it.
type APIToken struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	Kind             TokenKind   `json:"kind"`
	ServiceAccountID *string     `json:"service_account_id"`
	Scope            *TokenScope `json:"scope"`
	Status           TokenStatus `json:"status"`
	ExpiresIn        Expiry      `json:"expires_in"`
	CreatedAt        time.Time   `json:"created_at"`
	ExpiresAt        *time.Time  `json:"expires_at"`
	LastUsedAt       *time.Time  `json:"last_used_at"`
	RevokedAt        *time.Time  `json:"revoked_at"`
	CreatedBy        *string     `json:"created_by"`
}

// APITokenCreated is a new API token with its one-time secret.
type APITokenCreated struct {
	APIToken
	Token string `json:"token"`
}

// OAuthClient is an OAuth API client. The secret is never part of it.
type OAuthClient struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	ClientID  string    `json:"client_id"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy *string   `json:"created_by"`
}

// OAuthClientCreated is a new OAuth client with its one-time secret.
type OAuthClientCreated struct {
	OAuthClient
	ClientSecret string `json:"client_secret"`
}

// AccessToken is a short-lived access token (client-credentials grant, or a managed user's login).
type AccessToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// Dataset is a dataset of the organization (the local API keeps only what scope checks need).
type Dataset struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Email is a message in the local API's outbox.
type Email struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Link    string    `json:"link"`
	SentAt  time.Time `json:"sent_at"`
}

// Stats are the local API's request counts.
type Stats struct {
	Requests map[string]int `json:"requests"`
	Faults   map[string]int `json:"faults,omitempty"`
}

// ClockState is the local API's clock.
type ClockState struct {
	Now    time.Time `json:"now"`
	Offset string    `json:"offset"`
}
