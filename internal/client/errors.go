package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// Sentinel errors. An *APIError matches them with errors.Is according to its status and code; a
// *ValidationError (bad options, caught before any request) matches ErrInvalid.
var (
	// ErrNotFound: the object does not exist in the credential's organization (404).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the credential is missing, unknown, revoked, expired or locked (401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the credential may not do this (any 403, plan_required included).
	ErrForbidden = errors.New("forbidden")
	// ErrPlanRequired: the feature needs another plan (403 plan_required).
	ErrPlanRequired = errors.New("plan required")
	// ErrConflict: the request conflicts with the object's state (any 409, last_owner included).
	ErrConflict = errors.New("conflict")
	// ErrLastOwner: the change would demote or remove the organization's last owner (409
	// last_owner).
	ErrLastOwner = errors.New("last owner")
	// ErrInvalid: bad input (400, or a ValidationError raised before any request).
	ErrInvalid = errors.New("invalid")
	// ErrRateLimited: too many requests (429), still so after every retry.
	ErrRateLimited = errors.New("rate limited")
)

// Error codes of the API's error envelope.
const (
	CodeInvalid              = "invalid"
	CodeUnauthorized         = "unauthorized"
	CodeForbidden            = "forbidden"
	CodePlanRequired         = "plan_required"
	CodeNotFound             = "not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeConflict             = "conflict"
	CodeLastOwner            = "last_owner"
	CodeIdempotencyKeyReused = "idempotency_key_reused"
	CodeRateLimited          = "rate_limited"
	CodeInternal             = "internal"
	CodeUnavailable          = "unavailable"
)

// APIError is an error answered by the API. It never holds a request body, a header or a secret
// query value.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the API's error code (CodeNotFound, ...); derived from the status when the body was
	// not the API's error envelope.
	Code string
	// Message is the API's explanation.
	Message string
	// Field names the request field or parameter at fault, when there is one.
	Field string
	// RequestID is the server's id of the request (X-Request-Id), for support.
	RequestID string
	// Method and Path say which request failed (the path relative to the endpoint, secret query
	// values redacted).
	Method string
	Path   string
}

// Error formats the error as "GET /members/mem_x: 404 not_found: member mem_x not found (request
// id req_...)".
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Is reports whether the error matches one of the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.Code == CodeNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.Code == CodeUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden || e.Code == CodeForbidden || e.Code == CodePlanRequired
	case ErrPlanRequired:
		return e.Code == CodePlanRequired
	case ErrConflict:
		return e.StatusCode == http.StatusConflict || e.Code == CodeConflict || e.Code == CodeLastOwner
	case ErrLastOwner:
		return e.Code == CodeLastOwner
	case ErrInvalid:
		return e.StatusCode == http.StatusBadRequest || e.Code == CodeInvalid
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || e.Code == CodeRateLimited
	}
	return false
}

// ValidationError is an option the client refused before sending anything. It matches ErrInvalid.
type ValidationError struct {
	// Field is the API's name of the field at fault (e.g. "email").
	Field string
	// Message says what is wrong.
	Message string
}

// Error formats the error as "invalid email: must not be empty".
func (e *ValidationError) Error() string {
	return "invalid " + e.Field + ": " + e.Message
}

// Is makes a ValidationError match ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// errorEnvelope is the API's error body. The OAuth token endpoint answers RFC 6749 errors instead,
// where "error" is a string; both are decoded from the same shape.
type errorEnvelope struct {
	Error            json.RawMessage `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field"`
	RequestID string `json:"request_id"`
}

// newAPIError builds an APIError from a failed response's status, headers and body. A body that
// is not the error envelope (a proxy's HTML page, an empty body) still gives a useful error.
func newAPIError(method, path string, status int, header http.Header, body []byte, s *scrubber) *APIError {
	e := &APIError{
		StatusCode: status,
		Method:     method,
		Path:       path,
		RequestID:  header.Get("X-Request-Id"),
	}
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err == nil && len(env.Error) > 0 {
		var eb errorBody
		var oauthCode string
		switch {
		case json.Unmarshal(env.Error, &eb) == nil && eb.Code != "":
			e.Code, e.Message, e.Field = eb.Code, eb.Message, eb.Field
			if eb.RequestID != "" {
				e.RequestID = eb.RequestID
			}
		case json.Unmarshal(env.Error, &oauthCode) == nil && oauthCode != "":
			e.Code = oauthCodeToCode(oauthCode, status)
			e.Message = oauthCode
			if env.ErrorDescription != "" {
				e.Message += ": " + env.ErrorDescription
			}
		}
	}
	if e.Code == "" {
		e.Code = codeForStatus(status)
		e.Message = http.StatusText(status)
		if snippet := bodySnippet(body); snippet != "" {
			e.Message += ": " + snippet
		}
		if e.Message == "" {
			e.Message = "unexpected response"
		}
	}
	e.Message = s.scrub(e.Message)
	return e
}

// oauthCodeToCode maps RFC 6749 error codes to the API's codes.
func oauthCodeToCode(oauthCode string, status int) string {
	switch oauthCode {
	case "invalid_client", "unauthorized_client", "invalid_grant":
		return CodeUnauthorized
	case "invalid_request", "unsupported_grant_type", "invalid_scope":
		return CodeInvalid
	}
	return codeForStatus(status)
}

// codeForStatus is the API's code for a status, for bodies that carry none.
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return CodeInvalid
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case http.StatusConflict:
		return CodeConflict
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return CodeUnavailable
	}
	if status >= 500 {
		return CodeInternal
	}
	return fmt.Sprintf("http_%d", status)
}

// bodySnippet is the start of a non-JSON body, on one line, printable characters only.
func bodySnippet(body []byte) string {
	const maxLen = 200
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, string(body))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
