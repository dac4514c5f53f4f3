// Package storetest opens a fresh test database: SQLite in a temporary
// directory by default, PostgreSQL when CHARTER_TEST_DATABASE holds a
// postgres:// URL (each test then gets its own schema, dropped afterwards),
// so the same tests run on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/stopsearch/charter/internal/store"
)

// DSN returns a data source name for a fresh, empty database and registers
// its removal with t.Cleanup.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("CHARTER_TEST_DATABASE")
	if base == "" || !store.IsPostgres(base) {
		return filepath.Join(t.TempDir(), "charter.db")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "charter_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a store on a fresh database, closed at the end of the test.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Engine names the engine tests run on, for messages.
func Engine() string {
	if store.IsPostgres(os.Getenv("CHARTER_TEST_DATABASE")) {
		return "postgres"
	}
	return "sqlite"
}

// OpenRaw opens a store on a fresh database and, beside it, a plain
// writable connection to the same database, for tests that change rows
// behind the store's back (as someone with the database's password could).
func OpenRaw(t testing.TB) (*store.Store, *sql.DB) {
	t.Helper()
	dsn := DSN(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, Raw(t, dsn)
}

// Raw opens a plain writable connection to the database dsn names, closed
// at the end of the test.
func Raw(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	driver, name := "pgx", dsn
	if !store.IsPostgres(dsn) {
		driver, name = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
