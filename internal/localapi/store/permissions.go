package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// A database file holds secrets at rest: the access-token signing key (settings) and the live
// invitation and password-reset links (the outbox). It is the owner's alone.
const (
	// fileMode is the mode of a new database file. SQLite gives its WAL and shared-memory files
	// the mode of the database file.
	fileMode fs.FileMode = 0o600
	// othersMask are the mode bits that let other users in.
	othersMask fs.FileMode = 0o077
)

// prepareFile makes sure the database at path is its owner's alone before SQLite opens it: a new
// database is created empty with mode 0600 (rather than SQLite's 0644 less the umask), and an
// existing one whose file, WAL or shared-memory file other users can read or write is refused,
// untouched, with the command that fixes it. (Windows keeps a user's files private through ACLs,
// not modes: there, only the creation applies.)
func prepareFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode) //nolint:gosec // the operator chose this path with --db
	switch {
	case err == nil:
		return f.Close()
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if perm := st.Mode().Perm(); perm&othersMask != 0 {
			return fmt.Errorf("store: %s has mode %#o: other users can read or write it, and it holds the "+
				"access-token signing key and live invitation and password-reset links; "+
				"run chmod 600 %s (and its -wal and -shm files, if any), or use another database",
				filepath.Base(p), perm, path)
		}
	}
	return nil
}
