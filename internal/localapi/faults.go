package localapi

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Kinds of injected faults, as counted in /_local/stats.
const (
	faultLatency     = "latency"
	faultUnavailable = "unavailable"
	faultRateLimited = "rate_limited"
	faultDropped     = "dropped"
)

// faults injects latency and failures, drawing from a seeded generator so that a sequential run
// repeats exactly.
type faults struct {
	cfg FaultConfig
	mu  sync.Mutex
	rng *rand.Rand
}

func newFaults(cfg FaultConfig) *faults {
	return &faults{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
}

func (f *faults) draw() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64()
}

// exempt reports whether a path never gets faults.
func exempt(path string) bool {
	return strings.HasPrefix(path, "/_local/") || path == "/healthz" || path == "/openapi.yaml"
}

func (f *faults) wrap(s *Server, next http.Handler) http.Handler {
	if !f.cfg.enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		ri := info(r.Context())
		if f.cfg.Latency > 0 {
			s.stats.fault(faultLatency)
			t := time.NewTimer(f.cfg.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		x := f.draw()
		switch {
		case x < f.cfg.FailRate:
			s.stats.fault(faultUnavailable)
			ri.fault = faultUnavailable
			s.writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable,
				Message: "the service is unavailable (injected fault); nothing was written; retry"})
		case x < f.cfg.FailRate+f.cfg.RateLimitRate:
			s.stats.fault(faultRateLimited)
			ri.fault = faultRateLimited
			s.writeError(w, r, &apiError{Status: http.StatusTooManyRequests, Code: codeRateLimited,
				Message: "too many requests (injected fault); nothing was written; retry after 1 second"})
		case x < f.cfg.FailRate+f.cfg.RateLimitRate+f.cfg.DropRate:
			s.stats.fault(faultDropped)
			ri.fault = faultDropped
			// The handler runs and commits; its answer goes nowhere.
			next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
				return
			}
			panic(http.ErrAbortHandler) // no hijacking (HTTP/2, recorders): abort the answer
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// discardWriter swallows an answer.
type discardWriter struct {
	header http.Header
}

// Header is the swallowed answer's header.
func (d *discardWriter) Header() http.Header { return d.header }

// WriteHeader does nothing.
func (d *discardWriter) WriteHeader(int) {}

// Write swallows the body.
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
