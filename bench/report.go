package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/converge"
)

// results is everything one run measured.
type results struct {
	opts     *options
	env      environment
	started  time.Time
	finished time.Time
	loadEnd  string
	scale    []scaleRow
	converge []convergeRow
	load     []loadRow
	adopt    []adoptRow
}

// environment describes the machine and the versions.
type environment struct {
	goos, goarch string
	cpus         int
	cpuModel     string
	goVersion    string
	terraform    string
	commit       string
	loadStart    string
}

// describeEnvironment describes the machine, the checkout and the CLI (cli: its cliLabel).
func describeEnvironment(ctx context.Context, o *options, cli string) environment {
	e := environment{goos: runtime.GOOS, goarch: runtime.GOARCH, cpus: runtime.NumCPU(), goVersion: runtime.Version(), loadStart: loadAverage(),
		terraform: cli}
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD")
	cmd.Dir = o.root
	if out, err := cmd.Output(); err == nil {
		e.commit = strings.TrimSpace(string(out))
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				e.cpuModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return e
}

// find answers the scale row of a kind, N and latency.
func (r *results) find(kind string, n int, lat time.Duration) (scaleRow, bool) {
	for _, row := range r.scale {
		if row.kind == kind && row.n == n && row.latency == lat && row.err == "" {
			return row, true
		}
	}
	return scaleRow{}, false
}

// target is one of the targets and whether it was met.
type target struct {
	what     string
	measured string
	met      bool
	known    bool // false: not measured in this run
	info     bool // a reference figure, not a target
}

// targets evaluates the targets on this run's figures.
func (r *results) targets() []target {
	var out []target
	if r.opts.wants("scale") {
		out = append(out, r.scaleTargets()...)
	}
	out = append(out, r.adoptTargets()...)
	for _, c := range r.converge {
		t := target{what: "Under faults: zero duplicates, zero failed runs, zero lost secrets (" + c.name + ")", known: true}
		switch {
		case c.err != "" && c.check == nil:
			t.measured = "the run failed: " + c.err
		case c.check != nil:
			k := c.check
			t.measured = fmt.Sprintf("%d duplicates, %d orphans, %d missing, %d/%d tokens and %d/%d OAuth secrets working, second plan empty: %v",
				k.Duplicates, len(k.Orphans), k.Missing, k.TokensOK, k.Tokens, k.SecretsOK, k.Secrets, c.planEmpty)
			t.met = c.err == "" && k.Duplicates == 0 && len(k.Orphans) == 0 && k.Missing == 0 && k.Stale == 0 &&
				k.TokensOK == k.Tokens && k.SecretsOK == k.Secrets && c.planEmpty
		}
		out = append(out, t)
	}
	return out
}

// scaleTargets evaluates the scale scenarios' targets.
func (r *results) scaleTargets() []target {
	var out []target
	const n = 1000
	if base, ok := r.find(kindBaseline, n, 0); ok {
		if m, ok := r.find(kindMember, n, 0); ok {
			ratio := m.plan.Seconds() / base.plan.Seconds()
			out = append(out, target{what: "No-change plan of 1,000 members ≤ 1.3× the baseline",
				measured: fmt.Sprintf("%.2f× (%s against %s)", ratio, secs(m.plan), secs(base.plan)), met: ratio <= 1.3, known: true})
			ratio = m.apply.Seconds() / base.apply.Seconds()
			out = append(out, target{what: "Apply of 1,000 members ≤ 1.5× the baseline",
				measured: fmt.Sprintf("%.2f× (%s against %s)", ratio, secs(m.apply), secs(base.apply)), met: ratio <= 1.5, known: true})
			if f, ok := r.find(kindFloor, n, 0); ok {
				out = append(out, target{what: "Reference: the framework floor (`benchfloor_thing`, no I/O) against the baseline, 1,000 resources",
					measured: fmt.Sprintf("plan %.2f×, apply %.2f× (%s, %s)", f.plan.Seconds()/base.plan.Seconds(),
						f.apply.Seconds()/base.apply.Seconds(), secs(f.plan), secs(f.apply)), info: true})
				out = append(out, target{what: "Reference: 1,000 members against the framework floor",
					measured: fmt.Sprintf("plan %.2f×, apply %.2f×", m.plan.Seconds()/f.plan.Seconds(), m.apply.Seconds()/f.apply.Seconds()), info: true})
			}
		}
	}
	if len(out) == 0 {
		out = append(out, target{what: "No-change plan and apply of 1,000 members against the baseline", measured: "not measured (N = 1,000 not run)"})
	}
	var lat50 bool
	for _, l := range r.opts.latencies {
		lat50 = lat50 || l == 50*time.Millisecond
	}
	if base, ok := r.find(kindBaseline, n, 50*time.Millisecond); ok {
		if m, ok := r.find(kindMember, n, 50*time.Millisecond); ok {
			extra := m.plan - base.plan
			out = append(out, target{what: "With 50 ms latency, no-change plan of 1,000 members ≤ the baseline + 2 s",
				measured: fmt.Sprintf("baseline %+.2fs (%s against %s)", extra.Seconds(), secs(m.plan), secs(base.plan)), met: extra <= 2*time.Second, known: true})
		}
	} else if !lat50 {
		out = append(out, target{what: "With 50 ms latency, no-change plan of 1,000 members ≤ the baseline + 2 s", measured: "not measured"})
	}
	for _, kind := range []string{kindMember, kindToken} {
		worst, where, seen := 0.0, "", false
		for _, row := range r.scale {
			if row.kind != kind || row.err != "" {
				continue
			}
			if v := row.reqPerResource(); !seen || v > worst {
				worst, where, seen = v, fmt.Sprintf("N = %d, latency %s", row.n, latencyName(row.latency)), true
			}
		}
		t := target{what: fmt.Sprintf("Requests per resource of a no-change plan ≤ 0.1 (%s)", kind)}
		if seen {
			t.measured, t.met, t.known = fmt.Sprintf("at most %.3f (%s)", worst, where), worst <= 0.1, true
		} else {
			t.measured = "not measured"
		}
		out = append(out, t)
	}
	return out
}

// failures are the correctness checks that failed (timing targets are reported, never failed).
func (r *results) failures() []string {
	var out []string
	for _, row := range r.scale {
		if row.err != "" {
			out = append(out, fmt.Sprintf("%s N=%d latency %s: %s", row.kind, row.n, latencyName(row.latency), row.err))
		}
	}
	for _, c := range r.converge {
		if c.err != "" {
			out = append(out, c.name+": "+c.err)
		}
	}
	for _, l := range r.load {
		if l.errors > 0 {
			out = append(out, fmt.Sprintf("throughput %s: %d errors", l.name, l.errors))
		}
	}
	for _, a := range r.adopt {
		if a.err != "" {
			out = append(out, fmt.Sprintf("adoption of %d %s (%s): %s", a.n, a.kind, a.path, a.err))
		}
	}
	return out
}

// adoptTargets evaluates the adoption targets on the largest N adopted: at most 0.05 requests per
// adopted object in the first plan, and a first plan of the members at most twice the no-change
// plan of the same members.
func (r *results) adoptTargets() []target {
	if !r.opts.wants("adopt") {
		return nil
	}
	var out []target
	n := 0
	for _, a := range r.adopt {
		n = max(n, a.n)
	}
	for _, a := range r.adopt {
		if a.n != n {
			continue
		}
		where := fmt.Sprintf("%s path, %s, %d %s", a.path, a.cli, a.n, a.kind)
		if a.err != "" {
			out = append(out, target{what: "Adoption (" + where + ")", measured: "failed: " + a.err, known: true})
			continue
		}
		out = append(out, target{what: "Requests per adopted object of the first plan ≤ 0.05 (" + where + ")",
			measured: fmt.Sprintf("%.3f (%d requests, %d objects)", a.perObject(), a.planRequests, a.objects),
			met:      a.perObject() <= 0.05, known: true})
		if a.kind == adoptMembers {
			out = append(out, target{what: "First plan of the imports ≤ 2× the no-change plan of the same members (" + where + ")",
				measured: fmt.Sprintf("%.2f× (%s against %s)", a.ratio(), secs(a.plan), secs(a.noChange)),
				met:      a.ratio() <= 2, known: true})
		}
	}
	if len(out) == 0 {
		out = append(out, target{what: "Adoption: requests per adopted object, first plan against the no-change plan", measured: "not measured"})
	}
	return out
}

func latencyName(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return d.String()
}

// write writes latest.md and latest.svg, and dated copies, under dir, and answers the Markdown.
func (r *results) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	stamp := r.started.UTC().Format("2006-01-02T150405Z")
	chart := r.chart()
	latestName := "latest"
	if parts := r.opts.onlyParts(); parts != "" {
		// A partial run leaves the full run's latest.md as it is.
		latestName, stamp = "latest-"+parts, stamp+"-"+parts
	}
	var latest string
	for _, name := range []string{latestName, stamp} {
		md := r.markdown(name + ".svg")
		if name == latestName {
			latest = md
		}
		if chart != "" {
			if err := os.WriteFile(filepath.Join(dir, name+".svg"), []byte(chart), 0o644); err != nil {
				return "", err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(md), 0o644); err != nil {
			return "", err
		}
	}
	return latest, nil
}

// markdown renders the results; chart is the chart's file name, beside the Markdown.
func (r *results) markdown(chart string) string {
	var b strings.Builder
	e := r.env
	fmt.Fprintf(&b, "# Benchmark results, %s\n\n", r.started.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "`make bench` on %s/%s, %d CPUs", e.goos, e.goarch, e.cpus)
	if e.cpuModel != "" {
		fmt.Fprintf(&b, " (%s)", e.cpuModel)
	}
	fmt.Fprintf(&b, "; %s, %s", e.terraform, e.goVersion)
	if e.commit != "" {
		fmt.Fprintf(&b, ", commit `%s`", e.commit)
	}
	fmt.Fprintf(&b, ". Load average (1, 5, 15 min) %s at the start, %s at the end; the run took %s.\n\n",
		e.loadStart, r.loadEnd, r.finished.Sub(r.started).Round(time.Second))
	b.WriteString("Each scenario runs against its own alien-local process on loopback with a fresh SQLite database; " +
		"Terraform runs with dev_overrides and its default parallelism (10). Times are wall-clock seconds of the whole " +
		"`terraform` command (for the no-change plan, the median of 3 runs). Requests per resource are the API requests of the first no-change plan (from " +
		"`/_local/stats`) divided by N. Provider peak RSS is the largest provider process of the scenario's commands.\n\n")

	b.WriteString("## Targets\n\n| target | measured | |\n| --- | --- | --- |\n")
	for _, t := range r.targets() {
		verdict := "not measured"
		switch {
		case t.info:
			verdict = "reference"
		case t.known:
			verdict = "not met"
			if t.met {
				verdict = "met"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.what, t.measured, verdict)
	}
	b.WriteString("\n")

	if len(r.scale) > 0 {
		b.WriteString("## Scale\n\n")
		if chart != "" {
			fmt.Fprintf(&b, "![Wall time of apply, no-change plan and destroy against N](%s)\n\n", chart)
		}
		for _, lat := range r.opts.latencies {
			if lat == 0 {
				b.WriteString("### No added latency\n\n")
			} else {
				fmt.Fprintf(&b, "### %s of added latency per request\n\n", lat)
			}
			b.WriteString("| resources | N | apply | no-change plan | destroy | apply ÷ baseline | plan ÷ baseline | destroy ÷ baseline | plan requests | requests per resource | provider peak RSS |\n")
			b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
			for _, n := range r.opts.ns {
				base, haveBase := r.find(kindBaseline, n, lat)
				for _, kind := range scaleKinds {
					var row *scaleRow
					for i := range r.scale {
						if s := r.scale[i]; s.kind == kind && s.n == n && s.latency == lat {
							row = &r.scale[i]
						}
					}
					if row == nil {
						continue
					}
					if row.err != "" {
						fmt.Fprintf(&b, "| `%s` | %d | failed: %s | | | | | | | | |\n", kind, n, strings.ReplaceAll(row.err, "|", "\\|"))
						continue
					}
					ratio := func(v, base time.Duration) string {
						if !haveBase || kind == kindBaseline || base <= 0 {
							return "—"
						}
						return fmt.Sprintf("%.2f×", v.Seconds()/base.Seconds())
					}
					reqs, per, rss := "—", "—", "—"
					if kind != kindBaseline {
						rss = mib(row.peakKiB)
					}
					if kind == kindMember || kind == kindToken {
						reqs, per = fmt.Sprint(row.requests), fmt.Sprintf("%.3f", row.reqPerResource())
					}
					fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
						kind, n, secs(row.apply), secs(row.plan), secs(row.destroy),
						ratio(row.apply, base.apply), ratio(row.plan, base.plan), ratio(row.destroy, base.destroy),
						reqs, per, rss)
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("Where the time goes: CPU seconds of each command, Terraform's own / the provider's " +
			"(from the rusage of terraform and of each provider process; alien-local's are not counted). " +
			"`terraform_data` has no provider; `benchfloor_thing` is a framework provider without I/O.\n\n")
		b.WriteString("| resources | N | latency | apply | no-change plan | destroy |\n| --- | ---: | --- | ---: | ---: | ---: |\n")
		for _, row := range r.scale {
			if row.err != "" {
				continue
			}
			cell := func(c cpuSplit) string {
				return fmt.Sprintf("%.1f / %.1f", c.terraform.Seconds(), c.provider.Seconds())
			}
			fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s | %s |\n", row.kind, row.n, latencyName(row.latency),
				cell(row.cpu[0]), cell(row.cpu[1]), cell(row.cpu[2]))
		}
		b.WriteString("\n")
		b.WriteString("Requests of the no-change plans, per route:\n\n")
		for _, row := range r.scale {
			if (row.kind != kindMember && row.kind != kindToken) || row.err != "" {
				continue
			}
			fmt.Fprintf(&b, "- `%s`, N = %d, latency %s: %s\n", row.kind, row.n, latencyName(row.latency), routes(row.byRoute))
		}
		b.WriteString("\n")
	}

	if len(r.converge) > 0 {
		fmt.Fprintf(&b, "## Convergence under faults\n\n%.0f%% of requests answered 503, %.0f%% answered 429 with `Retry-After`, "+
			"%.0f%% processed and committed but their answer dropped (seed %d); the provider block sets `max_retries = 15` and "+
			"`retry_wait_max = \"5s\"`. The check runs through a fault-free alien-local on the same database: every live "+
			"object of the configuration must be declared and in state, exactly once; every token in state must "+
			"authenticate (`GET /me`) and every OAuth client secret must get an access token.\n\n",
			converge.FailRate*100, converge.RateLimitRate*100, converge.DropRate*100, r.opts.seed)
		b.WriteString("| scenario | resources | apply | faults injected | requests | duplicates | orphans | missing | second plan | tokens working | OAuth secrets working |\n")
		b.WriteString("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n")
		for _, c := range r.converge {
			if c.check == nil {
				fmt.Fprintf(&b, "| %s | %d | failed: %s | | | | | | | | |\n", c.name, c.resources, strings.ReplaceAll(c.err, "|", "\\|"))
				continue
			}
			k := c.check
			plan := "empty"
			if !c.planEmpty {
				plan = "NOT empty"
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %d | %d | %d | %d | %s | %d/%d | %d/%d |\n",
				c.name, c.resources, secs(c.apply+c.rerun), faultsText(c.faults), c.requests, k.Duplicates, len(k.Orphans), k.Missing,
				plan, k.TokensOK, k.Tokens, k.SecretsOK, k.Secrets)
		}
		b.WriteString("\n")
		for _, c := range r.converge {
			if i := c.interrupted; i != nil {
				fmt.Fprintf(&b, "Interrupted apply: SIGINT %s after the start (%d creations answered by then); terraform "+
					"exited %d %s later with %d resources in state and %d live objects outside it; the second apply took %s.\n\n",
					secs(i.after), i.createdAt, i.exit, secs(i.toExit), i.inState, i.orphans, secs(c.rerun))
			}
			if c.err != "" && c.check != nil {
				fmt.Fprintf(&b, "**%s failed:** %s\n\n", c.name, c.err)
			}
		}
	}

	if len(r.load) > 0 {
		b.WriteString("## Throughput of alien-local\n\nAuthenticated reads from the bench's load generator (Go, keep-alive " +
			"connections, a fixed number of workers for a fixed time, loopback only) against a fresh alien-local holding " +
			"200 service accounts; the generator and the server share the machine.\n\n")
		b.WriteString("| read | workers | duration | requests | req/s | p50 | p99 | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, l := range r.load {
			fmt.Fprintf(&b, "| `%s` | %d | %s | %d | %.0f | %s | %s | %d |\n", l.name, l.concurrency, secs(l.duration), l.requests,
				l.perSecond(), ms(l.p50), ms(l.p99), l.errors)
		}
		b.WriteString("\n")
	}
	r.adoptMarkdown(&b)
	b.WriteString("Run it again with `make bench` (`BENCH_LARGE=1 make bench` adds N = 3,000; `BENCH_ONLY=adopt " +
		"BENCH_TERRAFORM_LATEST=/path/to/terraform-1.14 make bench` runs the adoption alone, on both paths).\n")
	return b.String()
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// routes formats per-route counts, largest first.
func routes(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	type kv struct {
		k string
		v int
	}
	var all []kv
	for k, v := range m {
		all = append(all, kv{k, v})
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && (all[j].v > all[j-1].v || (all[j].v == all[j-1].v && all[j].k < all[j-1].k)); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	parts := make([]string, len(all))
	for i, e := range all {
		parts[i] = fmt.Sprintf("`%s` %d", e.k, e.v)
	}
	return strings.Join(parts, ", ")
}

// faultsText formats the injected faults.
func faultsText(f map[string]int) string {
	var parts []string
	for _, k := range []string{"unavailable", "rate_limited", "dropped"} {
		if f[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", f[k], map[string]string{"unavailable": "503", "rate_limited": "429", "dropped": "dropped"}[k]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// adoptMarkdown renders the adoption scenarios.
func (r *results) adoptMarkdown(b *strings.Builder) {
	if len(r.adopt) == 0 {
		return
	}
	b.WriteString("## Adoption\n\nAn organization that already holds N people (half of them members, half invited) or N " +
		"service-account tokens (of 10 service accounts), created through the API, is adopted: along the `for_each` path " +
		"(`examples/adoption/for-each`: import blocks with `for_each` over the data sources), and along the `query` path " +
		"(`terraform query -generate-config-out` with `examples/adoption/query`, Terraform 1.14 and later), each in its " +
		"own state. The first plan imports every object (the owner's membership and the bootstrap organization key " +
		"included) and plans nothing else (checked); requests per object are its API requests divided by the objects " +
		"it imports. The no-change plan is the median of 3 plans of the same configuration after the apply.\n\n")
	b.WriteString("| path | CLI | objects | query | query requests | first plan | first-plan requests | per object | apply | no-change plan | no-change requests | first ÷ no-change |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, a := range r.adopt {
		what := fmt.Sprintf("%d %s", a.n, a.kind)
		if a.err != "" {
			fmt.Fprintf(b, "| `%s` | %s | %s | failed: %s | | | | | | | | |\n", a.path, a.cli, what, strings.ReplaceAll(a.err, "|", "\\|"))
			continue
		}
		query, queryReqs := "—", "—"
		if a.path == pathQuery {
			query, queryReqs = secs(a.query), fmt.Sprint(a.queryRequests)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s (%d imported) | %s | %s | %s | %d | %.3f | %s | %s | %d | %.2f× |\n",
			a.path, a.cli, what, a.objects, query, queryReqs, secs(a.plan), a.planRequests, a.perObject(), secs(a.apply),
			secs(a.noChange), a.noChangeReqs, a.ratio())
	}
	b.WriteString("\nRequests of the first plans, per route:\n\n")
	for _, a := range r.adopt {
		if a.err == "" {
			fmt.Fprintf(b, "- `%s`, %d %s: %s\n", a.path, a.n, a.kind, routes(a.planRoutes))
		}
	}
	b.WriteString("\n")
}
