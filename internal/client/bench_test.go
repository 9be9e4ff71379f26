package client

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
)

// BenchmarkReadCache reads 300 service accounts by id with a fresh client per iteration (a
// Terraform refresh), with and without the read cache, against the in-process local API. It
// reports reads per second and HTTP requests per read.
func BenchmarkReadCache(b *testing.B) {
	e := startAPI(b, localapi.FaultConfig{})
	ctx := context.Background()
	const n = 300
	ids := make([]string, n)
	for i := range n {
		sa, err := e.owner.ServiceAccounts.Create(ctx, ServiceAccountCreateOptions{Email: fmt.Sprintf("robot%03d@example.com", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = sa.ID
	}
	for _, cache := range []bool{false, true} {
		b.Run(fmt.Sprintf("cache=%v", cache), func(b *testing.B) {
			var requests atomic.Int64
			hc := &http.Client{Transport: &countingTransport{base: cleanhttp.DefaultPooledTransport(), n: &requests}}
			reads := 0
			for b.Loop() {
				c := e.client(Config{Token: e.inst.Bootstrap.Token, ReadCache: cache, HTTPClient: hc, Logger: discardLogger{}})
				for _, id := range ids {
					if _, err := c.ServiceAccounts.Read(ctx, id); err != nil {
						b.Fatal(err)
					}
					reads++
				}
			}
			b.ReportMetric(float64(reads)/b.Elapsed().Seconds(), "reads/s")
			b.ReportMetric(float64(requests.Load())/float64(reads), "requests/read")
		})
	}
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	base http.RoundTripper
	n    *atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.base.RoundTrip(r)
}

// discardLogger drops every line.
type discardLogger struct{}

func (discardLogger) Debug(context.Context, string, map[string]any) {}
func (discardLogger) Warn(context.Context, string, map[string]any)  {}
