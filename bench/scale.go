package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// Kinds of the scale scenarios.
const (
	kindBaseline = "terraform_data"
	kindFloor    = "benchfloor_thing"
	kindMember   = "alien_member"
	kindToken    = "alien_api_token"
)

// scaleKinds is the order the kinds run in (and are shown in). benchfloor_thing (bench/floor: a
// framework provider without I/O) runs without added latency only: it makes no request.
var scaleKinds = []string{kindBaseline, kindFloor, kindMember, kindToken}

// runs reports whether a kind runs at a latency.
func runs(kind string, lat time.Duration) bool { return kind != kindFloor || lat == 0 }

// planRuns is how many times the no-change plan runs (its time is their median).
const planRuns = 3

// serviceAccountsForTokens is how many service accounts the token scenario's tokens belong to
// (created through the API beforehand, so the configuration holds exactly N resources).
const serviceAccountsForTokens = 10

// scaleRow is one scenario's measurements.
type scaleRow struct {
	kind      string
	n         int
	latency   time.Duration
	apply     time.Duration
	plan      time.Duration
	destroy   time.Duration
	requests  int            // API requests of the no-change plan
	byRoute   map[string]int // the same, per route
	peakKiB   int64          // the provider's peak resident memory over the three commands
	cpu       [3]cpuSplit    // apply, plan, destroy
	planEmpty bool
	err       string
}

// cpuSplit is a command's CPU time: Terraform's own and its providers'.
type cpuSplit struct{ terraform, provider time.Duration }

func splitOf(r tfRun) cpuSplit {
	return cpuSplit{terraform: max(r.cpu-r.providerCPU, 0), provider: r.providerCPU}
}

// reqPerResource is the no-change plan's API requests per resource.
func (r scaleRow) reqPerResource() float64 { return float64(r.requests) / float64(r.n) }

// scale runs every scale scenario: per latency, per N, the baseline then the provider's kinds,
// each against a fresh alien-local and database.
func (b *bench) scale(ctx context.Context) error {
	total := 0
	for _, lat := range b.opts.latencies {
		for _, kind := range b.opts.kinds {
			if runs(kind, lat) {
				total += len(b.opts.ns)
			}
		}
	}
	i := 0
	for _, lat := range b.opts.latencies {
		for _, n := range b.opts.ns {
			for _, kind := range b.opts.kinds {
				if !runs(kind, lat) {
					continue
				}
				i++
				row, err := b.scaleOne(ctx, kind, n, lat)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					row.err = firstLine(err.Error())
					b.progress("[%d/%d] %s N=%d latency=%s: FAILED: %v", i, total, kind, n, lat, err)
				} else {
					b.progress("[%d/%d] %s N=%d latency=%s: apply %s, plan %s (%d requests, %.3f per resource), destroy %s, provider peak %s",
						i, total, kind, n, lat, secs(row.apply), secs(row.plan), row.requests, row.reqPerResource(),
						secs(row.destroy), mib(row.peakKiB))
				}
				b.res.scale = append(b.res.scale, row)
			}
		}
	}
	return nil
}

func (b *bench) scaleOne(ctx context.Context, kind string, n int, lat time.Duration) (row scaleRow, err error) {
	row = scaleRow{kind: kind, n: n, latency: lat}
	dir := filepath.Join(b.work, "scale", fmt.Sprintf("%s-%d-%s", kind, n, lat))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return row, err
	}
	var srv *server
	if kind == kindMember || kind == kindToken {
		var flags []string
		if lat > 0 {
			flags = append(flags, "--latency", lat.String())
		}
		srv, err = b.startServer(ctx, dir, filepath.Join(dir, "alien.db"), "", flags...)
		if err != nil {
			return row, err
		}
		defer srv.stop()
	}
	config, err := scaleConfig(ctx, kind, n, srv)
	if err != nil {
		return row, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return row, err
	}

	apply, err := b.terraform(ctx, dir, srv, "apply", nil, "apply", "-auto-approve")
	if err != nil {
		return row, err
	}
	row.apply, row.peakKiB, row.cpu[0] = apply.elapsed, apply.peakKiB, splitOf(apply)
	plans, err := b.noChangePlans(ctx, b.opts.terraform, dir, srv)
	if err != nil {
		return row, err
	}
	row.plan, row.planEmpty, row.cpu[1] = plans.median.elapsed, true, splitOf(plans.median)
	row.requests, row.byRoute = plans.requests, plans.byRoute
	row.peakKiB = max(row.peakKiB, plans.peakKiB)
	destroy, err := b.terraform(ctx, dir, srv, "destroy", nil, "destroy", "-auto-approve")
	if err != nil {
		return row, err
	}
	row.destroy, row.cpu[2] = destroy.elapsed, splitOf(destroy)
	row.peakKiB = max(row.peakKiB, destroy.peakKiB)
	return row, nil
}

// noChangePlan is the outcome of the no-change plans of one configuration.
type noChangePlan struct {
	median   tfRun          // the run of median time
	peakKiB  int64          // the largest provider process over the runs
	requests int            // the first run's API requests (0 without a server)
	byRoute  map[string]int // the same, per route
}

// noChangePlans runs the no-change plan of the configuration in dir with cli, against srv (nil:
// no API), planRuns times: it is short and noisy, so its time is the median run's; the requests
// are the first run's (srv's counts are reset first). A plan with changes is an error.
func (b *bench) noChangePlans(ctx context.Context, cli, dir string, srv *server) (noChangePlan, error) {
	var out noChangePlan
	if srv != nil {
		if _, _, _, err := srv.requests(ctx); err != nil { // reset
			return out, err
		}
	}
	var plans []tfRun
	for i := range planRuns {
		plan, err := b.runCLI(ctx, cli, dir, srv, fmt.Sprintf("plan-%d", i+1), []int{2}, "plan", "-detailed-exitcode")
		if err != nil {
			return out, err
		}
		if plan.exit != 0 {
			return out, fmt.Errorf("the no-change plan is not empty (see %s)", plan.log)
		}
		if i == 0 && srv != nil {
			if out.requests, out.byRoute, _, err = srv.requests(ctx); err != nil {
				return out, err
			}
		}
		out.peakKiB = max(out.peakKiB, plan.peakKiB)
		plans = append(plans, plan)
	}
	sort.Slice(plans, func(i, j int) bool { return plans[i].elapsed < plans[j].elapsed })
	out.median = plans[len(plans)/2]
	return out, nil
}

// scaleConfig is the configuration of N resources of a kind. The token scenario's service
// accounts are created through srv's API first.
func scaleConfig(ctx context.Context, kind string, n int, srv *server) (string, error) {
	var sb strings.Builder
	if kind == kindMember || kind == kindToken {
		sb.WriteString(providerBlock(""))
	}
	switch kind {
	case kindFloor:
		fmt.Fprintf(&sb, `terraform {
  required_providers {
    benchfloor = {
      source = "alien-intelligence/benchfloor"
    }
  }
}

resource "benchfloor_thing" "r" {
  count = %d
  email = "bench-member-${count.index}@example.com"
  role  = "viewer"
}
`, n)
	case kindBaseline:
		fmt.Fprintf(&sb, `resource "terraform_data" "r" {
  count = %d
  input = "bench-${count.index}"
}
`, n)
	case kindMember:
		fmt.Fprintf(&sb, `resource "alien_member" "r" {
  count = %d
  email = "bench-member-${count.index}@example.com"
  role  = "viewer"
}
`, n)
	case kindToken:
		ids := make([]string, 0, serviceAccountsForTokens)
		for i := range serviceAccountsForTokens {
			sa, err := srv.verifier.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{
				Email: fmt.Sprintf("bench-robot-%d@example.com", i), Description: "alien-bench token owner",
			})
			if err != nil {
				return "", fmt.Errorf("creating the token scenario's service accounts: %w", err)
			}
			ids = append(ids, fmt.Sprintf("%q", sa.ID))
		}
		fmt.Fprintf(&sb, `locals {
  service_accounts = [%s]
}

resource "alien_api_token" "r" {
  count              = %d
  name               = "bench-token-${count.index}"
  expires_in         = "never"
  service_account_id = local.service_accounts[count.index %% length(local.service_accounts)]
  scope              = count.index %% 2 == 0 ? "read" : "read_write"
}
`, strings.Join(ids, ", "), n)
	default:
		return "", fmt.Errorf("unknown kind %q", kind)
	}
	return sb.String(), nil
}

// providerBlock is the terraform block and the provider block (endpoint and token come from the
// environment); extra goes inside the provider block.
func providerBlock(extra string) string {
	return `terraform {
  required_providers {
    alien = {
      source = "alien-intelligence/alien"
    }
  }
}

provider "alien" {
` + extra + `}

`
}

// secs formats a duration in seconds with two decimals.
func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

// mib formats KiB as MiB.
func mib(kib int64) string {
	if kib == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

// firstLine is the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
