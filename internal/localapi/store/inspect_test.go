package store

// What only the store's own tests inspect: the migrations applied and the connections' pragmas.

import (
	"time"
)

// Migration is one applied schema migration.
type Migration struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// Migrations lists the applied migrations, oldest first.
func (tx *Tx) Migrations() ([]Migration, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Migration
	for rows.Next() {
		var m Migration
		var at int64
		if err := rows.Scan(&m.Version, &m.Name, &at); err != nil {
			return nil, err
		}
		m.AppliedAt = time.Unix(at, 0).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// ForeignKeysOn reports whether the connection running tx enforces foreign keys.
func (tx *Tx) ForeignKeysOn() (bool, error) {
	var on int
	err := tx.tx.QueryRowContext(tx.ctx, `PRAGMA foreign_keys`).Scan(&on)
	return on == 1, err
}

// JournalMode reports the database's journal mode ("wal" for files, "memory" in memory).
func (tx *Tx) JournalMode() (string, error) {
	var mode string
	err := tx.tx.QueryRowContext(tx.ctx, `PRAGMA journal_mode`).Scan(&mode)
	return mode, err
}
