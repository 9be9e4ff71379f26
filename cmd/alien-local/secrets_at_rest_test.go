//go:build !windows

// Unix file modes only: on Windows files are private through the user profile's ACLs.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeKeepsItsFilesToTheOwner: a new database and the --env-file are the owner's alone
// (0600), an env file that existed with a wider mode included; a database that other users can
// read is refused, naming the fix, before anything is served.
func TestServeKeepsItsFilesToTheOwner(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db, envFile := filepath.Join(dir, "alien.db"), filepath.Join(dir, "alien.env")
	if err := os.WriteFile(envFile, []byte("left over\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, stop := serveInBackground(t, "--db", db, "--listen", "127.0.0.1:0", "--env-file", envFile)
	waitFor(t, "the ALIEN_* lines", func() bool { return strings.Count(stdout.String(), "\n") >= 3 })
	for _, p := range []string{db, db + "-wal", db + "-shm", envFile} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", filepath.Base(p), perm)
		}
	}
	if b, _ := os.ReadFile(envFile); string(b) != stdout.String() {
		t.Errorf("env file %q, want the printed lines", b)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}

	if err := os.Chmod(db, 0o644); err != nil { //nolint:gosec // the world-readable database under test
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a server that starts stops here
	defer cancel()
	code := run(ctx, []string{"serve", "--db", db, "--listen", "127.0.0.1:0"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "chmod 600 "+db) {
		t.Fatalf("serve on a world-readable database: exit %d, stderr %q", code, errOut.String())
	}
	if out.Len() != 0 {
		t.Fatalf("a refused database printed %q", out.String())
	}
}
