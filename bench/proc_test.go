package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionLabel(t *testing.T) {
	for _, tc := range []struct {
		out, want string
		ok        bool
	}{
		{"Terraform v1.14.0\non linux_amd64\n", "Terraform v1.14.0", true},
		{"OpenTofu v1.12.6\non linux_amd64\n", "OpenTofu v1.12.6", true},
		// OpenTofu warns on standard output about a CLI configuration file it cannot open.
		{"There are some problems with the CLI configuration:\n╷\n│ Warning: Unable to open CLI configuration file\n╵\n\nOpenTofu v1.12.6\non linux_amd64\n", "OpenTofu v1.12.6", true},
		{"", "", false},
		{"something else\n", "", false},
	} {
		got, ok := versionLabel([]byte(tc.out))
		if got != tc.want || ok != tc.ok {
			t.Errorf("versionLabel(%q) = %q, %v; want %q, %v", tc.out, got, ok, tc.want, tc.ok)
		}
	}
}

// cliLabel runs the CLI once, with the bench's environment.
func TestCLILabel(t *testing.T) {
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	cli := filepath.Join(dir, "tofu")
	script := "#!/bin/sh\necho run >> " + calls + "\necho \"OpenTofu v${FAKE_VERSION:-unset}\"\necho on linux_amd64\n"
	if err := os.WriteFile(cli, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	b := &bench{env: []string{"FAKE_VERSION=1.12.6", "PATH=" + os.Getenv("PATH")}}
	for range 3 {
		if got := b.cliLabel(context.Background(), cli); got != "OpenTofu v1.12.6" {
			t.Fatalf("cliLabel = %q, want OpenTofu v1.12.6 (from the bench's environment)", got)
		}
	}
	data, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "run"); n != 1 {
		t.Errorf("the CLI ran %d times, want 1", n)
	}
	if got := b.cliLabel(context.Background(), filepath.Join(dir, "missing")); got != "missing (version unknown)" {
		t.Errorf("cliLabel of a missing CLI = %q", got)
	}
}
