package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/provider"
)

// The faults of the convergence scenarios, as the issue sets them.
const (
	faultFailRate      = 0.20
	faultRateLimitRate = 0.10
	faultDropRate      = 0.05
	mixedResources     = 200
)

// faultFlags are alien-local's flags for the convergence scenarios.
func (b *bench) faultFlags() []string {
	return []string{
		"--fail-rate", fmt.Sprint(faultFailRate),
		"--rate-limit-rate", fmt.Sprint(faultRateLimitRate),
		"--drop-rate", fmt.Sprint(faultDropRate),
		"--seed", fmt.Sprint(b.opts.seed),
	}
}

// mixPart is one resource block of the mixed configuration.
type mixPart struct {
	typ, name string
	count     int
	prefix    string // of every email or name the block declares
}

// mixedParts is the 200-resource configuration's blocks. Blocks whose resource type the provider
// does not have yet give their count to alien_member.
func mixedParts() ([]mixPart, []string) {
	have := map[string]bool{}
	p := provider.New("bench")()
	for _, f := range p.Resources(context.Background()) {
		var resp resource.MetadataResponse
		f().Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "alien"}, &resp)
		have[resp.TypeName] = true
	}
	want := []mixPart{
		{"alien_service_account", "sa", 25, "cv-sa-"},
		{"alien_api_token", "sa_token", 50, "cv-sa-token-"},
		{"alien_api_token", "org_key", 10, "cv-org-key-"},
		{"alien_member", "member", 45, "cv-member-"},
		{"alien_invitation", "invitation", 20, "cv-invitation-"},
		{"alien_oauth_client", "oauth", 25, "cv-oauth-"},
		{"alien_managed_user", "managed", 25, "cv-managed-"},
	}
	var parts []mixPart
	var missing []string
	spare := 0
	for _, m := range want {
		if !have[m.typ] || (m.name == "sa_token" && !have["alien_service_account"]) {
			missing = append(missing, m.typ+"."+m.name)
			spare += m.count
			continue
		}
		parts = append(parts, m)
	}
	for i := range parts {
		if parts[i].name == "member" {
			parts[i].count += spare
		}
	}
	return parts, missing
}

// mixedConfig is the configuration of the convergence scenarios: patient retries against a
// flaky API.
func mixedConfig(parts []mixPart) string {
	var sb strings.Builder
	sb.WriteString(providerBlock("  max_retries    = 15\n  retry_wait_max = \"5s\"\n"))
	for _, p := range parts {
		switch p.name {
		case "sa":
			fmt.Fprintf(&sb, `resource "alien_service_account" "sa" {
  count       = %d
  email       = "%s${count.index}@example.com"
  description = "convergence ${count.index}"
}

`, p.count, p.prefix)
		case "sa_token":
			fmt.Fprintf(&sb, `resource "alien_api_token" "sa_token" {
  count              = %d
  name               = "%s${count.index}"
  expires_in         = "90d"
  service_account_id = alien_service_account.sa[count.index %% length(alien_service_account.sa)].id
  scope              = count.index %% 2 == 0 ? "read" : "read_write"
}

`, p.count, p.prefix)
		case "org_key":
			fmt.Fprintf(&sb, `resource "alien_api_token" "org_key" {
  count      = %d
  name       = "%s${count.index}"
  expires_in = "30d"
}

`, p.count, p.prefix)
		case "member":
			fmt.Fprintf(&sb, `resource "alien_member" "member" {
  count = %d
  email = "%s${count.index}@example.com"
  role  = ["viewer", "writer", "owner"][count.index %% 3]
}

`, p.count, p.prefix)
		case "invitation":
			fmt.Fprintf(&sb, `resource "alien_invitation" "invitation" {
  count = %d
  email = "%s${count.index}@example.com"
  role  = count.index %% 2 == 0 ? "viewer" : "writer"
}

`, p.count, p.prefix)
		case "oauth":
			fmt.Fprintf(&sb, `resource "alien_oauth_client" "oauth" {
  count = %d
  name  = "%s${count.index}"
}

`, p.count, p.prefix)
		case "managed":
			fmt.Fprintf(&sb, `resource "alien_managed_user" "managed" {
  count      = %d
  email      = "%s${count.index}@example.com"
  first_name = "Managed"
  last_name  = "User ${count.index}"
}

`, p.count, p.prefix)
		}
	}
	return sb.String()
}

// declaredKeys is every email or name the block declares, lower-cased.
func (p mixPart) declaredKeys() []string {
	keys := make([]string, p.count)
	for i := range p.count {
		switch p.typ {
		case "alien_api_token", "alien_oauth_client":
			keys[i] = fmt.Sprintf("%s%d", p.prefix, i)
		default:
			keys[i] = fmt.Sprintf("%s%d@example.com", p.prefix, i)
		}
	}
	return keys
}

// convergeRow is one convergence scenario's outcome.
type convergeRow struct {
	name        string
	resources   int
	missing     []string // resource blocks the provider does not have yet
	apply       time.Duration
	interrupted *interruptOutcome
	rerun       time.Duration
	faults      map[string]int
	requests    int
	planEmpty   bool
	check       *checkOutcome
	err         string
}

// interruptOutcome is what an interrupted apply left.
type interruptOutcome struct {
	after     time.Duration // from the start of the apply to SIGINT
	toExit    time.Duration // from SIGINT to terraform's exit
	exit      int
	inState   int
	orphans   int // live objects of the configuration that the state does not hold
	createdAt int // creations the API had answered when SIGINT was sent
}

// faults runs the convergence scenario: a plain apply under faults, or (interrupt) an apply
// interrupted with SIGINT and run again.
func (b *bench) faults(ctx context.Context, interrupt bool) error {
	name := "apply under faults"
	if interrupt {
		name = "apply interrupted (SIGINT), then re-run, under faults"
	}
	row, err := b.convergeOne(ctx, name, interrupt)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		row.err = firstLine(err.Error())
		b.progress("%s: FAILED: %v", name, err)
	} else {
		c := row.check
		b.progress("%s: %d resources; apply %s; faults %v; duplicates %d, orphans %d, missing %d; second plan empty: %v; tokens working %d/%d, OAuth secrets working %d/%d",
			name, row.resources, secs(row.apply+row.rerun), row.faults, c.duplicates, c.orphans, c.missing, row.planEmpty,
			c.tokensOK, c.tokens, c.secretsOK, c.secrets)
	}
	b.res.converge = append(b.res.converge, row)
	return nil
}

func (b *bench) convergeOne(ctx context.Context, name string, interrupt bool) (row convergeRow, err error) {
	row = convergeRow{name: name}
	parts, missing := mixedParts()
	row.missing = missing
	for _, p := range parts {
		row.resources += p.count
	}
	sub := "faults"
	if interrupt {
		sub = "interrupt"
	}
	dir := filepath.Join(b.work, sub)
	db := filepath.Join(dir, "alien.db")
	srv, err := b.startServer(ctx, dir, db, "", b.faultFlags()...)
	if err != nil {
		return row, err
	}
	defer func() { srv.stop() }()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mixedConfig(parts)), 0o600); err != nil {
		return row, err
	}

	if interrupt {
		out, err := b.interruptedApply(ctx, dir, srv, row.resources)
		if err != nil {
			return row, err
		}
		row.interrupted = out
		row.apply = out.after + out.toExit
		b.progress("  interrupted after %s (%d creations answered); terraform exited %d %s after SIGINT; state holds %d; %d live objects outside state",
			secs(out.after), out.createdAt, out.exit, secs(out.toExit), out.inState, out.orphans)
		b.progress("  running the apply again")
		again, err := b.terraform(ctx, dir, srv, "apply-again", nil, "apply", "-auto-approve")
		if err != nil {
			return row, err
		}
		row.rerun = again.elapsed
	} else {
		b.progress("%s: applying %d resources (20%% 503, 10%% 429, 5%% dropped answers)", name, row.resources)
		apply, err := b.terraform(ctx, dir, srv, "apply", nil, "apply", "-auto-approve")
		if err != nil {
			return row, err
		}
		row.apply = apply.elapsed
	}
	plan, err := b.terraform(ctx, dir, srv, "plan", []int{2}, "plan", "-detailed-exitcode")
	if err != nil {
		return row, err
	}
	row.planEmpty = plan.exit == 0
	if row.requests, _, row.faults, err = srv.requests(ctx); err != nil {
		return row, err
	}

	// Check through a fault-free alien-local on the same database.
	token := srv.token
	srv.stop()
	srv, err = b.startServer(ctx, filepath.Join(dir, "check"), db, token)
	if err != nil {
		return row, err
	}
	state, err := b.showState(ctx, dir, srv)
	if err != nil {
		return row, err
	}
	row.check, err = checkConvergence(ctx, srv, parts, state)
	if err != nil {
		return row, err
	}
	if !row.planEmpty {
		return row, fmt.Errorf("the second plan is not empty (see %s)", plan.log)
	}
	if probs := row.check.problems; len(probs) > 0 {
		return row, fmt.Errorf("%d problem(s): %s", len(probs), strings.Join(probs, "; "))
	}
	return row, nil
}

// interruptedApply starts an apply, sends SIGINT once a third of the resources were created, and
// waits for terraform to exit.
func (b *bench) interruptedApply(ctx context.Context, dir string, srv *server, resources int) (*interruptOutcome, error) {
	b.progress("apply interrupted: applying %d resources under faults, SIGINT after a third of them", resources)
	run, err := b.startTerraform(ctx, dir, srv, "apply-interrupted", "apply", "-auto-approve")
	if err != nil {
		return nil, err
	}
	out := &interruptOutcome{}
	exited := make(chan tfRun, 1)
	var runErr error
	go func() {
		r, err := run.wait([]int{1})
		runErr = err
		exited <- r
	}()
	threshold := resources / 3
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	var sent time.Time
wait:
	for {
		select {
		case r := <-exited:
			if sent.IsZero() {
				return nil, fmt.Errorf("the apply ended (exit %d) before it could be interrupted: %w", r.exit, runErr)
			}
			out.toExit, out.exit = time.Since(sent), r.exit
			break wait
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
			if !sent.IsZero() {
				continue
			}
			st, err := srv.verifier.Local.Stats(ctx)
			if err != nil {
				return nil, err
			}
			created := 0
			for route, n := range st.Requests {
				if strings.HasPrefix(route, "POST /") && !strings.Contains(route, "/_local/") && !strings.Contains(route, "{") {
					created += n
				}
			}
			if created >= threshold {
				out.createdAt = created
				out.after = time.Since(run.start)
				sent = time.Now()
				if err := run.interrupt(); err != nil {
					return nil, err
				}
			}
		}
	}
	if runErr != nil {
		return nil, runErr
	}
	if out.exit == 0 {
		return nil, fmt.Errorf("the interrupted apply exited 0: it finished before SIGINT took effect")
	}
	state, err := b.showState(ctx, dir, srv)
	if err != nil {
		return nil, err
	}
	out.inState = len(state)
	parts, _ := mixedParts()
	check, err := checkConvergence(ctx, srv, parts, state)
	if err != nil {
		return nil, err
	}
	out.orphans = check.orphans
	return out, nil
}

// stateResource is one resource instance of `terraform show -json`.
type stateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Values  map[string]any `json:"values"`
}

// showState reads the state's managed resources (with their sensitive values).
func (b *bench) showState(ctx context.Context, dir string, srv *server) ([]stateResource, error) {
	cmd := exec.CommandContext(ctx, b.opts.terraform, "show", "-json", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), b.env...), "ALIEN_ENDPOINT="+srv.url, "ALIEN_TOKEN="+srv.token)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	if doc.Values == nil {
		return nil, nil
	}
	return doc.Values.RootModule.Resources, nil
}

// checkOutcome compares the server with the configuration and the state.
type checkOutcome struct {
	declared   int
	live       int // live objects of the configuration on the server
	duplicates int // extra live objects for one declared email or name
	orphans    int // live objects of the configuration that the state does not hold
	missing    int // declared emails or names with no live object
	stale      int // state objects that are not live on the server
	tokens     int
	tokensOK   int
	secrets    int // OAuth client secrets in state
	secretsOK  int
	problems   []string
}

// liveObject is an object on the server that counts for the configuration.
type liveObject struct{ id, key string }

// checkConvergence lists what the server holds for the configuration's blocks (through srv's
// patient client) and compares it with the declared keys and the state; then it proves every
// token and OAuth client secret in state works.
func checkConvergence(ctx context.Context, srv *server, parts []mixPart, state []stateResource) (*checkOutcome, error) {
	c := srv.verifier
	members, err := c.Members.List(ctx, client.MemberListOptions{})
	if err != nil {
		return nil, err
	}
	invitations, err := c.Invitations.List(ctx, client.InvitationListOptions{})
	if err != nil {
		return nil, err
	}
	sas, err := c.ServiceAccounts.List(ctx, client.ServiceAccountListOptions{})
	if err != nil {
		return nil, err
	}
	mus, err := c.ManagedUsers.List(ctx, client.ManagedUserListOptions{})
	if err != nil {
		return nil, err
	}
	tokens, err := c.APITokens.List(ctx, client.APITokenListOptions{})
	if err != nil {
		return nil, err
	}
	oauth, err := c.OAuthClients.List(ctx)
	if err != nil {
		return nil, err
	}

	out := &checkOutcome{}
	problem := func(format string, args ...any) {
		if len(out.problems) < 12 {
			out.problems = append(out.problems, fmt.Sprintf(format, args...))
		}
	}
	for _, p := range parts {
		var live []liveObject
		add := func(id, key string) {
			if key = strings.ToLower(key); strings.HasPrefix(key, p.prefix) {
				live = append(live, liveObject{id, key})
			}
		}
		switch p.typ {
		case "alien_member":
			for _, m := range members {
				add(m.ID, m.Email)
			}
			for _, inv := range invitations {
				if inv.Status == client.InvitationPending || inv.Status == client.InvitationExpired {
					add(inv.ID, inv.Email)
				}
			}
		case "alien_invitation":
			for _, inv := range invitations {
				if inv.Status == client.InvitationPending {
					add(inv.ID, inv.Email)
				}
			}
		case "alien_service_account":
			for _, sa := range sas {
				if sa.Status == client.UserActive {
					add(sa.ID, sa.Email)
				}
			}
		case "alien_managed_user":
			for _, mu := range mus {
				if mu.Status == client.UserActive {
					add(mu.ID, mu.Email)
				}
			}
		case "alien_api_token":
			for _, t := range tokens {
				if t.Status == client.TokenActive {
					add(t.ID, t.Name)
				}
			}
		case "alien_oauth_client":
			for _, o := range oauth {
				add(o.ID, o.Name)
			}
		}
		// The org_key and sa_token prefixes overlap no other block's ("cv-org-key-", "cv-sa-token-"),
		// but "cv-sa-" (service accounts) is a prefix of "cv-sa-token-": service accounts are
		// emails, tokens are names, so they are listed from different collections.
		inState := map[string]stateResource{}
		for _, r := range state {
			if r.Type == p.typ && r.Name == p.name {
				if id, _ := r.Values["id"].(string); id != "" {
					inState[id] = r
				}
			}
		}
		declared := map[string]bool{}
		for _, k := range p.declaredKeys() {
			declared[k] = true
		}
		out.declared += len(declared)
		out.live += len(live)
		perKey := map[string]int{}
		for _, o := range live {
			perKey[o.key]++
			if !declared[o.key] {
				problem("%s.%s: %s (%s) is live but not declared", p.typ, p.name, o.key, o.id)
			}
			if _, ok := inState[o.id]; !ok {
				out.orphans++
				problem("%s.%s: %s (%s) is live but not in state", p.typ, p.name, o.key, o.id)
			}
		}
		keys := make([]string, 0, len(declared))
		for k := range declared {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch n := perKey[k]; {
			case n == 0:
				out.missing++
				problem("%s.%s: nothing live for %s", p.typ, p.name, k)
			case n > 1:
				out.duplicates += n - 1
				problem("%s.%s: %d live objects for %s", p.typ, p.name, n, k)
			}
		}
		liveIDs := map[string]bool{}
		for _, o := range live {
			liveIDs[o.id] = true
		}
		for id := range inState {
			if !liveIDs[id] {
				out.stale++
				problem("%s.%s: %s is in state but not live", p.typ, p.name, id)
			}
		}
	}

	// Every secret in state works.
	for _, r := range state {
		switch r.Type {
		case "alien_api_token":
			id, _ := r.Values["id"].(string)
			secret, _ := r.Values["token"].(string)
			out.tokens++
			if secret == "" {
				problem("%s: no token in state", r.Address)
				continue
			}
			tc, err := client.New(client.Config{Endpoint: srv.url, Token: secret, MaxRetries: 20, RetryWaitMax: time.Second})
			if err != nil {
				return nil, err
			}
			me, err := tc.Identity.Read(ctx)
			switch {
			case err != nil:
				problem("%s: the token in state does not work: %v", r.Address, err)
			case me.TokenID == nil || *me.TokenID != id:
				problem("%s: the token in state authenticates as another token", r.Address)
			default:
				out.tokensOK++
			}
		case "alien_oauth_client":
			clientID, _ := r.Values["client_id"].(string)
			secret, _ := r.Values["client_secret"].(string)
			out.secrets++
			if _, err := c.Public.ClientCredentialsToken(ctx, clientID, secret); err != nil {
				problem("%s: the client secret in state does not work: %v", r.Address, err)
				continue
			}
			out.secretsOK++
		}
	}
	return out, nil
}
