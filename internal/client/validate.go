package client

import (
	"net/url"
	"strings"
)

// Checks shared by the option structs' valid() methods. They catch what is certainly wrong
// (empty ids and names, unknown enum values) before any request; the API checks the rest (formats,
// lengths) and answers 400 naming the field.

func requireID(field, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalid(field, "must not be empty")
	}
	if strings.ContainsAny(id, "/?#") {
		return invalid(field, "%q is not an id", id)
	}
	return nil
}

func requireNonEmpty(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalid(field, "must not be empty")
	}
	return nil
}

func optionalNonEmpty(field string, v *string) error {
	if v != nil {
		return requireNonEmpty(field, *v)
	}
	return nil
}

func (r Role) valid() error {
	switch r {
	case RoleViewer, RoleWriter, RoleOwner:
		return nil
	case "":
		return invalid("role", "must not be empty (one of viewer, writer, owner)")
	}
	return invalid("role", "%q is not one of viewer, writer, owner", string(r))
}

func (p Plan) valid() error {
	switch p {
	case PlanFree, PlanTeam, PlanEnterprise:
		return nil
	}
	return invalid("plan", "%q is not one of free, team, enterprise", string(p))
}

func (s InvitationStatus) valid() error {
	switch s {
	case InvitationPending, InvitationAccepted, InvitationExpired, InvitationRevoked:
		return nil
	}
	return invalid("status", "%q is not one of pending, accepted, expired, revoked", string(s))
}

func (s UserStatus) valid() error {
	switch s {
	case UserActive, UserLocked:
		return nil
	}
	return invalid("status", "%q is not one of active, locked", string(s))
}

func (k TokenKind) valid() error {
	switch k {
	case TokenKindOrganizationKey, TokenKindServiceAccountToken:
		return nil
	}
	return invalid("kind", "%q is not one of organization_key, service_account_token", string(k))
}

func (s TokenStatus) valid() error {
	switch s {
	case TokenActive, TokenRevoked, TokenExpired:
		return nil
	}
	return invalid("status", "%q is not one of active, revoked, expired", string(s))
}

func (s TokenScope) valid() error {
	switch s {
	case ScopeRead, ScopeReadWrite:
		return nil
	}
	return invalid("scope", "%q is not one of api-key (read), api-secret (read + write)", string(s))
}

func (e Expiry) valid() error {
	switch e {
	case ExpiryNever, Expiry30d, Expiry90d, Expiry1y:
		return nil
	case "":
		return invalid("expires_in", "must not be empty (one of never, 30d, 90d, 1y)")
	}
	return invalid("expires_in", "%q is not one of never, 30d, 90d, 1y", string(e))
}

// setFilter adds a filter to a list query when it is set.
func setFilter(q url.Values, key string, v *string) {
	if v != nil {
		q.Set(key, *v)
	}
}

// ptrString converts an optional enum to an optional string.
func ptrString[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}
