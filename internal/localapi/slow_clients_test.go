package localapi

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// withTimeouts sets the listening server's timeouts.
func withTimeouts(to Timeouts) envOption { return func(c *Config) { c.Timeouts = to } }

// rawConn opens a TCP connection to the instance, for requests no well-behaved client sends.
func (e *env) rawConn() net.Conn {
	e.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	// The test's own bound: a server that never answers fails the test instead of hanging it.
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		e.t.Fatal(err)
	}
	return conn
}

// readAnswer reads one HTTP answer from conn, with its body (and "Connection: close", which
// http.ReadResponse takes out of the header, when the answer said so).
func (e *env) readAnswer(conn net.Conn, what string) *resp {
	e.t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		e.t.Fatalf("%s: no answer: %v", what, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s: reading the answer: %v", what, err)
	}
	if res.Close {
		res.Header.Set("Connection", "close")
	}
	return &resp{t: e.t, req: what, status: res.StatusCode, header: res.Header, body: body}
}

// TestTheServerHasTimeoutsForSlowClients: the listening server bounds the time to read a request,
// body included, and to answer it, and how long a kept-alive connection may idle; a request's
// headers are bounded in size.
func TestTheServerHasTimeoutsForSlowClients(t *testing.T) {
	e := newEnv(t, withFaults(FaultConfig{Latency: 5 * time.Second, FailRate: 0}))
	hs := e.inst.httpServer
	// 1 MiB, the largest body, at 64 KiB/s or faster.
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout < hs.ReadHeaderTimeout || hs.ReadTimeout < 16*time.Second {
		t.Errorf("read timeouts: header %v, request %v", hs.ReadHeaderTimeout, hs.ReadTimeout)
	}
	// The answer is due after the slowest body, the handler's work and any injected latency.
	if hs.WriteTimeout < hs.ReadTimeout+time.Minute+5*time.Second {
		t.Errorf("write timeout %v leaves too little time after a %v read and 5s of latency", hs.WriteTimeout, hs.ReadTimeout)
	}
	if hs.IdleTimeout <= 0 {
		t.Errorf("idle timeout %v", hs.IdleTimeout)
	}
	if hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 1<<20 {
		t.Errorf("header size limit %d", hs.MaxHeaderBytes)
	}
}

// TestAStalledBodyIsCutOff: a request whose body stops arriving is answered with the error
// envelope once the read timeout passes, and its connection is closed; it holds nothing longer.
func TestAStalledBodyIsCutOff(t *testing.T) {
	e := newEnv(t, withTimeouts(Timeouts{Read: 300 * time.Millisecond}))
	e.get("/me").want(200, nil) // the token's use is recorded now, not by the request below
	before := e.snapshot()
	conn := e.rawConn()
	_, err := io.WriteString(conn, "POST /datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+e.token+
		"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\": \"sl")
	if err != nil {
		t.Fatal(err)
	}
	r := e.readAnswer(conn, "a stalled body")
	r.wantError(400, "invalid", "body", "did not arrive")
	if r.header.Get("Connection") != "close" {
		t.Errorf("Connection: %q, want close", r.header.Get("Connection"))
	}
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("the connection is still open after the answer: %v", err)
	}
	if after := e.snapshot(); after != before {
		t.Error("a cut-off request wrote something")
	}
}

// TestAnIdleConnectionIsClosed: a kept-alive connection that sends nothing more is closed after
// the idle timeout.
func TestAnIdleConnectionIsClosed(t *testing.T) {
	e := newEnv(t, withTimeouts(Timeouts{Idle: 300 * time.Millisecond}))
	conn := e.rawConn()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("an idle connection was not closed: %v", err)
	}
}

// TestRequestsNetHTTPRefusesAnswerTheEnvelope: what net/http refuses before any handler runs
// (bad header values and names, a malformed request line, headers over the limit, an unsupported
// transfer encoding or protocol version) answers the JSON error envelope, with a request id and
// the header at fault, never net/http's plain text, and never echoes the offending value.
func TestRequestsNetHTTPRefusesAnswerTheEnvelope(t *testing.T) {
	e := newEnv(t)
	huge := strings.Repeat("x", 80<<10)
	for _, tc := range []struct {
		name, request string
		status        int
		field         string
		says          string
	}{
		{"control character in Idempotency-Key", "POST /datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + e.token +
			"\r\nIdempotency-Key: key\x01secret\r\nContent-Length: 2\r\n\r\n{}", 400, "Idempotency-Key", "control character"},
		{"DEL in a header", "GET /me HTTP/1.1\r\nHost: x\r\nX-Trace: a\x7fb\r\n\r\n", 400, "X-Trace", "control character"},
		{"bad header name", "GET /me HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "", "header name"},
		{"missing Host", "GET /me HTTP/1.1\r\n\r\n", 400, "Host", "Host"},
		{"malformed request line", "GARBAGE\r\n\r\n", 400, "", "malformed"},
		{"headers too large", "GET /me HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n", 431, "", "larger than"},
		{"unsupported transfer encoding", "POST /datasets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "Transfer-Encoding", "transfer encoding"},
		{"unsupported protocol version", "GET /me HTTP/2.5\r\nHost: x\r\n\r\n", 505, "", "protocol version"},
		{"unsupported expectation", "POST /datasets HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}", 417, "Expect", "100-continue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := *e
			e.t = t
			conn := e.rawConn()
			if _, err := io.WriteString(conn, tc.request); err != nil {
				t.Fatal(err)
			}
			r := e.readAnswer(conn, tc.name)
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q, body %q", ct, r.body)
			}
			d := r.wantError(tc.status, "invalid", tc.field, tc.says)
			if !strings.HasPrefix(d.RequestID, "req_") {
				t.Errorf("request id %q", d.RequestID)
			}
			if strings.Contains(string(r.body), "secret") || strings.Contains(string(r.body), e.token) {
				t.Errorf("the answer echoes the request: %s", r.body)
			}
			var v map[string]any
			if err := json.Unmarshal(r.body, &v); err != nil {
				t.Fatal(err)
			}
		})
	}
	// On a kept-alive connection, after an ordinary request, the field is found all the same.
	conn := e.rawConn()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, err := io.WriteString(conn, "GET /me HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\x1bb\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	(&resp{t: t, req: "a second request", status: res.StatusCode, header: res.Header, body: body}).wantError(400, "invalid", "Idempotency-Key", "control character")

	// The connection-level rewriting leaves ordinary answers alone.
	e.get("/me").want(200, nil)
	e.send(req{method: "GET", path: "/openapi.yaml"}).want(200, nil)
}
