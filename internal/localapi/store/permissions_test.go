//go:build !windows

// Unix file modes only: on Windows files are private through the user profile's ACLs.

package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenCreatesTheDatabaseForItsOwnerOnly: the database holds the access-token signing key and
// the live invitation and reset links, so a new database file, its WAL and its shared-memory file
// are 0600, whatever the process umask lets through.
func TestOpenCreatesTheDatabaseForItsOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022) // the usual umask: files 0644 unless the creator says otherwise
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "alien-local.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	addOrg(t, db, "free") // a write: the WAL and shm files exist while the database is open
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", filepath.Base(p), perm)
		}
	}
}

// TestOpenRefusesADatabaseOthersCanReach: an existing database (or its WAL or shm file) that
// other users can read or write is refused, saying how to fix it, and left as it was.
func TestOpenRefusesADatabaseOthersCanReach(t *testing.T) {
	for _, tc := range []struct {
		name   string
		suffix string
		mode   fs.FileMode
	}{
		{"group-readable database", "", 0o640},
		{"world-readable database", "", 0o644},
		{"group-writable database", "", 0o620},
		{"world-readable WAL", "-wal", 0o644},
		{"world-readable shm", "-shm", 0o604},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "alien-local.db")
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			addOrg(t, db, "free")
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			target := path + tc.suffix
			if tc.suffix != "" { // closed cleanly, SQLite removed them: leave one as a crash would
				if err := os.WriteFile(target, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(target, tc.mode); err != nil {
				t.Fatal(err)
			}
			db, err = Open(context.Background(), path)
			if err == nil {
				db.Close()
				t.Fatalf("a database whose %s has mode %#o was opened", filepath.Base(target), tc.mode)
			}
			for _, want := range []string{filepath.Base(target), "chmod 600", "other users"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error %q does not say %q", err, want)
				}
			}
			if st, err := os.Stat(target); err != nil || st.Mode().Perm() != tc.mode {
				t.Errorf("the refused file changed: %v, %v", st.Mode().Perm(), err)
			}
			// Fixed as the error says, it opens.
			if err := os.Chmod(target, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err = Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
		})
	}
}
