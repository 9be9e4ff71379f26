package client

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxResponseBody bounds what the client reads of one response.
const maxResponseBody = 32 << 20

// core is what every service shares: the endpoint, the HTTP client, the retry policy, the
// credential, the logger, the read cache and what the client knows of the API's clock.
type core struct {
	endpoint  string // normalized, no trailing slash
	basePath  string // the endpoint's path, e.g. "" or "/api"
	http      *http.Client
	retryMax  int
	waitMin   time.Duration
	waitMax   time.Duration
	userAgent string
	logger    Logger
	auth      authenticator // nil when the client has no credential
	scrub     *scrubber
	cache     *readCache // nil when Config.ReadCache is off
	// serverClock follows the API's clock by the Date of its answers.
	serverClock serverClock
}

// request is one logical API call.
type request struct {
	method string
	path   string // relative to the endpoint, path parameters already escaped
	query  url.Values
	body   any        // JSON-encoded when non-nil
	form   url.Values // form-encoded when non-nil (the OAuth token endpoint)
	// public requests carry no credential (and so no Idempotency-Key).
	public bool
	// basicUser and basicPass authenticate a public request with HTTP Basic (the token endpoint).
	basicUser, basicPass string
	// header, when set, receives the final answer's headers.
	header *http.Header
	// repeatable marks a public POST that is safe to repeat because it creates nothing
	// persistent (the client-credentials grant, a login).
	repeatable bool
	// idempotencyKey is the Idempotency-Key of an authenticated POST, set by do: one per logical
	// call.
	idempotencyKey string
}

// errNoCredential answers authenticated calls on a client configured without a credential.
var errNoCredential = fmt.Errorf("no credential configured: set a token, or a client id and client secret: %w", ErrUnauthorized)

// do sends r (retrying as the policy allows) and decodes a 2xx answer into out (when non-nil).
// Any other answer becomes an *APIError.
func (c *core) do(ctx context.Context, r *request, out any) error {
	if r.method == http.MethodPost && !r.public {
		// One key per logical call, the same on every attempt and on the attempt after a renewed
		// credential: the server replays the first answer instead of doing the work twice.
		r.idempotencyKey = newIdempotencyKey()
	}
	a, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	// An OAuth access token can be refused before its expiry (clock skew, a server restart); get a
	// fresh one (unless another call already did) and try once more.
	if a.status == http.StatusUnauthorized && !r.public {
		if inv, ok := c.auth.(invalidator); ok {
			inv.invalidate(a.authorization)
			if a, err = c.send(ctx, r); err != nil {
				return err
			}
		}
	}
	if r.header != nil {
		*r.header = a.header
	}
	if a.status < 200 || a.status > 299 {
		return newAPIError(r.method, displayPath(r.path, r.query), a.status, a.header, a.body, c.scrub)
	}
	if out == nil || a.status == http.StatusNoContent || len(a.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		return fmt.Errorf("%s %s: decoding the %d answer: %w", r.method, displayPath(r.path, r.query), a.status, err)
	}
	return nil
}

// answer is the final answer to a request.
type answer struct {
	status int
	header http.Header
	body   []byte
	// authorization is the credential the last attempt carried ("" for a public request): the
	// one to renew when it was refused.
	authorization string
}

// send builds the HTTP request for r and runs it through the retry loop. It answers the final
// answer.
func (c *core) send(ctx context.Context, r *request) (*answer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.method != http.MethodGet {
		// A write that was sent is finished, retries included, even when the caller gives up
		// meanwhile (Terraform cancels every call in flight on Ctrl-C): abandoning it could leave
		// an object on the server that the caller never learns about, which the next run would
		// then create a second time.
		var cancel context.CancelFunc
		ctx, cancel = finishOnCancel(ctx, c.http.Timeout)
		defer cancel()
	}
	u := c.endpoint + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body []byte
	contentType := ""
	switch {
	case r.form != nil:
		body = []byte(r.form.Encode())
		contentType = "application/x-www-form-urlencoded"
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request: %w", r.method, r.path, err)
		}
		body = b
		contentType = "application/json"
	}
	var raw any // nil: no body
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, u, raw)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, displayPath(r.path, r.query), err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	idempotent := r.method != http.MethodPost || r.repeatable
	var refresh func(*http.Request) error
	if r.public {
		if r.basicUser != "" {
			req.SetBasicAuth(url.QueryEscape(r.basicUser), url.QueryEscape(r.basicPass))
		}
	} else {
		if c.auth == nil {
			return nil, errNoCredential
		}
		authz, err := c.auth.authorization(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", authz)
		if r.idempotencyKey != "" {
			req.Header.Set("Idempotency-Key", r.idempotencyKey)
			idempotent = true
		}
		if _, dynamic := c.auth.(invalidator); dynamic {
			refresh = func(hr *http.Request) error {
				authz, err := c.auth.authorization(ctx)
				if err != nil {
					return err
				}
				hr.Header = hr.Header.Clone()
				hr.Header.Set("Authorization", authz)
				return nil
			}
		}
	}
	resp, err := c.retry(ctx, req, displayPath(r.path, r.query), idempotent, refresh)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	c.serverClock.observe(resp.Header.Get("Date"), time.Now())
	// Buffered (and bounded) by the response handler, except for the last answer of a retried
	// call that ran out of retries (a 429 or 5xx): only its start matters, for the error.
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, &transportError{method: r.method, path: displayPath(r.path, r.query), err: err, scrub: c.scrub}
	}
	a := &answer{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.Request != nil {
		a.authorization = resp.Request.Header.Get("Authorization")
	}
	return a, nil
}

// finishOnCancel answers a context with parent's values that parent's cancellation (or deadline)
// does not end at once: it ends grace after it (or when the returned cancel is called), so that
// a write in flight can get its answer, retrying with the same idempotency key if needed.
func finishOnCancel(parent context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	if grace <= 0 {
		grace = DefaultRequestTimeout
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-ctx.Done():
		}
	})
	return ctx, func() {
		stop()
		cancel()
	}
}

// newIdempotencyKey is 128 random bits, hex-encoded.
func newIdempotencyKey() string {
	var b [16]byte
	_, _ = crand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "idem_" + hex.EncodeToString(b[:])
}

// retry runs req with go-retryablehttp and this client's policy: 429 always retried, 5xx and
// transport errors only when idempotent, nothing else. The response's body is read inside the
// attempt (so a connection dropped mid-body is retried too) and handed back buffered.
func (c *core) retry(ctx context.Context, req *retryablehttp.Request, path string, idempotent bool, refresh func(*http.Request) error) (*http.Response, error) {
	st := &callState{core: c, ctx: ctx, method: req.Method, path: path, idempotent: idempotent}
	req.SetResponseHandler(readBody)
	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.waitMin,
		RetryWaitMax: c.waitMax,
		RetryMax:     c.retryMax,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, i int) {
			st.attempt = i + 1
			st.start = time.Now()
			st.awaitingBody = false
		},
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		PrepareRetry: refresh,
	}
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = ctxErr
		}
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, err
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL could carry a link token
		}
		return nil, &transportError{method: req.Method, path: path, attempts: st.attempt, err: err, scrub: c.scrub}
	}
	return resp, nil
}

// readBody buffers a response's body inside the attempt.
func readBody(resp *http.Response) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if len(b) > maxResponseBody {
		return permanentError{fmt.Errorf("response larger than %d bytes", maxResponseBody)}
	}
	return nil
}

// permanentError is a failure that no retry can fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// callState follows one logical call through its attempts, for the policy and the log.
type callState struct {
	core       *core
	ctx        context.Context
	method     string
	path       string
	idempotent bool

	attempt      int
	start        time.Time
	awaitingBody bool // the first check of an attempt passed; the body is being read
	reason       string
}

// checkRetry is the retry policy. It is called once after the response's headers arrive and, when
// they are final, once more after the body has been read.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, reason, cerr := st.decide(ctx, resp, err)
	if !st.awaitingBody && err == nil && !retry {
		// The response handler reads the body next and this check runs again; log then.
		st.awaitingBody = true
		return retry, cerr
	}
	st.awaitingBody = false
	st.reason = reason
	st.logAttempt(resp, err)
	return retry, cerr
}

func (st *callState) decide(ctx context.Context, resp *http.Response, err error) (bool, string, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, "", ctxErr
	}
	if err != nil {
		if !st.idempotent || isPermanent(err) {
			return false, "", nil
		}
		return true, "transport error: " + st.core.scrub.scrub(innerError(err).Error()), nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		reason := "429 rate limited"
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			reason += " (Retry-After " + ra + ")"
		}
		return true, reason, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && st.idempotent:
		return true, fmt.Sprintf("%d %s", resp.StatusCode, codeForStatus(resp.StatusCode)), nil
	}
	return false, "", nil
}

// isPermanent reports transport errors that a retry cannot fix: bad certificates, an invalid
// request, an oversized body.
func isPermanent(err error) bool {
	var pe permanentError
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var cie x509.CertificateInvalidError
	return errors.As(err, &pe) || errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &hne) || errors.As(err, &cie)
}

// innerError strips *url.Error, whose text holds the URL (and so possibly a link token).
func innerError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// backoff is the wait before the next attempt: the server's Retry-After when it gave one (capped
// by RetryWaitMax), else exponential from RetryWaitMin with jitter, capped by RetryWaitMax.
func (st *callState) backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	wait := backoffDelay(minWait, maxWait, attemptNum, resp, time.Now())
	if l := st.core.logger; l != nil {
		l.Warn(st.ctx, "retrying Alien API request", map[string]any{
			"method":  st.method,
			"path":    st.path,
			"attempt": st.attempt,
			"reason":  st.reason,
			"wait_ms": wait.Milliseconds(),
		})
	}
	return wait
}

func backoffDelay(minWait, maxWait time.Duration, attemptNum int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
			return min(d, maxWait)
		}
	}
	base := maxWait
	if attemptNum < 32 {
		if b := minWait << attemptNum; b > 0 && b < maxWait {
			base = b
		}
	}
	// "Equal jitter": half the base, plus a random share of the other half.
	half := base / 2
	wait := half
	if half > 0 {
		wait += rand.N(half + 1)
	}
	return max(wait, min(minWait, maxWait))
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func (st *callState) logAttempt(resp *http.Response, err error) {
	l := st.core.logger
	if l == nil {
		return
	}
	fields := map[string]any{
		"method":      st.method,
		"path":        st.path,
		"attempt":     st.attempt,
		"duration_ms": time.Since(st.start).Milliseconds(),
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
		if id := resp.Header.Get("X-Request-Id"); id != "" {
			fields["request_id"] = id
		}
	}
	if err != nil {
		fields["error"] = st.core.scrub.scrub(innerError(err).Error())
	}
	l.Debug(st.ctx, "Alien API request", fields)
}

// transportError is a request that got no usable answer (connection refused, reset, timed out).
// Its text holds the method and the redacted path, never the URL.
type transportError struct {
	method   string
	path     string
	attempts int
	err      error
	scrub    *scrubber
}

func (e *transportError) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.method, e.path, e.scrub.scrub(e.err.Error()))
	if e.attempts > 1 {
		msg += fmt.Sprintf(" (gave up after %d attempts)", e.attempts)
	}
	return msg
}

func (e *transportError) Unwrap() error { return e.err }

// doJSON sends r and decodes the 2xx answer as a T.
func doJSON[T any](ctx context.Context, c *core, r *request) (*T, error) {
	var out T
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
