package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
	"github.com/alien-intelligence/terraform-provider-alien/internal/converge"
)

// faultFlags are alien-local's flags for the convergence scenarios.
func (b *bench) faultFlags() []string {
	return []string{
		"--fail-rate", fmt.Sprint(converge.FailRate),
		"--rate-limit-rate", fmt.Sprint(converge.RateLimitRate),
		"--drop-rate", fmt.Sprint(converge.DropRate),
		"--seed", fmt.Sprint(b.opts.seed),
	}
}

// mixedConfig is the configuration of the convergence scenarios: patient retries against a
// flaky API.
func mixedConfig(blocks []converge.Block) string {
	return providerBlock("  max_retries    = 15\n  retry_wait_max = \"5s\"\n") + converge.Resources(blocks)
}

// convergeRow is one convergence scenario's outcome.
type convergeRow struct {
	name        string
	resources   int
	apply       time.Duration
	interrupted *interruptOutcome
	rerun       time.Duration
	faults      map[string]int
	requests    int
	planEmpty   bool
	check       *converge.Outcome
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
			name, row.resources, secs(row.apply+row.rerun), row.faults, c.Duplicates, len(c.Orphans), c.Missing, row.planEmpty,
			c.TokensOK, c.Tokens, c.SecretsOK, c.Secrets)
	}
	b.res.converge = append(b.res.converge, row)
	return nil
}

func (b *bench) convergeOne(ctx context.Context, name string, interrupt bool) (row convergeRow, err error) {
	row = convergeRow{name: name}
	blocks := converge.Mix200()
	for _, bl := range blocks {
		row.resources += bl.Count
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
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mixedConfig(blocks)), 0o600); err != nil {
		return row, err
	}

	if interrupt {
		out, err := b.interruptedApply(ctx, dir, srv, blocks, row.resources)
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
	row.check, err = converge.Check(ctx, srv.verifier, blocks, state)
	if err != nil {
		return row, err
	}
	if !row.planEmpty {
		return row, fmt.Errorf("the second plan is not empty (see %s)", plan.log)
	}
	if probs := row.check.Problems; len(probs) > 0 {
		return row, fmt.Errorf("%d problem(s): %s", len(probs), strings.Join(probs[:min(len(probs), maxProblemsShown)], "; "))
	}
	return row, nil
}

// maxProblemsShown is how many of a failed check's problems its error lists.
const maxProblemsShown = 12

// interruptedApply starts an apply of the blocks, sends SIGINT once a third of the resources were
// created, and waits for terraform to exit.
func (b *bench) interruptedApply(ctx context.Context, dir string, srv *server, blocks []converge.Block, resources int) (*interruptOutcome, error) {
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
			st, err := client.Local(srv.verifier).Stats(ctx)
			if err != nil {
				return nil, err
			}
			if created := converge.Creations(st.Requests); created >= threshold {
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
	for _, insts := range state {
		out.inState += len(insts)
	}
	check, err := converge.Check(ctx, srv.verifier, blocks, state)
	if err != nil {
		return nil, err
	}
	out.orphans = len(check.Orphans)
	return out, nil
}

// showState reads the state's managed resources (with their sensitive values).
func (b *bench) showState(ctx context.Context, dir string, srv *server) (converge.State, error) {
	cmd := exec.CommandContext(ctx, b.opts.terraform, "show", "-json", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), b.env...), "ALIEN_ENDPOINT="+srv.url, "ALIEN_TOKEN="+srv.token)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	return converge.ParseShowJSON(out)
}
