// Package store is alien-local's persistence: a SQLite database through modernc.org/sqlite (pure
// Go, no cgo), with its schema in embedded, numbered .sql migrations recorded in
// schema_migrations.
//
// A DB holds two connection pools on the same database: one writer connection (SQLite serialises
// writers anyway; a single connection turns SQLITE_BUSY into queueing in database/sql, and
// transactions start with BEGIN IMMEDIATE) and a pool of read-only readers. Every connection runs
// with foreign keys on and a busy timeout; files use WAL. ":memory:" opens a private in-memory
// database (SQLite's memdb VFS under a unique name) that every connection of both pools shares, so
// tests see one database however many connections they use.
//
// All access goes through transactions: DB.Read runs a function in a read transaction (one
// consistent snapshot), DB.Write in a write transaction that commits only if the function returns
// nil, so a multi-row change is all or nothing. The store keeps no secret: tokens and client
// secrets are stored as SHA-256 hashes, which the callers compute.
//
// Times are stored as Unix seconds (the API speaks second precision); the Tx methods take and
// return time.Time in UTC.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Memory is the DBPath that opens a private in-memory database.
const Memory = ":memory:"

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrDuplicate is returned when a write breaks a uniqueness constraint.
var ErrDuplicate = errors.New("store: duplicate")

// ErrGone is returned when a write refers to a row that no longer exists (a foreign key
// violation: the organization was deleted meanwhile, for example).
var ErrGone = errors.New("store: a referenced row no longer exists")

// DB is an open alien-local database.
type DB struct {
	writer *sql.DB
	reader *sql.DB
	// pin keeps one connection open for the life of the DB: an in-memory database disappears
	// when its last connection closes.
	pin *sql.Conn
}

// Open opens (creating if needed) the database at path, or a private in-memory database when
// path is ":memory:", and applies the pending migrations.
func Open(ctx context.Context, dbPath string) (*DB, error) {
	if dbPath == "" {
		return nil, errors.New("store: empty database path")
	}
	var writerDSN, readerDSN string
	common := url.Values{}
	common.Set("_foreign_keys", "1")
	common.Set("_busy_timeout", "10000")
	if dbPath == Memory {
		name := "/alien-local-" + strings.ToLower(randomBase32(10))
		common.Set("vfs", "memdb")
		w := cloneValues(common)
		w.Set("_txlock", "immediate")
		r := cloneValues(common)
		r.Set("_query_only", "1")
		writerDSN = "file:" + name + "?" + w.Encode()
		readerDSN = "file:" + name + "?" + r.Encode()
	} else {
		common.Set("_synchronous", "NORMAL")
		w := cloneValues(common)
		w.Set("_journal_mode", "WAL")
		w.Set("_txlock", "immediate")
		r := cloneValues(common)
		r.Set("_query_only", "1")
		file := "file:" + uriPath.Replace(dbPath)
		writerDSN = file + "?" + w.Encode()
		readerDSN = file + "?" + r.Encode()
	}

	writer, err := sql.Open("sqlite", writerDSN)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dbPath, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	db := &DB{writer: writer}
	// The writer connection must exist (and, for files, switch the journal to WAL) before
	// readers open the database.
	if err := db.migrate(ctx); err != nil {
		writer.Close()
		return nil, err
	}

	reader, err := sql.Open("sqlite", readerDSN)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open %s: %w", dbPath, err)
	}
	reader.SetMaxOpenConns(4)
	reader.SetMaxIdleConns(4)
	reader.SetConnMaxLifetime(0)
	reader.SetConnMaxIdleTime(0)
	db.reader = reader
	pin, err := reader.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", dbPath, err)
	}
	db.pin = pin
	return db, nil
}

// uriPath escapes the characters that mean something in a SQLite URI filename ('%' escapes,
// '?' starts the parameters, '#' a fragment), so that a path is taken literally.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Close closes the database. An in-memory database is gone afterwards.
func (db *DB) Close() error {
	var errs []error
	if db.pin != nil {
		errs = append(errs, db.pin.Close())
	}
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	errs = append(errs, db.writer.Close())
	return errors.Join(errs...)
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	type mig struct {
		version int
		name    string
	}
	var migs []mig
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("store: migration %s: name must start with a number and '_'", base)
		}
		migs = append(migs, mig{v, base})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	for _, m := range migs {
		err := db.Write(ctx, func(tx *Tx) error {
			var n int
			if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			text, err := migrationFiles.ReadFile("migrations/" + m.name)
			if err != nil {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, string(text)); err != nil {
				return err
			}
			_, err = tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().Unix())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// Tx is a transaction: a read transaction inside DB.Read, a write transaction inside DB.Write.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
}

// SQL is the transaction's database/sql handle, for package storetest, whose helpers let tests
// look at every row of every table. Everything else reads and writes through Tx's methods.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// Read runs fn in a read-only transaction: every query in fn sees the same snapshot.
func (db *DB) Read(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a read transaction has nothing to commit
	return fn(&Tx{ctx: ctx, tx: sqlTx})
}

// Write runs fn in a write transaction and commits it when fn returns nil; any error (or panic)
// rolls everything back. Write transactions are serialised.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin write: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback() //nolint:errcheck // the error that caused the rollback matters more
		}
	}()
	if err := fn(&Tx{ctx: ctx, tx: sqlTx}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	return nil
}

// NewID returns a new id: prefix + "_" + 16 lowercase base32 characters (80 random bits).
func NewID(prefix string) string {
	return prefix + "_" + strings.ToLower(randomBase32(10))
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func randomBase32(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("store: crypto/rand: %v", err)) // crypto/rand never fails on supported systems
	}
	return b32.EncodeToString(b)
}

// isUnique reports whether err is a SQLite uniqueness (or primary key) violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKey reports whether err is a SQLite foreign key violation.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// exec runs a statement and maps uniqueness violations to ErrDuplicate.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(tx.ctx, query, args...)
	if err != nil {
		if isUnique(err) {
			return nil, fmt.Errorf("%w: %w", ErrDuplicate, err)
		}
		if isForeignKey(err) {
			return nil, fmt.Errorf("%w: %w", ErrGone, err)
		}
		return nil, err
	}
	return res, nil
}

// execOne runs a statement that must change exactly one row (else ErrNotFound).
func (tx *Tx) execOne(query string, args ...any) error {
	res, err := tx.exec(query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Time helpers: Unix seconds in the database, UTC time.Time outside.

func unix(t time.Time) int64 { return t.Unix() }

func nullUnix(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func fromNullUnix(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromUnix(n.Int64)
	return &t
}

func fromNullString(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	s := n.String
	return &s
}

func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

// Page selects a page of a list: rows after the cursor position After (a seq; 0 for the first
// page), at most Limit of them (50 when Limit is not positive).
type Page struct {
	After int64
	Limit int
}

func (p Page) limit() int {
	if p.Limit <= 0 {
		return 50
	}
	return p.Limit
}

// rowScanner is a row being read: *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// listPage runs query, a SELECT whose WHERE clause can take one more condition, as a keyset page
// over seqColumn: the rows after p.After in seq order, scanned by scan. It asks for one row more
// than the limit, to know whether another page follows, and answers the seq to continue after
// (read from a row by seq), 0 on the last page. A row written while a client pages gets a higher
// seq, so pages never skip or repeat a row.
func listPage[T any](tx *Tx, query string, args []any, seqColumn string, p Page, scan func(rowScanner) (T, error), seq func(T) int64) ([]T, int64, error) {
	limit := p.limit()
	query += ` AND ` + seqColumn + ` > ? ORDER BY ` + seqColumn + ` LIMIT ?`
	rows, err := tx.tx.QueryContext(tx.ctx, query, append(args, p.After, limit+1)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var items []T
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(items) > limit {
		return items[:limit], seq(items[limit-1]), nil
	}
	return items, 0, nil
}
