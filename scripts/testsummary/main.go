// Command testsummary turns `go test -json` into one line per CLI for `make testacc-matrix`.
//
//	go test -json ./internal/provider/... | testsummary -label "Terraform v1.14.0" -results FILE
//
// reads the test events from standard input and, as tests end, prints every failed test with its
// output and every skipped test with its reason (so a CI log shows what a CLI lacks), then one
// line, "Terraform v1.14.0: 170 passed, 0 failed, 4 skipped (9m3s)", which it also appends to
// FILE (as JSON) when -results is given. It exits 1 when a test failed, a package failed outside
// any test (a build error, a panic, a timeout), or no test ran.
//
//	testsummary -report FILE
//
// prints the lines FILE holds, one per CLI, then their total, "matrix: N passed, N failed, N
// skipped"; it exits 1 when any CLI's run failed.
//
// Only top-level tests are counted: a subtest's result is its parent's.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	label := flag.String("label", "", "what ran the tests, such as the CLI's name and version (required without -report)")
	results := flag.String("results", "", "append the result to this file (JSON lines)")
	report := flag.String("report", "", "print the results this file holds and their total, instead of reading go test -json")
	flag.Parse()

	var err error
	switch {
	case *report != "":
		err = runReport(*report, os.Stdout)
	case *label != "":
		err = runSummary(os.Stdin, os.Stdout, *label, *results, time.Now)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// result is one run's count: one line of the summary, one JSON line of the results file.
type result struct {
	Label    string        `json:"label"`
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Skipped  int           `json:"skipped"`
	Duration time.Duration `json:"duration_ns"`
	// Problem says why the run failed when no test did (a package failed outside any test, or
	// no test ran).
	Problem string `json:"problem,omitempty"`
}

func (r result) ok() bool { return r.Failed == 0 && r.Problem == "" }

func (r result) String() string {
	s := fmt.Sprintf("%s: %d passed, %d failed, %d skipped (%s)", r.Label, r.Passed, r.Failed, r.Skipped,
		r.Duration.Round(time.Second))
	if r.Problem != "" {
		s += " FAILED: " + r.Problem
	}
	return s
}

// summarize reads go test -json events from in, writes failed tests (with their output) and
// skipped tests (with their reason) to out as they end, and counts the top-level tests.
func summarize(in io.Reader, out io.Writer) (result, error) {
	type key struct{ pkg, test string }
	var (
		r       result
		outputs = map[key][]string{} // output of running top-level tests (with their subtests')
		pkgOut  = map[string][]string{}
		failed  = map[string]bool{} // packages with a failed test
		badPkgs []string
	)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event (go test writes build errors as plain text when it cannot run -json).
			fmt.Fprintf(out, "%s\n", line)
			continue
		}
		if e.Test == "" {
			switch e.Action {
			case "build-output": // a compiler's message: the package's fail event follows
				fmt.Fprint(out, e.Output)
			case "output":
				pkgOut[e.Package] = append(pkgOut[e.Package], e.Output)
			case "fail":
				if !failed[e.Package] {
					badPkgs = append(badPkgs, e.Package)
					fmt.Fprintf(out, "--- FAIL: package %s\n%s", e.Package, strings.Join(pkgOut[e.Package], ""))
				}
			}
			continue
		}
		top, _, _ := strings.Cut(e.Test, "/")
		k := key{e.Package, top}
		switch e.Action {
		case "run":
			if e.Test == top {
				outputs[k] = nil
			}
		case "output":
			if o, ok := outputs[k]; ok {
				outputs[k] = append(o, e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test != top {
				continue
			}
			switch e.Action {
			case "pass":
				r.Passed++
			case "fail":
				r.Failed++
				failed[e.Package] = true
				// Its output ends with go test's own "--- FAIL: TestX (12.34s)" line.
				fmt.Fprint(out, strings.Join(outputs[k], ""))
			case "skip":
				r.Skipped++
				fmt.Fprintf(out, "--- SKIP: %s: %s\n", top, skipReason(outputs[k]))
			}
			delete(outputs, k)
		}
	}
	if err := sc.Err(); err != nil {
		return r, fmt.Errorf("reading go test -json: %w", err)
	}
	// Tests still running when the stream ended were cut off (a panic, a timeout, a kill); they
	// are printed by package, then by name.
	cut := slices.SortedFunc(maps.Keys(outputs), func(a, b key) int {
		return cmp.Or(strings.Compare(a.pkg, b.pkg), strings.Compare(a.test, b.test))
	})
	for _, k := range cut {
		fmt.Fprintf(out, "--- FAIL: %s (%s) did not finish\n%s", k.test, k.pkg, strings.Join(outputs[k], ""))
	}
	r.Failed += len(cut)
	switch {
	case len(badPkgs) > 0 && r.Failed == 0:
		r.Problem = "package " + strings.Join(badPkgs, ", ") + " failed outside any test"
	case r.Passed+r.Failed+r.Skipped == 0:
		r.Problem = "no test ran"
	}
	return r, nil
}

// skipReason is the message a skipped test logged (t.Skip's argument), without the === and ---
// lines go test adds.
func skipReason(output []string) string {
	var msgs []string
	for _, o := range output {
		o = strings.TrimSpace(o)
		if o == "" || strings.HasPrefix(o, "=== ") || strings.HasPrefix(o, "--- ") {
			continue
		}
		msgs = append(msgs, o)
	}
	if len(msgs) == 0 {
		return "(no reason given)"
	}
	return strings.Join(msgs, " ")
}

func runSummary(in io.Reader, out io.Writer, label, resultsFile string, now func() time.Time) error {
	start := now()
	r, err := summarize(in, out)
	if err != nil {
		return err
	}
	r.Label = label
	r.Duration = now().Sub(start)
	fmt.Fprintln(out, r)
	if resultsFile != "" {
		if err := appendResult(resultsFile, r); err != nil {
			return err
		}
	}
	if !r.ok() {
		return fmt.Errorf("%s: the tests failed", label)
	}
	return nil
}

func appendResult(file string, r result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644) //nolint:gosec // a result file where the Makefile says
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func runReport(file string, out io.Writer) error {
	b, err := os.ReadFile(file) //nolint:gosec // the results file the Makefile names
	if err != nil {
		return err
	}
	var (
		total result
		bad   []string
		n     int
	)
	for line := range strings.Lines(string(b)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		n++
		fmt.Fprintln(out, r)
		total.Passed += r.Passed
		total.Failed += r.Failed
		total.Skipped += r.Skipped
		if !r.ok() {
			bad = append(bad, r.Label)
		}
	}
	if n == 0 {
		return fmt.Errorf("%s holds no result", file)
	}
	fmt.Fprintf(out, "matrix: %d passed, %d failed, %d skipped\n", total.Passed, total.Failed, total.Skipped)
	if len(bad) > 0 {
		return errors.New("the tests failed on " + strings.Join(bad, ", "))
	}
	return nil
}
