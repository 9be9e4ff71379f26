package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// The adoption scenarios: an organization that already holds N members (half of them active,
// half invited) or N service-account tokens, created through the API, adopted by Terraform.
//
//   - "for_each" (every CLI since Terraform 1.7): examples/adoption/for-each, import blocks with
//     for_each over the data sources, run with -terraform.
//   - "query" (Terraform 1.14 and later, run with -terraform-latest when it is given):
//     `terraform query -generate-config-out` with examples/adoption/query, then the generated
//     configuration.
//
// Each measures the first plan (every object to import, nothing else: checked), its API requests
// per adopted object, the apply, and the no-change plan of the same configuration afterwards
// (median of planRuns): the first plan of N imports should cost at most twice that.

// Kinds of the adoption scenarios.
const (
	adoptMembers = "members"
	adoptTokens  = "tokens"
)

// adoptKinds is the order the adoption scenarios run in.
var adoptKinds = []string{adoptMembers, adoptTokens}

// Paths of adoption.
const (
	pathForEach = "for_each"
	pathQuery   = "query"
)

// adoptRow is one adoption scenario's measurements.
type adoptRow struct {
	kind, path string
	n          int
	cli        string // "Terraform v1.14.0"
	objects    int    // adopted by the first plan

	query         time.Duration // terraform query -generate-config-out (path "query")
	queryRequests int
	plan          time.Duration // the first plan: N imports
	planRequests  int
	planRoutes    map[string]int
	apply         time.Duration
	noChange      time.Duration // the plan after the apply (median)
	noChangeReqs  int
	err           string
}

// perObject is the first plan's requests per adopted object.
func (r adoptRow) perObject() float64 {
	if r.objects == 0 {
		return 0
	}
	return float64(r.planRequests) / float64(r.objects)
}

// ratio is the first plan's time over the no-change plan's.
func (r adoptRow) ratio() float64 {
	if r.noChange <= 0 {
		return 0
	}
	return r.plan.Seconds() / r.noChange.Seconds()
}

// adopt runs the adoption scenarios: per N and kind, one organization, adopted along each path.
func (b *bench) adopt(ctx context.Context) error {
	paths := []string{pathForEach}
	if b.opts.terraformLatest != "" {
		paths = append(paths, pathQuery)
	}
	for _, n := range b.opts.ns {
		for _, kind := range adoptKinds {
			rows, err := b.adoptOne(ctx, kind, n, paths)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil { // the organization could not be built: no path ran
				b.progress("adoption of %d %s: FAILED: %v", n, kind, err)
				for _, p := range paths {
					rows = append(rows, adoptRow{kind: kind, path: p, n: n, err: firstLine(err.Error())})
				}
			}
			b.res.adopt = append(b.res.adopt, rows...)
		}
	}
	return nil
}

// adoptOne builds one organization of N objects of a kind and adopts it along each path (each in
// its own directory and state: adopting changes nothing in the organization). A path's failure
// is its row's err; the error is the organization's (no row then).
func (b *bench) adoptOne(ctx context.Context, kind string, n int, paths []string) ([]adoptRow, error) {
	dir := filepath.Join(b.work, "adopt", fmt.Sprintf("%s-%d", kind, n))
	srv, err := b.startServer(ctx, dir, filepath.Join(dir, "alien.db"), "")
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	b.progress("adoption of %d %s: creating them through the API", n, kind)
	if err := adoptPopulate(ctx, srv, kind, n); err != nil {
		return nil, err
	}
	var rows []adoptRow
	for _, path := range paths {
		row, err := b.adoptPath(ctx, srv, filepath.Join(dir, path), kind, n, path)
		if err != nil {
			row.err = firstLine(err.Error())
			b.progress("adoption of %d %s, %s path: FAILED: %v", n, kind, path, err)
		} else {
			extra := ""
			if path == pathQuery {
				extra = fmt.Sprintf("query %s (%d requests), ", secs(row.query), row.queryRequests)
			}
			b.progress("adoption of %d %s, %s path (%s): %sfirst plan %s for %d imports (%d requests, %.3f per object), apply %s, no-change plan %s (%.2f×)",
				n, kind, path, row.cli, extra, secs(row.plan), row.objects, row.planRequests, row.perObject(), secs(row.apply),
				secs(row.noChange), row.ratio())
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// adoptPopulate creates the organization's objects through the API: N people (even ones invited
// and accepted, odd ones invited), or N service-account tokens of serviceAccountsForTokens
// service accounts.
func adoptPopulate(ctx context.Context, srv *server, kind string, n int) error {
	c := srv.verifier
	switch kind {
	case adoptMembers:
		for i := range n {
			email := fmt.Sprintf("adopt-person-%d@example.com", i)
			if _, err := c.Invitations.Create(ctx, client.InvitationCreateOptions{Email: email, Role: client.RoleViewer}); err != nil {
				return fmt.Errorf("inviting %s: %w", email, err)
			}
			if i%2 == 1 {
				continue
			}
			emails, err := client.Local(c).Outbox(ctx, email)
			if err != nil {
				return fmt.Errorf("the invitation email of %s: %w", email, err)
			}
			if len(emails) == 0 {
				return fmt.Errorf("no invitation email was sent to %s", email)
			}
			link, err := url.Parse(emails[len(emails)-1].Link)
			if err != nil {
				return err
			}
			if _, err := client.Person(c).AcceptInvitation(ctx, link.Query().Get("token"), "Person "+fmt.Sprint(i)); err != nil {
				return fmt.Errorf("accepting the invitation of %s: %w", email, err)
			}
		}
	case adoptTokens:
		var ids []string
		for i := range serviceAccountsForTokens {
			sa, err := c.ServiceAccounts.Create(ctx, client.ServiceAccountCreateOptions{
				Email: fmt.Sprintf("adopt-robot-%d@example.com", i), Description: "alien-bench token owner",
			})
			if err != nil {
				return fmt.Errorf("creating the tokens' service accounts: %w", err)
			}
			ids = append(ids, sa.ID)
		}
		for i := range n {
			scope := client.ScopeRead
			if i%2 == 1 {
				scope = client.ScopeReadWrite
			}
			if _, err := c.APITokens.Create(ctx, client.APITokenCreateOptions{
				Name: fmt.Sprintf("adopt-token-%d", i), ExpiresIn: client.ExpiryNever, ServiceAccountID: &ids[i%len(ids)], Scope: &scope,
			}); err != nil {
				return fmt.Errorf("creating token %d: %w", i, err)
			}
		}
	default:
		return fmt.Errorf("unknown adoption kind %q", kind)
	}
	return nil
}

// adoptPath adopts the organization along one path in dir.
func (b *bench) adoptPath(ctx context.Context, srv *server, dir, kind string, n int, path string) (adoptRow, error) {
	row := adoptRow{kind: kind, path: path, n: n}
	cli := b.opts.terraform
	example := "for-each"
	if path == pathQuery {
		cli, example = b.opts.terraformLatest, "query"
	}
	row.cli = b.cliLabel(ctx, cli)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return row, err
	}
	files, err := filepath.Glob(filepath.Join(b.opts.root, "examples", "adoption", example, "*"))
	if err != nil {
		return row, err
	}
	if len(files) == 0 {
		return row, fmt.Errorf("the example examples/adoption/%s has no files", example)
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			return row, err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), content, 0o600); err != nil {
			return row, err
		}
	}
	if _, _, _, err := srv.requests(ctx); err != nil { // reset
		return row, err
	}

	if path == pathQuery {
		q, err := b.runCLI(ctx, cli, dir, srv, "query", nil, "query", "-generate-config-out=generated.tf")
		if err != nil {
			return row, err
		}
		row.query = q.elapsed
		if row.queryRequests, _, _, err = srv.requests(ctx); err != nil {
			return row, err
		}
	}

	plan, err := b.runCLI(ctx, cli, dir, srv, "plan-first", []int{2}, "plan", "-out=tfplan", "-detailed-exitcode")
	if err != nil {
		return row, err
	}
	row.plan = plan.elapsed
	if row.planRequests, row.planRoutes, _, err = srv.requests(ctx); err != nil {
		return row, err
	}
	imports, others, err := planImports(ctx, cli, dir, b.env)
	if err != nil {
		return row, err
	}
	if len(others) > 0 {
		return row, fmt.Errorf("the first plan does more than import: %s", strings.Join(others, ", "))
	}
	row.objects = imports
	want := n + 2 // the owner's membership and the bootstrap organization key
	if kind == adoptTokens {
		want = n + serviceAccountsForTokens + 2
	}
	if imports != want {
		return row, fmt.Errorf("the first plan imports %d objects, want %d", imports, want)
	}

	apply, err := b.runCLI(ctx, cli, dir, srv, "apply", nil, "apply", "tfplan")
	if err != nil {
		return row, err
	}
	row.apply = apply.elapsed
	plans, err := b.noChangePlans(ctx, cli, dir, srv)
	if err != nil {
		return row, err
	}
	row.noChange, row.noChangeReqs = plans.median.elapsed, plans.requests
	return row, nil
}

// planImports reads the saved plan tfplan in dir: how many objects it imports without a change,
// and the other changes it plans ("address: actions").
func planImports(ctx context.Context, cli, dir string, env []string) (int, []string, error) {
	cmd := exec.CommandContext(ctx, cli, "show", "-json", "tfplan")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		return 0, nil, fmt.Errorf("%s show -json tfplan: %w", cli, err)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(out, &plan); err != nil {
		return 0, nil, fmt.Errorf("reading the plan: %w", err)
	}
	imports := 0
	var others []string
	for _, rc := range plan.ResourceChanges {
		actions := strings.Join(rc.Change.Actions, ",")
		if actions == "no-op" && len(rc.Change.Importing) > 0 && string(rc.Change.Importing) != "null" {
			imports++
			continue
		}
		others = append(others, rc.Address+": "+actions)
	}
	return imports, others, nil
}
