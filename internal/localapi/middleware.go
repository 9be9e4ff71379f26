package localapi

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxRequestInfo
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

// requestInfo is what the outer middleware learns about a request from the inner layers.
type requestInfo struct {
	route string // "METHOD /pattern", or "unmatched"
	fault string // the fault injected, if any
}

func info(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(ctxRequestInfo).(*requestInfo)
	if ri == nil {
		return &requestInfo{}
	}
	return ri
}

func routeOf(r *http.Request) string { return info(r.Context()).route }

// middleware wraps the mux: request id, then logging and statistics, then panic recovery, then
// fault injection (never on /_local/*, /healthz, /openapi.yaml).
func (s *Server) middleware(next http.Handler) http.Handler {
	faulty := s.faults.wrap(s, next)
	recovered := s.recoverer(faulty)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		ri := &requestInfo{route: s.routeKey(r)}
		ctx := context.WithValue(context.WithValue(r.Context(), ctxRequestID, id), ctxRequestInfo, ri)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		// The Date of every answer is alien-local's own clock (which --time-travel moves), not the
		// system's: clients judge the API's times by it.
		w.Header().Set("Date", s.clock.Now().UTC().Format(http.TimeFormat))
		if !strings.HasPrefix(r.URL.Path, "/_local/") {
			s.stats.count(ri.route)
		}
		rec := &statusRecorder{ResponseWriter: w}
		recovered.ServeHTTP(rec, r)
		attrs := []any{"method", r.Method, "route", ri.route, "status", rec.status, "duration", time.Since(start).Round(time.Microsecond), "request_id", id}
		if ri.fault != "" {
			attrs = append(attrs, "fault", ri.fault)
		}
		s.log.Info("request", attrs...)
	})
}

// newRequestID makes a request's id (X-Request-Id, and the error envelope's request_id).
func newRequestID() string { return "req_" + hex.EncodeToString(randomBytes(10)) }

// routeKey is the statistics and log key of a request: "METHOD /pattern" of the operation it
// reaches, "METHOD /path-pattern" when the method is not allowed there, or "unmatched".
func (s *Server) routeKey(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	switch {
	case pattern == "" || pattern == "/":
		return "unmatched"
	case strings.HasPrefix(pattern, "/"):
		return r.Method + " " + pattern
	default:
		method, path, _ := strings.Cut(pattern, " ")
		if method == "GET" && r.Method == "HEAD" {
			method = "HEAD"
		}
		return method + " " + path
	}
}

// recoverer turns a panic into a logged 500 envelope. http.ErrAbortHandler passes through: it
// is how a dropped response closes the connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // a sentinel compared as net/http does
				panic(v)
			}
			s.log.Error("panic", "request_id", requestID(r.Context()), "route", routeOf(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
				return // the answer had started: nothing more can be said
			}
			s.writeError(w, r, errors.New("panic"))
		}()
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and passes it on.
func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write passes the body on (a 200 if no status was written).
func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to hijack a dropped response).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack passes through to the connection.
func (w *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// stats counts requests per route and injected faults.
type stats struct {
	mu       sync.Mutex
	requests map[string]int
	faults   map[string]int
}

func newStats() *stats { return &stats{requests: map[string]int{}, faults: map[string]int{}} }

func (st *stats) count(route string) {
	st.mu.Lock()
	st.requests[route]++
	st.mu.Unlock()
}

func (st *stats) fault(kind string) {
	st.mu.Lock()
	st.faults[kind]++
	st.mu.Unlock()
}

func (st *stats) snapshot() (map[string]int, map[string]int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	req := make(map[string]int, len(st.requests))
	for k, v := range st.requests {
		req[k] = v
	}
	f := make(map[string]int, len(st.faults))
	for k, v := range st.faults {
		f[k] = v
	}
	return req, f
}

func (st *stats) reset() {
	st.mu.Lock()
	st.requests = map[string]int{}
	st.faults = map[string]int{}
	st.mu.Unlock()
}
