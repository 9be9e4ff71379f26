package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func openMemory(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func addOrg(t *testing.T, db *DB, plan string) *Organization {
	t.Helper()
	o := &Organization{ID: NewID("org"), Name: "Org", Plan: plan, CreatedAt: t0}
	if err := db.Write(context.Background(), func(tx *Tx) error { return tx.InsertOrganization(o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestMemoryDatabaseIsSharedByEveryConnection(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	org := addOrg(t, db, "free")
	// Writers and readers use different pools; concurrent readers use several connections.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				err := db.Write(ctx, func(tx *Tx) error {
					return tx.InsertDataset(&Dataset{ID: NewID("ds"), OrganizationID: org.ID, Name: "d", CreatedAt: t0})
				})
				if err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				err := db.Read(ctx, func(tx *Tx) error {
					_, err := tx.GetOrganization(org.ID)
					return err
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	err := db.Read(ctx, func(tx *Tx) error {
		items, next, err := tx.ListDatasets(org.ID, Page{Limit: 100})
		if len(items) != 80 || next != 0 {
			return fmt.Errorf("datasets = %d (next %d), want 80", len(items), next)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// Two in-memory databases are separate.
	other := openMemory(t)
	err = other.Read(ctx, func(tx *Tx) error {
		_, err := tx.GetOrganization(org.ID)
		return err
	})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("another in-memory database sees the organization: %v", err)
	}
}

func TestFileDatabaseMigratesOnceAndUsesWAL(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "alien.db")
	db, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	org := addOrg(t, db, "team")
	check := func(db *DB) {
		t.Helper()
		err := db.Read(ctx, func(tx *Tx) error {
			migs, err := tx.Migrations()
			if err != nil {
				return err
			}
			names, err := fs.Glob(migrationFiles, "migrations/*.sql")
			if err != nil {
				return err
			}
			if len(migs) != len(names) || len(migs) < 2 || migs[0].Name != "0001_init.sql" {
				return fmt.Errorf("migrations = %+v, files %v", migs, names)
			}
			for i, m := range migs {
				// Numbers need not be contiguous (branches reserve theirs), only in file order.
				if !strings.HasPrefix(m.Name, fmt.Sprintf("%04d_", m.Version)) || path.Base(names[i]) != m.Name {
					return fmt.Errorf("migration %d = %+v, file %s", i, m, names[i])
				}
			}
			if on, err := tx.ForeignKeysOn(); err != nil || !on {
				return fmt.Errorf("reader: foreign keys on = %v (%w)", on, err)
			}
			if mode, err := tx.JournalMode(); err != nil || mode != "wal" {
				return fmt.Errorf("journal mode = %q (%w)", mode, err)
			}
			_, err = tx.GetOrganization(org.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx *Tx) error {
			if on, err := tx.ForeignKeysOn(); err != nil || !on {
				return fmt.Errorf("writer: foreign keys on = %v (%w)", on, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check(db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, dbPath) // reopening applies nothing new and keeps the data
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check(db)
}

// TestFilePathsAreTakenLiterally opens databases whose paths hold the characters SQLite's URI
// filenames give a meaning to: each is the file named, with WAL on, and keeps its data.
func TestFilePathsAreTakenLiterally(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a?b.db", "c%41d.db", "e#f.db", "g h.db", "i&_j=1.db"} {
		dir := t.TempDir()
		dbPath := filepath.Join(dir, name)
		db, err := Open(ctx, dbPath)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		org := addOrg(t, db, "team")
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dbPath); err != nil {
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Fatalf("%s: no such file (the directory holds %q)", name, names)
		}
		db, err = Open(ctx, dbPath)
		if err != nil {
			t.Fatalf("%s: reopen: %v", name, err)
		}
		err = db.Read(ctx, func(tx *Tx) error {
			if mode, err := tx.JournalMode(); err != nil || mode != "wal" {
				return fmt.Errorf("journal mode = %q (%w)", mode, err)
			}
			_, err := tx.GetOrganization(org.ID)
			return err
		})
		db.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func TestWriteIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	org := addOrg(t, db, "free")
	boom := errors.New("boom")
	err := db.Write(ctx, func(tx *Tx) error {
		if err := tx.InsertDataset(&Dataset{ID: NewID("ds"), OrganizationID: org.ID, Name: "a", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.RenameOrganization(org.ID, "renamed"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	err = db.Read(ctx, func(tx *Tx) error {
		items, _, err := tx.ListDatasets(org.ID, Page{})
		if err != nil {
			return err
		}
		o, err := tx.GetOrganization(org.ID)
		if err != nil {
			return err
		}
		if len(items) != 0 || o.Name != "Org" {
			return fmt.Errorf("a failed transaction left %d datasets and name %q", len(items), o.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeletingAnOrganizationCascades(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	org := addOrg(t, db, "enterprise")
	keep := addOrg(t, db, "enterprise")
	err := db.Write(ctx, func(tx *Tx) error {
		u := &User{ID: NewID("usr"), Email: "a@example.com", CreatedAt: t0}
		if err := tx.InsertUser(u); err != nil {
			return err
		}
		for _, o := range []*Organization{org, keep} {
			if err := tx.InsertMember(&Member{ID: NewID("mem"), OrganizationID: o.ID, UserID: u.ID, Role: "owner", JoinedAt: t0}); err != nil {
				return err
			}
			sa := &OrgUser{ID: NewID("sa"), OrganizationID: o.ID, Kind: KindServiceAccount, Email: "bot@example.com", CreatedAt: t0}
			if err := tx.InsertOrgUser(sa); err != nil {
				return err
			}
			scope := "api-key"
			if err := tx.InsertAPIToken(&APIToken{ID: NewID("tok"), OrganizationID: o.ID, Name: "t", ServiceAccountID: &sa.ID, Scope: &scope,
				SecretHash: []byte("h"), ExpiresIn: "never", CreatedAt: t0, CreatedBy: &u.ID}); err != nil {
				return err
			}
			if err := tx.InsertInvitation(&Invitation{ID: NewID("inv"), OrganizationID: o.ID, Email: "b@example.com", Role: "viewer",
				LinkHash: []byte(o.ID), SentAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
				return err
			}
			if err := tx.InsertOAuthClient(&OAuthClient{ID: NewID("oc"), OrganizationID: o.ID, Name: "c", ClientID: "aic_" + o.ID,
				SecretHash: []byte("h"), Enabled: true, CreatedAt: t0}); err != nil {
				return err
			}
			if err := tx.PutIdempotencyRecord(&IdempotencyRecord{OrganizationID: o.ID, Key: "k", Fingerprint: []byte("f"), Status: 201,
				Body: []byte("{}"), CreatedAt: t0}, t0.Add(-time.Hour)); err != nil {
				return err
			}
		}
		return tx.DeleteOrganization(org.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(tx *Tx, table, orgID string) int {
		var n int
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE organization_id = ?`, orgID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	err = db.Read(ctx, func(tx *Tx) error {
		for _, table := range []string{"members", "org_users", "api_tokens", "invitations", "oauth_clients", "idempotency_keys"} {
			if n := count(tx, table, org.ID); n != 0 {
				t.Errorf("%s: %d rows of the deleted organization", table, n)
			}
			if n := count(tx, table, keep.ID); n != 1 {
				t.Errorf("%s: %d rows of the other organization, want 1", table, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEmailIsUniqueAmongAnOrganizationsUsers(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	org := addOrg(t, db, "enterprise")
	other := addOrg(t, db, "enterprise")
	insert := func(orgID, kind, email string) error {
		return db.Write(ctx, func(tx *Tx) error {
			return tx.InsertOrgUser(&OrgUser{ID: NewID("x"), OrganizationID: orgID, Kind: kind, Email: email, CreatedAt: t0})
		})
	}
	if err := insert(org.ID, KindServiceAccount, "bot@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := insert(org.ID, KindManagedUser, "BOT@example.com"); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("same email, other kind, other case: err = %v, want ErrDuplicate", err)
	}
	if err := insert(other.ID, KindManagedUser, "bot@example.com"); err != nil {
		t.Fatalf("same email in another organization: %v", err)
	}
	// Emails compare by their key (NFC after Unicode full case folding), not by ASCII case alone.
	if err := insert(org.ID, KindServiceAccount, "jos\u00e9@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, twin := range []string{"JOS\u00c9@example.com", "jose\u0301@example.com", "JOSE\u0301@EXAMPLE.COM"} {
		if err := insert(org.ID, KindManagedUser, twin); !errors.Is(err, ErrDuplicate) {
			t.Errorf("%q after jos\u00e9@example.com: err = %v, want ErrDuplicate", twin, err)
		}
	}
	err := db.Read(ctx, func(tx *Tx) error {
		u, err := tx.GetOrgUserByEmail(org.ID, "JOSE\u0301@example.com")
		if err == nil && u.Email != "jos\u00e9@example.com" {
			err = fmt.Errorf("found %q", u.Email)
		}
		return err
	})
	if err != nil {
		t.Errorf("reading by a twin of the email: %v", err)
	}
}

func TestUsersAreUniqueByEmailKey(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	insert := func(email string) error {
		return db.Write(ctx, func(tx *Tx) error {
			return tx.InsertUser(&User{ID: NewID("usr"), Email: email, CreatedAt: t0})
		})
	}
	if err := insert("stra\u00dfe@example.de"); err != nil {
		t.Fatal(err)
	}
	if err := insert("STRASSE@example.de"); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("STRASSE after stra\u00dfe: err = %v, want ErrDuplicate", err)
	}
}

func TestMigrationsWithOneNumberAreRefused(t *testing.T) {
	files := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER) STRICT;")},
		"migrations/0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER) STRICT;")},
		"migrations/0002_c.sql": {Data: []byte("CREATE TABLE c (x INTEGER) STRICT;")},
	}
	db := openMemory(t)
	err := db.migrate(context.Background(), files)
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql and 0002_c.sql have the same number") {
		t.Fatalf("migrating with two migrations numbered 2: %v", err)
	}
}

func TestKeysetPagesNeverSkipOrRepeat(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	org := addOrg(t, db, "free")
	add := func(name string) {
		t.Helper()
		if err := db.Write(ctx, func(tx *Tx) error {
			return tx.InsertDataset(&Dataset{ID: NewID("ds"), OrganizationID: org.ID, Name: name, CreatedAt: t0})
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		add(fmt.Sprint(i))
	}
	var got []string
	p := Page{Limit: 2}
	for pages := 0; ; pages++ {
		var items []*Dataset
		var next int64
		if err := db.Read(ctx, func(tx *Tx) (err error) {
			items, next, err = tx.ListDatasets(org.ID, p)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, d := range items {
			got = append(got, d.Name)
		}
		if pages == 0 {
			add("late") // written while a client pages: it shows up at the end, nothing shifts
		}
		if next == 0 {
			break
		}
		p.After = next
	}
	want := "[0 1 2 3 4 late]"
	if fmt.Sprint(got) != want {
		t.Fatalf("pages = %v, want %s", got, want)
	}
}

func TestIdempotencyRecordsExpire(t *testing.T) {
	ctx := context.Background()
	db := openMemory(t)
	org := addOrg(t, db, "free")
	put := func(key string, at time.Time) {
		t.Helper()
		if err := db.Write(ctx, func(tx *Tx) error {
			return tx.PutIdempotencyRecord(&IdempotencyRecord{OrganizationID: org.ID, Key: key, Fingerprint: []byte("f"), Status: 201,
				Body: []byte(`{"id":"x"}`), CreatedAt: at}, at.Add(-24*time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
	}
	put("old", t0)
	get := func(key string, notBefore time.Time) error {
		return db.Read(ctx, func(tx *Tx) error {
			_, err := tx.GetIdempotencyRecord(org.ID, key, notBefore)
			return err
		})
	}
	if err := get("old", t0.Add(-24*time.Hour)); err != nil {
		t.Fatalf("fresh record: %v", err)
	}
	if err := get("old", t0.Add(time.Second)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired record: err = %v, want ErrNotFound", err)
	}
	// A later write purges it, and the key can be stored again.
	put("new", t0.Add(25*time.Hour))
	put("old", t0.Add(25*time.Hour))
	if err := get("old", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestWritesReferringToMissingRowsAreErrGone(t *testing.T) {
	db := openMemory(t)
	err := db.Write(context.Background(), func(tx *Tx) error {
		return tx.InsertDataset(&Dataset{ID: NewID("ds"), OrganizationID: "org_missing", Name: "d", CreatedAt: t0})
	})
	if !errors.Is(err, ErrGone) {
		t.Fatalf("err = %v, want ErrGone", err)
	}
}

// TestMigratingTwinEmailsFailsNamingTheIndex: a database made before emails compared by their key
// that holds two accounts whose emails are one address under it cannot take the unique index; the
// migration fails, naming it, and changes nothing.
func TestMigratingTwinEmailsFailsNamingTheIndex(t *testing.T) {
	ctx := context.Background()
	before := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_list_indexes.sql"} {
		data, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		before["migrations/"+name] = &fstest.MapFile{Data: data}
	}
	drv, err := newDriver()
	if err != nil {
		t.Fatal(err)
	}
	writer := sql.OpenDB(connector{drv: drv, dsn: "file:" + filepath.Join(t.TempDir(), "old.db") + "?_foreign_keys=1&_txlock=immediate"})
	writer.SetMaxOpenConns(1)
	t.Cleanup(func() { writer.Close() })
	db := &DB{writer: writer}
	if err := db.migrate(ctx, before); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"jos\u00e9@example.com", "JOS\u00c9@example.com"} {
		if _, err := writer.ExecContext(ctx, `INSERT INTO users (id, email, created_at) VALUES (?, ?, 0)`, NewID("usr"), email); err != nil {
			t.Fatalf("inserting %s under the old rule: %v", email, err)
		}
	}
	err = db.migrate(ctx, migrationFiles)
	if err == nil || !strings.Contains(err.Error(), "users_by_email_key") {
		t.Fatalf("migrating twins: %v, want a failure naming users_by_email_key", err)
	}
}
