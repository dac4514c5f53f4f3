package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

const apiFile = "../../data/police-uk/stops-force-metropolitan-2024-09.json.gz"

// The interfaces other tools rely on: import, status --json, export.
func TestImportStatusExport(t *testing.T) {
	db := storetest.DSN(t)
	dir := t.TempDir()
	rejects := filepath.Join(dir, "rejects.csv")
	code, _, stderr := run(t, "--db", db, "import", "--rejects", rejects, apiFile, "../../data/police-uk/stops-force-metropolitan-2024-10.json.gz")
	if code != ExitOK || !strings.Contains(stderr, "3,253 records stored") {
		t.Fatalf("import exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(rejects); !os.IsNotExist(err) {
		t.Errorf("a rejects report was written for a clean import")
	}
	// Re-import: unchanged, exit 0.
	code, _, stderr = run(t, "--db", db, "import", apiFile)
	if code != ExitOK || !strings.Contains(stderr, "unchanged") {
		t.Fatalf("re-import exit %d:\n%s", code, stderr)
	}

	code, out, _ := run(t, "--db", db, "status", "--json")
	if code != ExitOK {
		t.Fatalf("status exit %d", code)
	}
	var st struct {
		Months []charter.MonthQuality `json:"months"`
		Areas  []json.RawMessage      `json:"areas"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out)
	}
	if len(st.Months) != 2 || st.Months[0].Force != "metropolitan" || st.Months[0].Month != "2024-09" || st.Months[0].Count != 3253 {
		t.Fatalf("status months: %+v", st.Months)
	}
	if len(st.Areas) != 4 {
		t.Errorf("status areas: %d levels", len(st.Areas))
	}
	// Text status names the month and its flags.
	code, out, _ = run(t, "--db", db, "status")
	if code != ExitOK || !strings.Contains(out, "2024-09") || !strings.Contains(out, "not-reported:outcome_linked_to_object_of_search") {
		t.Fatalf("status text:\n%s", out)
	}

	code, out, _ = run(t, "--db", db, "report", "quality", "--from", "2024-10", "--format", "csv")
	if code != ExitOK || strings.Count(out, "\n") != 2 || !strings.Contains(out, "metropolitan,2024-10,3400,") {
		t.Fatalf("report quality:\n%s", out)
	}
	code, out, stderr = run(t, "--db", db, "export", "--format", "police-csv", "--force", "metropolitan", "--month", "2024-09")
	if code != ExitOK {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3254 || strings.Join(recs[0], ",") != strings.Join(charter.PoliceCSVColumns, ",") {
		t.Fatalf("export: %d rows, err %v, header %v", len(recs), err, recs[0])
	}
	// The first API record (see the reference example) in archive spelling.
	found := false
	for _, r := range recs[1:] {
		if r[1] == "2024-09-27T09:45:00+00:00" && r[4] == "51.452468" && r[5] == "0.178992" && r[13] == "False" && r[14] == "False" && r[12] == "A no further action disposal" {
			found = true
		}
	}
	if !found {
		t.Error("the first API record is not in the export in archive spelling")
	}
	code, _, stderr = run(t, "--db", db, "export", "--format", "xml")
	if code != ExitUsage || !strings.Contains(stderr, "police-csv") {
		t.Errorf("bad format: exit %d %s", code, stderr)
	}
}

func TestImportRejectsExitStatus(t *testing.T) {
	db := storetest.DSN(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "2021-06-metropolitan-stop-and-search.csv")
	os.WriteFile(bad, []byte(strings.Join(charter.PoliceCSVColumns, ",")+"\n"+
		"Person search,2021-06-01T10:00:00+00:00,False,,51.5,-0.1,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,\n"+
		"Person search,2021-06-01T10:00:00+00:00,False,,999,-0.1,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,\n"), 0o644)
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("hello, this is not data\n"), 0o644)
	rejects := filepath.Join(dir, "rejects.csv")
	code, _, stderr := run(t, "--db", db, "import", "--rejects", rejects, bad, notes)
	if code != ExitRejected {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitRejected, stderr)
	}
	if !strings.Contains(stderr, "REFUSED") || !strings.Contains(stderr, "notes.txt") || !strings.Contains(stderr, ":3: Latitude") {
		t.Errorf("stderr does not name the refused file and the rejected line:\n%s", stderr)
	}
	b, err := os.ReadFile(rejects)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if len(recs) != 3 || recs[1][0] != notes || recs[2][1] != "3" || recs[2][2] != "Latitude" || recs[2][3] != "999" {
		t.Errorf("rejects report:\n%s", b)
	}
	code, out, _ := run(t, "--db", db, "status", "--json")
	if code != ExitOK || !strings.Contains(out, `"count": 1`) {
		t.Errorf("the valid row was not stored:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := run(t); code != ExitUsage {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, stderr := run(t, "frobnicate"); code != ExitUsage || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, out, _ := run(t, "version"); code != ExitOK || !strings.HasPrefix(out, "charter ") {
		t.Errorf("version: %d %q", code, out)
	}
	db := storetest.DSN(t)
	if code, _, _ := run(t, "--db", db, "import"); code != ExitUsage {
		t.Errorf("import without paths: exit %d", code)
	}
	if code, out, _ := run(t, "--db", db, "migrate"); code != ExitOK || !strings.Contains(out, "0001_init.sql") {
		t.Errorf("migrate: %d %s", code, out)
	}
}

// An archive download also holds outcomes files: they are passed over with a
// note, not refused, and the run succeeds.
func TestOutcomesPassedOver(t *testing.T) {
	db := storetest.DSN(t)
	f := filepath.Join(t.TempDir(), "2023-01-city-of-london-outcomes.csv")
	os.WriteFile(f, []byte("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n"+
		"abc,2023-01,City of London Police,City of London Police,-0.1,51.5,On or near X,E01000001,City of London 001A,Unable to prosecute suspect\n"), 0o644)
	code, _, stderr := run(t, "--db", db, "import", f)
	if code != ExitOK || !strings.Contains(stderr, "passed") || !strings.Contains(stderr, "1 passed over, 0 refused") {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
}

// charter place --check counts the records not placed by the stored
// boundaries (exit 3 if any), charter place places them again, and status
// says which it is.
func TestPlace(t *testing.T) {
	db := storetest.DSN(t)
	if code, _, stderr := run(t, "--db", db, "import", "../../data/boundaries/london-lad22.geojson.gz", "../../data/police-uk/stops-force-metropolitan-2024-10.json.gz"); code != ExitOK {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	code, out, _ := run(t, "--db", db, "place", "--check")
	if code != ExitOK || !strings.Contains(out, "all 3,364 located stops and street crimes are placed") {
		t.Fatalf("place --check on a store imported in order: exit %d: %s", code, out)
	}
	code, out, _ = run(t, "--db", db, "place")
	if code != ExitOK || !strings.Contains(out, "placed 3,364 located stops and street crimes again") || !strings.Contains(out, "0 had been placed otherwise") {
		t.Fatalf("place: exit %d: %s", code, out)
	}
	if code, out, _ = run(t, "--db", db, "status"); code != ExitOK || !strings.Contains(out, "placement: all 3,364") {
		t.Fatalf("status: exit %d: %s", code, out)
	}
}

// Every flag can come from the environment (CHARTER_<FLAG>) or from a file
// the environment names (CHARTER_<FLAG>_FILE, for secrets); the command
// line wins; a _FILE that cannot be read is a clear error.
func TestConfigFromEnv(t *testing.T) {
	db := storetest.DSN(t)
	secret := filepath.Join(t.TempDir(), "database-url")
	if err := os.WriteFile(secret, []byte(db+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHARTER_DATABASE_FILE", secret)
	t.Setenv("CHARTER_FORMAT", "csv")
	if code, _, stderr := run(t, "import", "../../data/police-uk/stops-force-metropolitan-2024-10.json.gz"); code != ExitOK {
		t.Fatalf("import with the database from CHARTER_DATABASE_FILE: exit %d: %s", code, stderr)
	}
	code, out, _ := run(t, "report", "quality")
	if code != ExitOK || !strings.HasPrefix(out, "force,month") || !strings.Contains(out, "metropolitan,2024-10,3400,") {
		t.Fatalf("report quality with CHARTER_FORMAT=csv: exit %d:\n%s", code, out)
	}
	if code, out, _ = run(t, "report", "quality", "--format", "json"); code != ExitOK || !strings.HasPrefix(strings.TrimSpace(out), "[") && !strings.HasPrefix(strings.TrimSpace(out), "{") {
		t.Errorf("the command line does not win over the environment: exit %d:\n%.200s", code, out)
	}
	t.Setenv("CHARTER_FORMAT_FILE", filepath.Join(t.TempDir(), "missing"))
	os.Unsetenv("CHARTER_FORMAT")
	if code, _, stderr := run(t, "report", "quality"); code != ExitUsage || !strings.Contains(stderr, "CHARTER_FORMAT_FILE") {
		t.Errorf("an unreadable CHARTER_FORMAT_FILE: exit %d: %s", code, stderr)
	}
}
