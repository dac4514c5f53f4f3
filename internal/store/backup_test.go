package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// A backup of a store with data opens as a store holding the same rows, a
// second backup to the same file is refused, and PostgreSQL is told to use
// pg_dump.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{
		"boundaries/london-lad22.geojson.gz", "census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
		"police-uk/stops-force-metropolitan-2024-09.json.gz"})
	if err != nil || importer.Summarise(rs).Refused > 0 {
		t.Fatalf("import: %v %+v", err, rs)
	}
	if st.Dialect() == store.Postgres {
		err := st.Backup(ctx, filepath.Join(t.TempDir(), "copy.db"))
		if charter.ErrorCode(err) != charter.EINVALID || !strings.Contains(charter.ErrorMessage(err), "pg_dump") {
			t.Fatalf("backup of PostgreSQL: %v, want a message naming pg_dump", err)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	for _, table := range []string{"imports", "stops", "stop_batches", "areas", "vocab", "population", "crime_counts", "street_crimes", "schema_migrations"} {
		var a, b int
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&a); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if err := cp.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&b); err != nil {
			t.Fatalf("%s in the copy: %v", table, err)
		}
		if a != b {
			t.Errorf("%s: %d rows, %d in the copy", table, a, b)
		}
		if table == "stops" && a == 0 {
			t.Errorf("the store backed up holds no stops")
		}
	}
	before, _ := os.Stat(path)
	if err := st.Backup(ctx, path); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("a backup over an existing file: %v, want a conflict", err)
	}
	if after, _ := os.Stat(path); after.ModTime() != before.ModTime() || after.Size() != before.Size() {
		t.Errorf("the existing file was touched")
	}
}
