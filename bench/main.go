// Command bench is `make bench`: it builds the provider and alien-local, then measures the
// provider against fresh alien-local processes on loopback and writes the results as Markdown
// with an SVG chart under bench/results/.
//
//   - Scale: for N = 100 and 1,000 (3,000 with BENCH_LARGE=1), without and with 50 ms of added
//     latency, the wall time of terraform apply, a no-change plan and destroy for N alien_member
//     resources, N service-account alien_api_token resources and N terraform_data resources (the
//     baseline, measured in the same run), the API requests per resource of the no-change plan
//     and the provider processes' peak memory.
//   - Convergence under faults: 200 mixed resources applied with 20% 503s, 10% 429s and 5%
//     dropped answers; then the same with the apply interrupted (SIGINT) and run again. Each
//     ends checked: exactly the declared objects, an empty second plan, every token working.
//   - Throughput: authenticated reads from a bounded load generator (fixed concurrency and
//     duration), loopback only.
//   - Adoption (adopt.go): an organization of N members, or N tokens, created through the API,
//     adopted with for_each import blocks (-terraform), and with `terraform query
//     -generate-config-out` when a Terraform 1.14 CLI is given (-terraform-latest, or
//     BENCH_TERRAFORM_LATEST): the first plan's time and requests per adopted object, against the
//     no-change plan of the same objects.
//
// -only (or BENCH_ONLY) runs some parts alone, such as `BENCH_ONLY=adopt make bench`; such a run
// writes latest-<parts>.md, leaving the full run's latest.md as it is.
//
// Terraform runs with dev_overrides (no init, nothing downloaded) and its default parallelism.
// Everything runs in a temporary directory, removed at the end unless -keep is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// benchParts are the benchmark's parts, in the order they run (-only names some of them).
var benchParts = []string{"scale", "faults", "interrupt", "load", "adopt"}

// options are the command's flags.
type options struct {
	root            string
	terraform       string
	terraformLatest string
	out             string
	ns              []int
	latencies       []time.Duration
	only            map[string]bool
	kinds           []string
	keep            bool
	seed            uint64
}

func main() {
	os.Exit(run())
}

func run() int {
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := newBench(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		return 1
	}
	defer b.close()
	if err := b.run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "\nbench: %v\n", err)
		if b.work != "" && opts.keep {
			fmt.Fprintf(os.Stderr, "bench: the work directory is kept: %s\n", b.work)
		}
		return 1
	}
	return 0
}

func parseOptions(args []string) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	o := &options{}
	var ns, lats, only, kinds string
	fs.StringVar(&o.root, "root", ".", "the repository's root")
	fs.StringVar(&o.terraform, "terraform", os.Getenv("TERRAFORM"), "the terraform CLI (default: terraform on PATH)")
	fs.StringVar(&o.terraformLatest, "terraform-latest", os.Getenv("BENCH_TERRAFORM_LATEST"),
		"a Terraform 1.14 or later CLI, for the adoption through terraform query (default: BENCH_TERRAFORM_LATEST; none: that path is skipped)")
	fs.StringVar(&o.out, "out", "bench/results", "where the results are written (relative to -root)")
	fs.StringVar(&ns, "n", "", "comma-separated resource counts (default 100,1000; BENCH_LARGE=1 adds 3000; BENCH_N overrides)")
	fs.StringVar(&lats, "latency", "0,50ms", "comma-separated latencies added by alien-local")
	fs.StringVar(&only, "only", os.Getenv("BENCH_ONLY"), "comma-separated parts to run: "+strings.Join(benchParts, ", ")+" (default: BENCH_ONLY, else all)")
	fs.StringVar(&kinds, "kinds", strings.Join(scaleKinds, ","), "comma-separated kinds of the scale scenarios")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (terraform logs, databases, states)")
	fs.Uint64Var(&o.seed, "seed", 42, "seed of alien-local's fault injection")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if ns == "" {
		ns = os.Getenv("BENCH_N")
	}
	if ns == "" {
		ns = "100,1000"
		if os.Getenv("BENCH_LARGE") == "1" {
			ns += ",3000"
		}
	}
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 100000 {
			return nil, fmt.Errorf("-n: %q is not a resource count", f)
		}
		o.ns = append(o.ns, n)
	}
	for _, f := range strings.Split(lats, ",") {
		f = strings.TrimSpace(f)
		if f == "0" {
			o.latencies = append(o.latencies, 0)
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-latency: %q is not a duration", f)
		}
		o.latencies = append(o.latencies, d)
	}
	for _, k := range strings.Split(kinds, ",") {
		k = strings.TrimSpace(k)
		if !slices.Contains(scaleKinds, k) {
			return nil, fmt.Errorf("-kinds: unknown kind %q (known: %s)", k, strings.Join(scaleKinds, ", "))
		}
		o.kinds = append(o.kinds, k)
	}
	o.only = map[string]bool{}
	for _, f := range strings.Split(only, ",") {
		if f = strings.TrimSpace(f); f != "" {
			if !slices.Contains(benchParts, f) {
				return nil, fmt.Errorf("-only: unknown part %q (known: %s)", f, strings.Join(benchParts, ", "))
			}
			o.only[f] = true
		}
	}
	if o.terraform == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			return nil, errors.New("the terraform CLI was not found on PATH; install Terraform 1.5 or later, or pass -terraform")
		}
		o.terraform = p
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return nil, err
	}
	o.root = root
	if !filepath.IsAbs(o.out) {
		o.out = filepath.Join(root, o.out)
	}
	return o, nil
}

// onlyParts names the parts of a partial run ("adopt", "faults-load"), "" for a full run.
func (o *options) onlyParts() string {
	var names []string
	for _, p := range benchParts {
		if o.only[p] {
			names = append(names, p)
		}
	}
	if len(names) == len(benchParts) {
		return ""
	}
	return strings.Join(names, "-")
}

// wants reports whether a part runs.
func (o *options) wants(part string) bool {
	return len(o.only) == 0 || o.only[part]
}

// bench is one run of the benchmark.
type bench struct {
	opts    *options
	work    string // temporary directory
	bin     string // built binaries
	rc      string // the terraform CLI configuration
	env     []string
	started time.Time
	res     results
	labels  map[string]string // cliLabel's answers, by CLI
}

func newBench(opts *options) (*bench, error) {
	work, err := os.MkdirTemp("", "alien-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{opts: opts, work: work, bin: filepath.Join(work, "bin"), started: time.Now()}
	b.res.started = b.started
	b.res.opts = opts
	return b, nil
}

func (b *bench) close() {
	if b.work != "" && !b.opts.keep {
		_ = os.RemoveAll(b.work)
	}
}

// progress prints a line with the time since the start.
func (b *bench) progress(format string, args ...any) {
	el := time.Since(b.started).Round(time.Second)
	fmt.Printf("[%6s] %s\n", el, fmt.Sprintf(format, args...))
}

func (b *bench) run(ctx context.Context) error {
	if err := b.configureCLI(); err != nil {
		return err
	}
	b.res.env = describeEnvironment(ctx, b.opts, b.cliLabel(ctx, b.opts.terraform))
	b.progress("alien bench: %s; %d CPUs; load average %s", b.res.env.terraform, runtime.NumCPU(), loadAverage())
	if err := b.build(ctx); err != nil {
		return err
	}
	if b.opts.wants("scale") {
		if err := b.scale(ctx); err != nil {
			return err
		}
	}
	if b.opts.wants("faults") {
		if err := b.faults(ctx, false); err != nil {
			return err
		}
	}
	if b.opts.wants("interrupt") {
		if err := b.faults(ctx, true); err != nil {
			return err
		}
	}
	if b.opts.wants("load") {
		if err := b.load(ctx); err != nil {
			return err
		}
	}
	if b.opts.wants("adopt") {
		if err := b.adopt(ctx); err != nil {
			return err
		}
	}
	b.res.finished = time.Now()
	b.res.loadEnd = loadAverage()
	md, err := b.res.write(b.opts.out)
	if err != nil {
		return err
	}
	fmt.Println()
	fmt.Print(md)
	b.progress("done in %s; results in %s", time.Since(b.started).Round(time.Second), relPath(b.opts.root, b.opts.out))
	if failures := b.res.failures(); len(failures) > 0 {
		return fmt.Errorf("%d check(s) failed:\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
	return nil
}

// build compiles the provider, alien-local and the memory-recording wrapper (the binaries the
// CLI configuration names).
func (b *bench) build(ctx context.Context) error {
	b.progress("building the provider, the floor provider, alien-local and the memory wrapper")
	for _, t := range []struct{ out, pkg string }{
		{filepath.Join(b.bin, "real", "terraform-provider-alien"), "."},
		{filepath.Join(b.bin, "real", "terraform-provider-benchfloor"), "./bench/floor"},
		{filepath.Join(b.bin, "alien-local"), "./cmd/alien-local"},
		{filepath.Join(b.bin, "override", "terraform-provider-alien"), "./bench/memwrap"},
		{filepath.Join(b.bin, "override", "terraform-provider-benchfloor"), "./bench/memwrap"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", t.out, t.pkg)
		cmd.Dir = b.opts.root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", t.pkg, err, out)
		}
	}
	return nil
}

// configureCLI writes the terraform CLI configuration that uses the binaries build makes
// through dev_overrides, and the environment every CLI command runs with.
func (b *bench) configureCLI() error {
	b.rc = filepath.Join(b.work, "terraform.rc")
	rc := fmt.Sprintf(`disable_checkpoint = true
provider_installation {
  dev_overrides {
    "alien-intelligence/alien"      = %q
    "alien-intelligence/benchfloor" = %q
  }
  filesystem_mirror {
    path    = %q
    include = ["*/*/*"]
  }
}
`, filepath.Join(b.bin, "override"), filepath.Join(b.bin, "override"), filepath.Join(b.work, "no-providers"))
	if err := os.WriteFile(b.rc, []byte(rc), 0o600); err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "ALIEN_") || k == "CHECKPOINT_DISABLE" {
			continue
		}
		b.env = append(b.env, kv)
	}
	b.env = append(b.env,
		"TF_CLI_CONFIG_FILE="+b.rc,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"ALIEN_BENCH_PROVIDER_DIR="+filepath.Join(b.bin, "real"),
	)
	return nil
}

// loadAverage is the 1-, 5- and 15-minute load averages, from /proc/loadavg where there is one.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// relPath is p relative to root when it is inside it.
func relPath(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
