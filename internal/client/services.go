package client

import (
	"context"
	"iter"
)

// The services of the API, one per object, as go-tfe arranges them. Every method takes ctx first.
// List methods follow every page and return the whole collection; Pages methods yield the pages
// as they arrive (page size 100), requesting the next one only when the caller asks for it, so a
// caller that stops early pays for the pages it read. Read methods answer an error
// that matches ErrNotFound (errors.Is) when the object does not exist in the credential's
// organization.

// IdentityService reads who the calling credential is.
type IdentityService interface {
	Read(ctx context.Context) (*Identity, error)
}

// OrganizationsService manages organizations.
type OrganizationsService interface {
	// Current reads the credential's own organization.
	Current(ctx context.Context) (*Organization, error)
	Create(ctx context.Context, opts OrganizationCreateOptions) (*OrganizationCreated, error)
	Read(ctx context.Context, organizationID string) (*Organization, error)
	Update(ctx context.Context, organizationID string, opts OrganizationUpdateOptions) (*Organization, error)
	Delete(ctx context.Context, organizationID string) error
}

// OrganizationCreateOptions are the fields of a new organization.
type OrganizationCreateOptions struct {
	Name string
}

// OrganizationUpdateOptions are the fields to change; nil leaves a field as it is.
type OrganizationUpdateOptions struct {
	Name *string
}

// MembersService manages the organization's members.
type MembersService interface {
	List(ctx context.Context, opts MemberListOptions) ([]*Member, error)
	Pages(ctx context.Context, opts MemberListOptions) iter.Seq2[[]*Member, error]
	Read(ctx context.Context, memberID string) (*Member, error)
	// ReadByEmail finds the member with this email (case-insensitive), or answers ErrNotFound.
	ReadByEmail(ctx context.Context, email string) (*Member, error)
	Update(ctx context.Context, memberID string, opts MemberUpdateOptions) (*Member, error)
	Delete(ctx context.Context, memberID string) error
}

// MemberListOptions filter a member list; nil fields do not filter.
type MemberListOptions struct {
	Role  *Role
	Email *string
}

// MemberUpdateOptions change a member.
type MemberUpdateOptions struct {
	Role Role
}

// InvitationsService manages invitations.
type InvitationsService interface {
	List(ctx context.Context, opts InvitationListOptions) ([]*Invitation, error)
	Pages(ctx context.Context, opts InvitationListOptions) iter.Seq2[[]*Invitation, error]
	Create(ctx context.Context, opts InvitationCreateOptions) (*Invitation, error)
	Read(ctx context.Context, invitationID string) (*Invitation, error)
	Update(ctx context.Context, invitationID string, opts InvitationUpdateOptions) (*Invitation, error)
	// Revoke revokes a pending or expired invitation; revoking a revoked one succeeds.
	Revoke(ctx context.Context, invitationID string) error
	// Resend sends a pending or expired invitation again with a fresh link and expiry.
	Resend(ctx context.Context, invitationID string) (*Invitation, error)
	// PendingByEmail answers the pending invitation sent to email from the read cache only: a
	// miss (found false) is not confirmed with the API.
	PendingByEmail(ctx context.Context, email string) (inv *Invitation, found bool)
}

// InvitationListOptions filter an invitation list; nil fields do not filter.
type InvitationListOptions struct {
	Status *InvitationStatus
	Email  *string
}

// InvitationCreateOptions are the fields of a new invitation.
type InvitationCreateOptions struct {
	Email string
	Role  Role
}

// InvitationUpdateOptions change an invitation.
type InvitationUpdateOptions struct {
	Role Role
}

// ServiceAccountsService manages service accounts (Enterprise plan).
type ServiceAccountsService interface {
	List(ctx context.Context, opts ServiceAccountListOptions) ([]*ServiceAccount, error)
	Pages(ctx context.Context, opts ServiceAccountListOptions) iter.Seq2[[]*ServiceAccount, error]
	Create(ctx context.Context, opts ServiceAccountCreateOptions) (*ServiceAccount, error)
	Read(ctx context.Context, serviceAccountID string) (*ServiceAccount, error)
	Update(ctx context.Context, serviceAccountID string, opts ServiceAccountUpdateOptions) (*ServiceAccount, error)
	// Deactivate locks the account and revokes all its tokens. Idempotent.
	Deactivate(ctx context.Context, serviceAccountID string) (*ServiceAccount, error)
	// Reactivate unlocks the account; no token comes back. Idempotent.
	Reactivate(ctx context.Context, serviceAccountID string) (*ServiceAccount, error)
}

// ServiceAccountListOptions filter a service-account list; nil fields do not filter.
type ServiceAccountListOptions struct {
	Status *UserStatus
	Email  *string
}

// ServiceAccountCreateOptions are the fields of a new service account.
type ServiceAccountCreateOptions struct {
	Email       string
	Description string
}

// ServiceAccountUpdateOptions change a service account.
type ServiceAccountUpdateOptions struct {
	Description string
}

// ManagedUsersService manages managed users (Enterprise plan).
type ManagedUsersService interface {
	List(ctx context.Context, opts ManagedUserListOptions) ([]*ManagedUser, error)
	Pages(ctx context.Context, opts ManagedUserListOptions) iter.Seq2[[]*ManagedUser, error]
	Create(ctx context.Context, opts ManagedUserCreateOptions) (*ManagedUser, error)
	Read(ctx context.Context, managedUserID string) (*ManagedUser, error)
	Update(ctx context.Context, managedUserID string, opts ManagedUserUpdateOptions) (*ManagedUser, error)
	Deactivate(ctx context.Context, managedUserID string) (*ManagedUser, error)
	Reactivate(ctx context.Context, managedUserID string) (*ManagedUser, error)
	// SendPasswordReset sends the password-reset email again.
	SendPasswordReset(ctx context.Context, managedUserID string) (*ManagedUser, error)
}

// ManagedUserListOptions filter a managed-user list; nil fields do not filter.
type ManagedUserListOptions struct {
	Status *UserStatus
	Email  *string
}

// ManagedUserCreateOptions are the fields of a new managed user.
type ManagedUserCreateOptions struct {
	Email     string
	FirstName string
	LastName  string
}

// ManagedUserUpdateOptions change a managed user; nil leaves a field as it is.
type ManagedUserUpdateOptions struct {
	FirstName *string
	LastName  *string
}

// APITokensService manages API tokens.
type APITokensService interface {
	List(ctx context.Context, opts APITokenListOptions) ([]*APIToken, error)
	Pages(ctx context.Context, opts APITokenListOptions) iter.Seq2[[]*APIToken, error]
	Create(ctx context.Context, opts APITokenCreateOptions) (*APITokenCreated, error)
	Read(ctx context.Context, tokenID string) (*APIToken, error)
	// Revoke revokes a token; revoking a revoked or expired token succeeds.
	Revoke(ctx context.Context, tokenID string) error
}

// APITokenListOptions filter a token list; nil fields do not filter.
type APITokenListOptions struct {
	ServiceAccountID *string
	Kind             *TokenKind
	Status           *TokenStatus
}

// APITokenCreateOptions are the fields of a new token. An organization key has neither
// ServiceAccountID nor Scope; a service-account token has both.
type APITokenCreateOptions struct {
	Name             string
	ExpiresIn        Expiry
	ServiceAccountID *string
	Scope            *TokenScope
}

// OAuthClientsService manages OAuth API clients.
type OAuthClientsService interface {
	List(ctx context.Context) ([]*OAuthClient, error)
	Pages(ctx context.Context) iter.Seq2[[]*OAuthClient, error]
	Create(ctx context.Context, opts OAuthClientCreateOptions) (*OAuthClientCreated, error)
	Read(ctx context.Context, oauthClientID string) (*OAuthClient, error)
	Update(ctx context.Context, oauthClientID string, opts OAuthClientUpdateOptions) (*OAuthClient, error)
	Delete(ctx context.Context, oauthClientID string) error
}

// OAuthClientCreateOptions are the fields of a new OAuth client.
type OAuthClientCreateOptions struct {
	Name string
}

// OAuthClientUpdateOptions change an OAuth client; nil leaves a field as it is.
type OAuthClientUpdateOptions struct {
	Name    *string
	Enabled *bool
}

// PublicService holds the client-credentials grant: it needs no credential of the client's own.
type PublicService interface {
	// ClientCredentialsToken exchanges an OAuth client's credentials for an access token.
	ClientCredentialsToken(ctx context.Context, clientID, clientSecret string) (*AccessToken, error)
}
