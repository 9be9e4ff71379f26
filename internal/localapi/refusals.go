package localapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/http/httpguts"
)

// Some requests are refused by net/http itself, before any handler runs: a malformed request
// line, a header name or value that is not allowed (an Idempotency-Key holding a control
// character), a missing or malformed Host, headers over Start's limit, a transfer encoding or
// protocol version it does not speak, an Expect other than 100-continue. It answers those in
// plain text, written straight to the connection, with no hook to change them. So Start wraps
// every connection (envelopeListener): when net/http writes one of those answers, the connection
// writes the API's JSON error envelope instead (same status, code invalid, a request id, and the
// header at fault as field), which it finds by reading the request's head as net/http read it.
// The offending value is never echoed: it may be a credential.

// maxHeaderBytes bounds a request's headers (http.Server.MaxHeaderBytes): a token, an
// Idempotency-Key and the usual headers take a few KiB at most.
const maxHeaderBytes = 64 << 10

// maxHeadCapture bounds what a connection keeps of a request's head to explain a refusal:
// net/http reads up to maxHeaderBytes plus its own slack and a buffer.
const maxHeadCapture = maxHeaderBytes + 8<<10

// envelopeListener hands out connections that answer net/http's own refusals with the envelope.
type envelopeListener struct {
	net.Listener
	s *Server
}

// Accept wraps the accepted connection.
func (l envelopeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &envelopeConn{Conn: c, s: l.s}, nil
}

// envelopeConn keeps the head of the request being read (from the first byte after an answer
// to the blank line that ends the headers) and rewrites net/http's plain-text refusals.
type envelopeConn struct {
	net.Conn
	s *Server

	mu       sync.Mutex
	head     []byte
	headDone bool // the blank line after the headers was read: keep no more (bodies hold secrets)
}

// Read reads from the connection and keeps the request's head.
func (c *envelopeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if !c.headDone {
			room := maxHeadCapture - len(c.head)
			c.head = append(c.head, p[:min(n, max(room, 0))]...)
			c.headDone = bytes.Contains(c.head, []byte("\r\n\r\n")) || len(c.head) >= maxHeadCapture
		}
		c.mu.Unlock()
	}
	return n, err
}

// Write writes an answer, rewriting net/http's own refusals; the next request's head starts
// afresh.
func (c *envelopeConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	head := c.head
	c.head, c.headDone = nil, false
	c.mu.Unlock()
	status, text, ok := netHTTPRefusal(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(c.s.refusalAnswer(status, text, head)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// plainRefusal is how net/http answers a request it cannot read (server.go, conn.serve): a status
// line (whose reason may carry ": detail"), two fixed headers, and a one-line text.
var plainRefusal = regexp.MustCompile(`\AHTTP/1\.1 ([0-9]{3}) [^\r\n]*\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n([^\r\n]*)\z`)

// expectationFailed is net/http's answer to an Expect other than 100-continue (an empty 417).
var expectationFailed = regexp.MustCompile(`\AHTTP/1\.1 417 Expectation Failed\r\n(?:[A-Za-z-]+: [^\r\n]*\r\n)*\r\n\z`)

// netHTTPRefusal recognises an answer net/http wrote itself: its status and text. No handler of
// this server writes text/plain with no Date header, or a 417.
func netHTTPRefusal(p []byte) (status int, text string, ok bool) {
	if m := plainRefusal.FindSubmatch(p); m != nil {
		status, _ = strconv.Atoi(string(m[1]))
		return status, string(m[2]), true
	}
	if expectationFailed.Match(p) {
		return http.StatusExpectationFailed, "", true
	}
	return 0, "", false
}

// refusalAnswer is the envelope for a refusal by net/http, explained from the request's head.
func (s *Server) refusalAnswer(status int, text string, head []byte) []byte {
	field, message := explainRefusal(status, text, head)
	id := newRequestID()
	body := mustJSON(errorBody{Error: errorDetail{Code: codeInvalid, Message: message, Field: field, RequestID: id}})
	s.log.Info("request refused before routing", "status", status, "field", field, "request_id", id)
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	fmt.Fprintf(&b, "Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n")
	fmt.Fprintf(&b, "X-Request-Id: %s\r\nContent-Length: %d\r\n\r\n", id, len(body)+1)
	b.Write(body)
	b.WriteByte('\n')
	return b.Bytes()
}

// explainRefusal names the field at fault and says what is wrong, from net/http's status and
// text and the request's head (which may be partial or missing: then it says less).
func explainRefusal(status int, text string, head []byte) (field, message string) {
	switch {
	case status == http.StatusRequestHeaderFieldsTooLarge:
		return "", fmt.Sprintf("the request's headers are larger than %d KiB", maxHeaderBytes>>10)
	case status == http.StatusNotImplemented:
		return "Transfer-Encoding", "unsupported transfer encoding: only chunked is supported"
	case status == http.StatusHTTPVersionNotSupported:
		return "", "unsupported protocol version: send HTTP/1.1"
	case status == http.StatusExpectationFailed:
		return "Expect", "only Expect: 100-continue is supported"
	case strings.Contains(text, "Host header"):
		return "Host", "the Host header is missing or malformed"
	}
	lines := strings.Split(string(head), "\r\n")
	if len(lines) > 0 && len(strings.Fields(lines[0])) != 3 {
		return "", "malformed HTTP request line"
	}
	for _, line := range lines[min(1, len(lines)):] {
		if line == "" {
			break
		}
		name, value, found := strings.Cut(line, ":")
		if !found || !httpguts.ValidHeaderFieldName(name) {
			return "", "malformed header name (a header line must be \"Name: value\", the name a token)"
		}
		if !httpguts.ValidHeaderFieldValue(strings.TrimSpace(value)) {
			name = textproto.CanonicalMIMEHeaderKey(name)
			return name, "the value of header " + name + " holds a control character"
		}
	}
	return "", "malformed HTTP request"
}

// mustJSON marshals one of this package's own wire types (they always marshal).
func mustJSON(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("localapi: marshal %T: %v", v, err))
	}
	return body
}
