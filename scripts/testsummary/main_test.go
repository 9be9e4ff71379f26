package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A go test -json stream (as go 1.26 writes it) with a passing test and its subtests, a skipped
// test, a failing test and a parallel test.
const testStream = `{"Action":"start","Package":"example.com/p"}
{"Action":"run","Package":"example.com/p","Test":"TestPass"}
{"Action":"output","Package":"example.com/p","Test":"TestPass","Output":"=== RUN   TestPass\n"}
{"Action":"run","Package":"example.com/p","Test":"TestPass/sub"}
{"Action":"output","Package":"example.com/p","Test":"TestPass/sub","Output":"=== RUN   TestPass/sub\n"}
{"Action":"output","Package":"example.com/p","Test":"TestPass/sub","Output":"--- PASS: TestPass/sub (0.00s)\n"}
{"Action":"pass","Package":"example.com/p","Test":"TestPass/sub","Elapsed":0}
{"Action":"output","Package":"example.com/p","Test":"TestPass","Output":"--- PASS: TestPass (0.00s)\n"}
{"Action":"pass","Package":"example.com/p","Test":"TestPass","Elapsed":0}
{"Action":"run","Package":"example.com/p","Test":"TestAccList"}
{"Action":"output","Package":"example.com/p","Test":"TestAccList","Output":"=== RUN   TestAccList\n"}
{"Action":"output","Package":"example.com/p","Test":"TestAccList","Output":"    list_test.go:12: list resources (terraform query): not supported by OpenTofu 1.12.6\n"}
{"Action":"output","Package":"example.com/p","Test":"TestAccList","Output":"--- SKIP: TestAccList (0.01s)\n"}
{"Action":"skip","Package":"example.com/p","Test":"TestAccList","Elapsed":0.01}
{"Action":"run","Package":"example.com/p","Test":"TestFail"}
{"Action":"output","Package":"example.com/p","Test":"TestFail","Output":"=== RUN   TestFail\n"}
{"Action":"run","Package":"example.com/p","Test":"TestFail/case"}
{"Action":"output","Package":"example.com/p","Test":"TestFail/case","Output":"    fail_test.go:9: the plan was not empty\n"}
{"Action":"output","Package":"example.com/p","Test":"TestFail/case","Output":"--- FAIL: TestFail/case (0.00s)\n"}
{"Action":"fail","Package":"example.com/p","Test":"TestFail/case","Elapsed":0}
{"Action":"output","Package":"example.com/p","Test":"TestFail","Output":"--- FAIL: TestFail (0.00s)\n"}
{"Action":"fail","Package":"example.com/p","Test":"TestFail","Elapsed":0}
{"Action":"run","Package":"example.com/p","Test":"TestParallel"}
{"Action":"output","Package":"example.com/p","Test":"TestParallel","Output":"=== PAUSE TestParallel\n"}
{"Action":"pause","Package":"example.com/p","Test":"TestParallel"}
{"Action":"cont","Package":"example.com/p","Test":"TestParallel"}
{"Action":"output","Package":"example.com/p","Test":"TestParallel","Output":"--- PASS: TestParallel (1.20s)\n"}
{"Action":"pass","Package":"example.com/p","Test":"TestParallel","Elapsed":1.2}
{"Action":"output","Package":"example.com/p","Output":"FAIL\n"}
{"Action":"fail","Package":"example.com/p","Elapsed":1.3}
`

func summarizeString(t *testing.T, stream string) (result, string) {
	t.Helper()
	var out bytes.Buffer
	r, err := summarize(strings.NewReader(stream), &out)
	if err != nil {
		t.Fatal(err)
	}
	return r, out.String()
}

func TestSummarize_countsTopLevelTests(t *testing.T) {
	r, out := summarizeString(t, testStream)
	if r.Passed != 2 || r.Failed != 1 || r.Skipped != 1 {
		t.Errorf("counted %d passed, %d failed, %d skipped; want 2, 1, 1 (top-level tests only)", r.Passed, r.Failed, r.Skipped)
	}
	if r.ok() {
		t.Error("a run with a failed test is ok")
	}
	// The failure is shown with its output; the skip with its reason; passing tests are not.
	for _, want := range []string{
		"=== RUN   TestFail\n",
		"--- FAIL: TestFail (0.00s)\n",
		"fail_test.go:9: the plan was not empty",
		"--- SKIP: TestAccList: list_test.go:12: list resources (terraform query): not supported by OpenTofu 1.12.6\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "TestPass") || strings.Contains(out, "package example.com/p") {
		t.Errorf("output shows a passing test, or the package whose test failed:\n%s", out)
	}
}

func TestSummarize_allPass(t *testing.T) {
	stream := strings.ReplaceAll(testStream, `"Action":"fail"`, `"Action":"pass"`)
	r, _ := summarizeString(t, stream)
	if !r.ok() || r.Passed != 3 || r.Failed != 0 {
		t.Errorf("got %+v, want 3 passed and ok", r)
	}
}

// A test cut off (a panic, a timeout) has no end event: it counts as failed, with its output.
func TestSummarize_cutOffTest(t *testing.T) {
	stream := `{"Action":"run","Package":"example.com/p","Test":"TestSlow"}
{"Action":"output","Package":"example.com/p","Test":"TestSlow","Output":"panic: test timed out after 30m0s\n"}
{"Action":"output","Package":"example.com/p","Output":"FAIL\texample.com/p\t1800.1s\n"}
{"Action":"fail","Package":"example.com/p","Elapsed":1800.1}
`
	r, out := summarizeString(t, stream)
	if r.Failed != 1 || r.ok() {
		t.Errorf("got %+v, want 1 failed", r)
	}
	if !strings.Contains(out, "TestSlow (example.com/p) did not finish") || !strings.Contains(out, "panic: test timed out") {
		t.Errorf("output does not show the cut-off test:\n%s", out)
	}
}

// Several tests cut off are printed in a fixed order (by package, then by name), whatever the
// order they started in.
func TestSummarize_cutOffTestsInOrder(t *testing.T) {
	var stream strings.Builder
	for _, k := range []struct{ pkg, test string }{
		{"example.com/q", "TestB"}, {"example.com/p", "TestD"}, {"example.com/q", "TestA"},
		{"example.com/p", "TestC"}, {"example.com/p", "TestA"}, {"example.com/r", "TestA"},
	} {
		fmt.Fprintf(&stream, `{"Action":"run","Package":%q,"Test":%q}`+"\n", k.pkg, k.test)
		fmt.Fprintf(&stream, `{"Action":"output","Package":%q,"Test":%q,"Output":"running %s\n"}`+"\n", k.pkg, k.test, k.test)
	}
	want := []string{
		"--- FAIL: TestA (example.com/p) did not finish",
		"--- FAIL: TestC (example.com/p) did not finish",
		"--- FAIL: TestD (example.com/p) did not finish",
		"--- FAIL: TestA (example.com/q) did not finish",
		"--- FAIL: TestB (example.com/q) did not finish",
		"--- FAIL: TestA (example.com/r) did not finish",
	}
	for range 20 { // a map's order changes from one iteration to the next
		r, out := summarizeString(t, stream.String())
		if r.Failed != len(want) {
			t.Fatalf("got %+v, want %d failed", r, len(want))
		}
		var got []string
		for line := range strings.Lines(out) {
			if strings.HasPrefix(line, "--- FAIL: ") {
				got = append(got, strings.TrimSuffix(line, "\n"))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("cut-off tests printed as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// A package that fails with no failed test (TestMain, a build error) fails the run, with its output.
func TestSummarize_packageFailsOutsideTests(t *testing.T) {
	stream := `{"Action":"start","Package":"example.com/p"}
{"Action":"output","Package":"example.com/p","Output":"acceptance tests: cannot start alien-local\n"}
{"Action":"fail","Package":"example.com/p","Elapsed":0.1}
{"ImportPath":"example.com/q","Action":"build-output","Output":"q.go:3:1: syntax error\n"}
{"Action":"start","Package":"example.com/q"}
{"Action":"fail","Package":"example.com/q","Elapsed":0,"FailedBuild":"example.com/q"}
`
	r, out := summarizeString(t, stream)
	if r.ok() || !strings.Contains(r.Problem, "example.com/p, example.com/q failed outside any test") {
		t.Errorf("got %+v, want a failed run naming both packages", r)
	}
	for _, want := range []string{"cannot start alien-local", "q.go:3:1: syntax error"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSummarize_noTest(t *testing.T) {
	r, _ := summarizeString(t, `{"Action":"start","Package":"example.com/p"}
{"Action":"output","Package":"example.com/p","Output":"testing: warning: no tests to run\n"}
{"Action":"pass","Package":"example.com/p","Elapsed":0}
`)
	if r.ok() || r.Problem != "no test ran" {
		t.Errorf("got %+v, want the run failed: no test ran", r)
	}
}

func TestRunSummaryAndReport(t *testing.T) {
	file := filepath.Join(t.TempDir(), "results.jsonl")
	clock := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(90 * time.Second); return clock }

	pass := strings.ReplaceAll(testStream, `"Action":"fail"`, `"Action":"pass"`)
	var out bytes.Buffer
	if err := runSummary(strings.NewReader(pass), &out, "Terraform v1.14.0", file, now); err != nil {
		t.Fatalf("a passing run: %v", err)
	}
	if got, want := lastLine(out.String()), "Terraform v1.14.0: 3 passed, 0 failed, 1 skipped (1m30s)"; got != want {
		t.Errorf("summary line %q, want %q", got, want)
	}
	out.Reset()
	if err := runSummary(strings.NewReader(testStream), &out, "OpenTofu v1.12.6", file, now); err == nil {
		t.Error("a run with a failed test did not fail")
	}

	out.Reset()
	err := runReport(file, &out)
	if err == nil || !strings.Contains(err.Error(), "OpenTofu v1.12.6") {
		t.Errorf("report: %v, want an error naming OpenTofu v1.12.6", err)
	}
	want := "Terraform v1.14.0: 3 passed, 0 failed, 1 skipped (1m30s)\n" +
		"OpenTofu v1.12.6: 2 passed, 1 failed, 1 skipped (1m30s)\n" +
		"matrix: 5 passed, 1 failed, 2 skipped\n"
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunReport_emptyFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "results.jsonl")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := runReport(file, &bytes.Buffer{}); err == nil {
		t.Error("a report of no run succeeded")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
