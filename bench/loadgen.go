package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The load generator's bounds: a fixed number of workers for a fixed time, loopback only.
const (
	loadConcurrency = 8
	loadDuration    = 5 * time.Second
	loadObjects     = 200
)

// loadRow is the throughput of one kind of authenticated read.
type loadRow struct {
	name        string
	concurrency int
	duration    time.Duration
	requests    int
	errors      int
	p50, p99    time.Duration
}

// perSecond is the rate of successful requests.
func (r loadRow) perSecond() float64 { return float64(r.requests-r.errors) / r.duration.Seconds() }

// load measures the local API's throughput for authenticated reads against a fresh alien-local
// holding loadObjects service accounts.
func (b *bench) load(ctx context.Context) error {
	dir := filepath.Join(b.work, "load")
	srv, err := b.startServer(ctx, dir, filepath.Join(dir, "alien.db"), "")
	if err != nil {
		return err
	}
	defer srv.stop()
	ids := make([]string, 0, loadObjects)
	for i := range loadObjects {
		sa, err := srv.verifier.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{Email: fmt.Sprintf("load-%d@example.com", i)})
		if err != nil {
			return err
		}
		ids = append(ids, sa.ID)
	}
	scenarios := []struct {
		name string
		path func(i int) string
	}{
		{"GET /me", func(int) string { return "/me" }},
		{"GET /service-accounts/{id}", func(i int) string { return "/service-accounts/" + url.PathEscape(ids[i%len(ids)]) }},
		{"GET /service-accounts?page_size=100", func(int) string { return "/service-accounts?page_size=100" }},
	}
	for _, sc := range scenarios {
		b.progress("throughput: %s, %d workers for %s", sc.name, loadConcurrency, loadDuration)
		row, err := generateLoad(ctx, srv.url, srv.token, sc.path, loadConcurrency, loadDuration)
		if err != nil {
			return err
		}
		row.name = sc.name
		b.progress("  %d requests, %.0f req/s, p50 %s, p99 %s, %d errors", row.requests, row.perSecond(),
			row.p50.Round(10*time.Microsecond), row.p99.Round(10*time.Microsecond), row.errors)
		b.res.load = append(b.res.load, row)
	}
	return nil
}

// generateLoad runs concurrency workers that send authenticated GETs (path(i) for the i-th
// request of a worker) for d, and answers the count, errors and latency percentiles. It refuses
// any endpoint that is not a loopback address.
func generateLoad(ctx context.Context, endpoint, token string, path func(int) string, concurrency int, d time.Duration) (loadRow, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return loadRow{}, err
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return loadRow{}, errors.New("the load generator only targets loopback addresses")
	}
	transport := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency, DisableCompression: true}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	var mu sync.Mutex
	var latencies []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for w := range concurrency {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			localErrs := 0
			for i := w; ctx.Err() == nil; i += concurrency {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+path(i), nil)
				if err != nil {
					localErrs++
					break
				}
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					if ctx.Err() != nil {
						break // the time is up: this request does not count
					}
					localErrs++
					local = append(local, time.Since(t0))
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				local = append(local, time.Since(t0))
				if resp.StatusCode != http.StatusOK {
					localErrs++
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errs += localErrs
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	row := loadRow{concurrency: concurrency, duration: elapsed, requests: len(latencies), errors: errs}
	if len(latencies) == 0 {
		return row, errors.New("the load generator completed no request")
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	row.p50 = latencies[len(latencies)*50/100]
	row.p99 = latencies[min(len(latencies)-1, len(latencies)*99/100)]
	return row, nil
}
