package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAPIErrorFormat(t *testing.T) {
	e := &APIError{StatusCode: 404, Code: CodeNotFound, Message: "member mem_x not found", RequestID: "req_1", Method: "GET", Path: "/members/mem_x"}
	want := "GET /members/mem_x: 404 not_found: member mem_x not found (request id req_1)"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &APIError{StatusCode: 400, Code: CodeInvalid, Message: "not an email", Field: "email", Method: "POST", Path: "/invitations"}
	if got, want := e.Error(), "POST /invitations: 400 invalid: not an email (field email)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestAPIErrorIs(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrPlanRequired, ErrConflict, ErrLastOwner, ErrInvalid, ErrRateLimited}
	tests := []struct {
		status int
		code   string
		want   []error
	}{
		{404, CodeNotFound, []error{ErrNotFound}},
		{401, CodeUnauthorized, []error{ErrUnauthorized}},
		{403, CodeForbidden, []error{ErrForbidden}},
		{403, CodePlanRequired, []error{ErrForbidden, ErrPlanRequired}},
		{409, CodeConflict, []error{ErrConflict}},
		{409, CodeLastOwner, []error{ErrConflict, ErrLastOwner}},
		{400, CodeInvalid, []error{ErrInvalid}},
		{429, CodeRateLimited, []error{ErrRateLimited}},
		{422, CodeIdempotencyKeyReused, nil},
		{503, CodeUnavailable, nil},
	}
	for _, tt := range tests {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: tt.status, Code: tt.code})
		for _, s := range sentinels {
			want := false
			for _, w := range tt.want {
				want = want || errors.Is(w, s)
			}
			if got := errors.Is(err, s); got != want {
				t.Errorf("errors.Is(%d %s, %v) = %v, want %v", tt.status, tt.code, s, got, want)
			}
		}
	}
	var ve error = &ValidationError{Field: "email", Message: "must not be empty"}
	if !errors.Is(ve, ErrInvalid) || errors.Is(ve, ErrNotFound) {
		t.Errorf("ValidationError must match ErrInvalid only")
	}
}

func TestNewAPIError(t *testing.T) {
	s := newScrubber("oat_secret.value")
	h := http.Header{"X-Request-Id": {"req_hdr"}}

	e := newAPIError("GET", "/members/x", 404, h, []byte(`{"error":{"code":"not_found","message":"member x not found","request_id":"req_body"}}`), s)
	if e.Code != CodeNotFound || e.Message != "member x not found" || e.RequestID != "req_body" {
		t.Errorf("envelope: got %+v", e)
	}

	e = newAPIError("POST", "/invitations", 400, h, []byte(`{"error":{"code":"invalid","message":"bad","field":"email","request_id":"r"}}`), s)
	if e.Field != "email" || !errors.Is(e, ErrInvalid) {
		t.Errorf("field: got %+v", e)
	}

	e = newAPIError("GET", "/members", 502, h, []byte("<html>\n<body><h1>502 Bad Gateway</h1>\n</body></html>"), s)
	if e.Code != CodeUnavailable || !strings.Contains(e.Message, "Bad Gateway") || e.RequestID != "req_hdr" {
		t.Errorf("html body: got %+v", e)
	}

	e = newAPIError("GET", "/members", 500, http.Header{}, nil, s)
	if e.Code != CodeInternal || e.Message == "" {
		t.Errorf("empty body: got %+v", e)
	}

	e = newAPIError("POST", "/oauth/token", 401, h, []byte(`{"error":"invalid_client","error_description":"unknown client"}`), s)
	if e.Code != CodeUnauthorized || !strings.Contains(e.Message, "unknown client") || !errors.Is(e, ErrUnauthorized) {
		t.Errorf("oauth body: got %+v", e)
	}

	e = newAPIError("GET", "/me", 401, h, []byte(`{"error":{"code":"unauthorized","message":"token oat_secret.value is revoked; also oaa_abc.def","request_id":"r"}}`), s)
	if strings.Contains(e.Error(), "oat_secret") || strings.Contains(e.Error(), "oaa_abc") {
		t.Errorf("echoed credentials not scrubbed: %q", e.Error())
	}

	long := strings.Repeat("é", 500)
	e = newAPIError("GET", "/x", 500, h, []byte(long), s)
	if len(e.Message) > 260 || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("long body not cut: %d bytes", len(e.Message))
	}
}

func TestCodeForStatus(t *testing.T) {
	for status, want := range map[int]string{
		400: CodeInvalid, 401: CodeUnauthorized, 403: CodeForbidden, 404: CodeNotFound,
		405: CodeMethodNotAllowed, 409: CodeConflict, 429: CodeRateLimited,
		502: CodeUnavailable, 503: CodeUnavailable, 504: CodeUnavailable,
		500: CodeInternal, 501: CodeInternal, 599: CodeInternal,
		418: "http_418", 302: "http_302",
	} {
		if got := codeForStatus(status); got != want {
			t.Errorf("codeForStatus(%d) = %q, want %q", status, got, want)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	got := displayPath("/accept-invitation", map[string][]string{"token": {"lnk_very_secret"}, "email": {"a@b.c"}, "client_secret": {"x"}})
	want := "/accept-invitation?client_secret=REDACTED&email=a%40b.c&token=REDACTED"
	if got != want {
		t.Errorf("displayPath = %q, want %q", got, want)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.v, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffDelay(t *testing.T) {
	now := time.Now()
	minW, maxW := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 40; attempt++ {
		for range 50 {
			d := backoffDelay(minW, maxW, attempt, nil, now)
			if d < minW || d > maxW {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, minW, maxW)
			}
			base := min(minW<<min(attempt, 20), maxW)
			if d < base/2 || d > base {
				t.Fatalf("attempt %d: backoff %v outside the jitter window [%v, %v]", attempt, d, base/2, base)
			}
		}
	}
	// Jitter: not every wait is the same.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[backoffDelay(minW, maxW, 3, nil, now)] = true
	}
	if len(seen) < 2 {
		t.Errorf("backoff has no jitter")
	}
	// Retry-After is honoured, capped by the maximum.
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"1"}}}
	if d := backoffDelay(minW, maxW, 0, resp, now); d != time.Second {
		t.Errorf("Retry-After 1: backoff %v, want 1s", d)
	}
	resp.Header.Set("Retry-After", "120")
	if d := backoffDelay(minW, maxW, 0, resp, now); d != maxW {
		t.Errorf("Retry-After 120: backoff %v, want the cap %v", d, maxW)
	}
	resp.Header.Set("Retry-After", now.Add(1500*time.Millisecond).UTC().Format(http.TimeFormat))
	if d := backoffDelay(minW, maxW, 0, resp, now.Truncate(time.Second)); d < time.Second || d > maxW {
		t.Errorf("Retry-After date: backoff %v", d)
	}
}
