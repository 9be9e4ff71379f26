// Package storetest lets tests look at every row of an alien-local database (internal/localapi/store):
// which tables there are, how many rows one holds, every value it holds (to prove that a secret
// is not stored), and how many rows were ever changed (to prove that a request wrote nothing).
// Only tests import it.
package storetest

import (
	"context"
	"fmt"
	"slices"

	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/store"
)

// Tables lists the database's tables, by name.
func Tables(tx *store.Tx) ([]string, error) {
	rows, err := tx.SQL().Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// checkTable fails unless the database has a table of that name (which is then safe to quote
// into a query).
func checkTable(tx *store.Tx, table string) error {
	tables, err := Tables(tx)
	if err != nil {
		return err
	}
	if !slices.Contains(tables, table) {
		return fmt.Errorf("storetest: no table %q", table)
	}
	return nil
}

// DumpTable returns every value of every row of a table, as text (blobs as raw bytes; NULLs
// left out).
func DumpTable(tx *store.Tx, table string) ([]string, error) {
	if err := checkTable(tx, table); err != nil {
		return nil, err
	}
	rows, err := tx.SQL().Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, v := range vals {
			switch v := v.(type) {
			case nil:
			case []byte:
				out = append(out, string(v))
			default:
				out = append(out, fmt.Sprint(v))
			}
		}
	}
	return out, rows.Err()
}

// CountRows counts the rows of a table.
func CountRows(tx *store.Tx, table string) (int, error) {
	if err := checkTable(tx, table); err != nil {
		return 0, err
	}
	var n int
	err := tx.SQL().QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n)
	return n, err
}

// TotalChanges is the number of rows changed through db's writer connection since it was opened.
func TotalChanges(ctx context.Context, db *store.DB) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.SQL().QueryRowContext(ctx, `SELECT total_changes()`).Scan(&n)
	})
	return n, err
}
