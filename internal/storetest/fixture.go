package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stopsearch/charter/internal/store"
)

// Build fills a fixture's store, typically by importing real bundled files.
type Build func(ctx context.Context, s *store.Store) error

// A fixture is a database built once per test process and then copied for
// each test that asks for it: on SQLite the closed database file, on
// PostgreSQL a database used as the template of each copy (CREATE DATABASE
// … TEMPLATE). The copy is the same database the build would leave, so a
// test may write to it freely; only the time of the build is shared.
type fixture struct {
	once sync.Once
	err  error
	file string // SQLite: the built database
	db   string // PostgreSQL: the template database's name

	shareOnce sync.Once
	shareErr  error
	shared    *store.Store // Shared's copy, open until the process ends
}

var fixtures struct {
	sync.Mutex
	main    bool // Main is running the tests
	dir     string
	byName  map[string]*fixture
	created []string // PostgreSQL template databases to drop at the end
	copyMu  sync.Mutex
}

// Main runs a package's tests (call it from TestMain) and then removes the
// fixtures they built. Fixture refuses to build without it, so that no
// template database outlives the test process. The command line keeps a
// PostgreSQL database's read model in the user's cache directory: the tests
// get a temporary one, removed after them too.
func Main(m *testing.M) int {
	cache, err := os.MkdirTemp("", "charter-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	defer os.RemoveAll(cache)
	os.Setenv("XDG_CACHE_HOME", cache)
	fixtures.Lock()
	fixtures.main = true
	fixtures.Unlock()
	code := m.Run()
	fixtures.Lock()
	defer fixtures.Unlock()
	for _, f := range fixtures.byName {
		if f.shared != nil {
			f.shared.Close()
		}
	}
	if fixtures.dir != "" {
		os.RemoveAll(fixtures.dir)
	}
	if len(fixtures.created) > 0 {
		if admin, err := sql.Open("pgx", os.Getenv("CHARTER_TEST_DATABASE")); err == nil {
			for _, db := range fixtures.created {
				admin.Exec(`DROP DATABASE IF EXISTS ` + db + ` WITH (FORCE)`)
			}
			admin.Close()
		}
	}
	return code
}

// Fixture returns the data source name of a fresh copy of the fixture
// called name, removed at the end of the test. The first call in the
// process builds the fixture with build on an empty store; later calls
// with the same name copy it (build must then describe the same data: the
// name is the fixture's identity).
func Fixture(t testing.TB, name string, build Build) string {
	t.Helper()
	f := lookup(t, name, build)
	if f.file != "" {
		dst := filepath.Join(t.TempDir(), "charter.db")
		if err := copyDB(f.file, dst); err != nil {
			t.Fatalf("copy the %s fixture: %v", name, err)
		}
		return dst
	}
	return f.copyPostgres(t)
}

// lookup returns the fixture called name, built.
func lookup(t testing.TB, name string, build Build) *fixture {
	t.Helper()
	fixtures.Lock()
	if !fixtures.main {
		fixtures.Unlock()
		t.Fatal("storetest fixtures need the package's TestMain to run storetest.Main")
	}
	if fixtures.byName == nil {
		fixtures.byName = map[string]*fixture{}
	}
	f := fixtures.byName[name]
	if f == nil {
		f = &fixture{}
		fixtures.byName[name] = f
	}
	fixtures.Unlock()
	f.once.Do(func() { f.err = f.build(name, build) })
	if f.err != nil {
		t.Fatalf("build the %s fixture: %v", name, f.err)
	}
	return f
}

// OpenFixture opens a store on a fresh copy of the fixture called name (see
// Fixture), closed at the end of the test.
func OpenFixture(t testing.TB, name string, build Build) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), Fixture(t, name, build))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Shared returns a store on a copy of the fixture called name (see
// Fixture) that every caller in the process shares and that stays open
// until the process ends: for tests that only read. A test that writes
// must take its own copy with OpenFixture.
func Shared(t testing.TB, name string, build Build) *store.Store {
	t.Helper()
	f := lookup(t, name, build)
	f.shareOnce.Do(func() {
		var dsn string
		if f.file != "" {
			dsn = f.file + ".shared"
			if f.shareErr = copyDB(f.file, dsn); f.shareErr != nil {
				return
			}
		} else {
			db := randomName("charter_shared")
			dsn, f.shareErr = f.copyPostgresAs(db)
			if f.shareErr != nil {
				return
			}
			fixtures.Lock()
			fixtures.created = append(fixtures.created, db)
			fixtures.Unlock()
		}
		f.shared, f.shareErr = store.Open(context.Background(), dsn)
	})
	if f.shareErr != nil {
		t.Fatalf("open the shared copy of the %s fixture: %v", name, f.shareErr)
	}
	return f.shared
}

func (f *fixture) build(name string, build Build) error {
	ctx := context.Background()
	base := os.Getenv("CHARTER_TEST_DATABASE")
	var dsn string
	if base == "" || !store.IsPostgres(base) {
		fixtures.Lock()
		if fixtures.dir == "" {
			dir, err := os.MkdirTemp("", "charter-fixtures-")
			if err != nil {
				fixtures.Unlock()
				return err
			}
			fixtures.dir = dir
		}
		dir := fixtures.dir
		fixtures.Unlock()
		f.file = filepath.Join(dir, randomName("fixture")+".db")
		dsn = f.file
	} else {
		f.db = randomName("charter_fixture")
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return err
		}
		defer admin.Close()
		if _, err := admin.Exec(`CREATE DATABASE ` + f.db); err != nil {
			return fmt.Errorf("create the fixture database on %s: %w", base, err)
		}
		fixtures.Lock()
		fixtures.created = append(fixtures.created, f.db)
		fixtures.Unlock()
		if dsn, err = withDatabase(base, f.db); err != nil {
			return err
		}
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if err := build(ctx, s); err != nil {
		s.Close()
		return err
	}
	// Closed, the SQLite file holds everything (the log is checkpointed
	// into it), and no session holds the PostgreSQL template open.
	return s.Close()
}

// copyPostgres creates a database from the template, dropped at the end
// of the test, and returns its DSN.
func (f *fixture) copyPostgres(t testing.TB) string {
	t.Helper()
	db := randomName("charter_test")
	dsn, err := f.copyPostgresAs(db)
	if err != nil {
		t.Fatalf("copy the fixture database %s: %v", f.db, err)
	}
	t.Cleanup(func() {
		if admin, err := sql.Open("pgx", os.Getenv("CHARTER_TEST_DATABASE")); err == nil {
			admin.Exec(`DROP DATABASE IF EXISTS ` + db + ` WITH (FORCE)`)
			admin.Close()
		}
	})
	return dsn
}

// copyPostgresAs creates the database db from the template.
func (f *fixture) copyPostgresAs(db string) (string, error) {
	base := os.Getenv("CHARTER_TEST_DATABASE")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	// A template must have no other session while it is copied; copies of
	// the same template wait for each other.
	fixtures.copyMu.Lock()
	_, err = admin.Exec(`CREATE DATABASE ` + db + ` TEMPLATE ` + f.db)
	fixtures.copyMu.Unlock()
	if err != nil {
		return "", err
	}
	return withDatabase(base, db)
}

// withDatabase is the URL base with its database replaced by db (and no
// search_path: a fixture's tables are in the database's public schema).
func withDatabase(base, db string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + db
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// copyDB copies a closed SQLite database (with its log, if any is left).
func copyDB(src, dst string) error {
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(src+suffix, dst+suffix); err != nil {
			if suffix != "" && os.IsNotExist(err) {
				continue
			}
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func randomName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}
