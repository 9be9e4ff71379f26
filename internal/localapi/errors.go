package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

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
	codeIdempotencyReuse = "idempotency_key_reused"
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

func errIdempotencyReused(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: codeIdempotencyReuse, Message: fmt.Sprintf(format, args...)}
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
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, ae.Status, errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message, Field: ae.Field, RequestID: requestID(r.Context())}})
}

// writeJSON answers a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only our own wire types are marshalled; they always marshal.
		panic(fmt.Sprintf("localapi: marshal %T: %v", v, err))
	}
	writeRawJSON(w, status, body)
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
