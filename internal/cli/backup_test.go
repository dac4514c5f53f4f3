package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// charter backup writes a copy that status reads as the original, refuses
// to overwrite a file, refuses a store that is not there, and on
// PostgreSQL names pg_dump.
func TestBackupCommand(t *testing.T) {
	db := storetest.DSN(t)
	if code, _, stderr := run(t, "--db", db, "import", apiFile); code != ExitOK {
		t.Fatalf("import exit %d:\n%s", code, stderr)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	code, out, stderr := run(t, "--db", db, "backup", copyPath)
	if store.IsPostgres(db) {
		if code != ExitUsage || !strings.Contains(stderr, "pg_dump --format=custom") || !strings.Contains(stderr, "pg_restore") {
			t.Fatalf("backup of PostgreSQL: exit %d\n%s", code, stderr)
		}
		return
	}
	if code != ExitOK || !strings.Contains(out, "backed up") {
		t.Fatalf("backup exit %d:\n%s%s", code, out, stderr)
	}
	_, orig, _ := run(t, "--db", db, "status", "--json")
	code, copied, _ := run(t, "--db", copyPath, "status", "--json")
	if code != ExitOK || copied != orig || !strings.Contains(copied, `"count": 3253`) && !strings.Contains(copied, `"count":3253`) {
		t.Errorf("status of the copy (exit %d) differs from the original's:\n%s\n%s", code, copied, orig)
	}
	if code, _, stderr := run(t, "--db", db, "backup", copyPath); code != ExitUsage || !strings.Contains(stderr, "never overwrites") {
		t.Errorf("backup over an existing file: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "--db", filepath.Join(t.TempDir(), "none.db"), "backup", filepath.Join(t.TempDir(), "x.db")); code != ExitNotFound {
		t.Errorf("backup of a missing store: exit %d\n%s", code, stderr)
	}
	if code, _, _ := run(t, "--db", db, "backup"); code != ExitUsage {
		t.Errorf("backup without a path: exit %d", code)
	}
}
