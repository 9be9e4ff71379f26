package localapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// Error codes of the error envelope (api/openapi.yaml, components.schemas.Error).
const (
	codeInvalid          = "invalid"
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codePlanRequired     = "plan_required"
	codeNotFound         = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codeConflict         = "conflict"
	codeLastOwner        = "last_owner"
	codeAlreadyMember    = "already_member"
	codeInvitationPend   = "invitation_pending"
	codeIdempotencyReuse = "idempotency_key_reused"
	codeIdempotencyInUse = "idempotency_key_in_use"
	codeRateLimited      = "rate_limited"
	codeInternal         = "internal"
	codeUnavailable      = "unavailable"
)

// apiError is an error answered to the client: an HTTP status and the envelope's fields.
type apiError struct {
	Status  int
	Code    string
	Message string
	Field   string
	// RetryAfter is when a rate-limited client may try again (Retry-After; 0: one second).
	RetryAfter time.Duration
}

// Error formats the error for logs.
func (e *apiError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%d): %s: %s", e.Code, e.Status, e.Field, e.Message)
	}
	return fmt.Sprintf("%s (%d): %s", e.Code, e.Status, e.Message)
}

func errInvalid(field, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

func errUnauthorized(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: fmt.Sprintf(format, args...)}
}

func errForbidden(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusForbidden, Code: codeForbidden, Message: fmt.Sprintf(format, args...)}
}

func errPlanRequired(feature, current, needed string) *apiError {
	return &apiError{Status: http.StatusForbidden, Code: codePlanRequired,
		Message: fmt.Sprintf("%s need the %s plan; this organization is on the %s plan", feature, needed, current)}
}

func errNotFound(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: fmt.Sprintf(format, args...)}
}

func errConflict(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Code: codeConflict, Message: fmt.Sprintf(format, args...)}
}

// errLastOwner refuses a change that would leave the organization without an owner: a conflict
// with a code of its own, so that clients can tell it from the others without reading the message.
func errLastOwner(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Code: codeLastOwner, Message: fmt.Sprintf(format, args...)}
}

// errAlreadyMember refuses to invite, or to invite again, an email that is a member: a conflict
// with a code of its own, so that clients can tell it from the others without reading the message.
func errAlreadyMember(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Code: codeAlreadyMember, Message: fmt.Sprintf(format, args...)}
}

// errInvitationPending refuses to invite, or to invite again, an email that has (another) pending
// invitation: a conflict with a code of its own, which alien_member decides on to adopt the
// invitation a concurrent run has just sent.
func errInvitationPending(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Code: codeInvitationPend, Message: fmt.Sprintf(format, args...)}
}

func errIdempotencyReused(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: codeIdempotencyReuse, Message: fmt.Sprintf(format, args...)}
}

func errIdempotencyInUse(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Code: codeIdempotencyInUse, Message: fmt.Sprintf(format, args...)}
}

// errorBody is the error envelope.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id"`
}

// writeError answers err: an *apiError as itself, anything else as a 500 (logged, with no
// detail for the client).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrDuplicate): // a race the handler's own checks did not see
		ae = errConflict("an object with these values already exists")
	case errors.Is(err, store.ErrGone):
		ae = errNotFound("an object this request refers to no longer exists")
	case r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		// The client went away: its transaction was rolled back and nobody reads this answer.
		s.log.Debug("request cancelled by the client", "request_id", requestID(r.Context()), "route", routeOf(r))
		ae = &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Message: "the request was cancelled; nothing was written"}
	default:
		s.log.Error("internal error", "request_id", requestID(r.Context()), "method", r.Method, "route", routeOf(r), "error", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Message: "internal error; the request id identifies it in the server's log"}
	}
	if ae.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="alien"`)
	}
	if ae.Code == codeRateLimited {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(roundUp(ae.RetryAfter)/time.Second))))
	}
	writeJSON(w, ae.Status, errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message, Field: ae.Field, RequestID: requestID(r.Context())}})
}

// writeJSON answers a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeRawJSON(w, status, mustJSON(v))
}

func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
	w.Write([]byte{'\n'})
}
