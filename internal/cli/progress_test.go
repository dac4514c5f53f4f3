package cli

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/storetest"
)

const apiFile2 = "../../data/police-uk/stops-force-metropolitan-2024-10.json.gz"

// Off a terminal an import writes one line per file, with its rows, rate
// and time and the run's progress, and no progress bar; standard output
// stays empty.
func TestImportProgressLines(t *testing.T) {
	db := storetest.DSN(t)
	code, out, stderr := run(t, "--db", db, "import", "--rejects", t.TempDir()+"/r.csv", apiFile, apiFile2)
	if code != ExitOK || out != "" {
		t.Fatalf("exit %d, stdout %q:\n%s", code, out, stderr)
	}
	for _, re := range []string{
		`(?m)^imported  \.\./\.\./data/police-uk/stops-force-metropolitan-2024-09\.json\.gz: 3,253 records stored, 0 rejected \([0-9.]+ s, [0-9,]+ rows/s\); 1 of 2 files, (a few seconds|about [0-9]+ s) left$`,
		`(?m)^imported  \.\./\.\./data/police-uk/stops-force-metropolitan-2024-10\.json\.gz: 3,400 records stored, 0 rejected \([0-9.]+ s, [0-9,]+ rows/s\); 2 of 2 files$`,
		`(?m)^2 sources: 2 imported, 0 unchanged, 0 passed over, 0 refused; 6,653 records stored, 0 rows rejected in [0-9.]+ s$`,
	} {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("no line matching %s in:\n%s", re, stderr)
		}
	}
	if strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("terminal codes off a terminal:\n%q", stderr)
	}
	// A path refused before the run begins has its line, with no run to
	// tell of yet.
	code, _, stderr = run(t, "--db", db, "import", "--rejects", t.TempDir()+"/r.csv", "no/such/file.csv", apiFile)
	if code != ExitRejected || !strings.Contains(stderr, "REFUSED   no/such/file.csv\n          no/such/file.csv: cannot be opened") ||
		strings.Contains(stderr, "0 of 0") || !strings.Contains(stderr, "2024-09.json.gz (already imported); 1 of 1 files\n") {
		t.Errorf("a missing path: exit %d:\n%s", code, stderr)
	}
	// Quiet: the summary only.
	_, _, stderr = run(t, "--db", db, "import", "--quiet", apiFile, apiFile2)
	if strings.Contains(stderr, "unchanged ") || !strings.Contains(stderr, "2 sources: 0 imported, 2 unchanged") {
		t.Errorf("--quiet:\n%s", stderr)
	}
}

// On a terminal the bar is drawn and redrawn under the files' lines, and
// cleared at the end.
func TestImportProgressBar(t *testing.T) {
	st := storetest.Open(t)
	var buf bytes.Buffer
	m := &importer.Meter{}
	d := newDisplay(&buf, m, listAll, 120, true)
	im := &importer.Importer{Store: st, Meter: m, Progress: d.result}
	if _, err := im.Import(context.Background(), apiFile, apiFile2); err != nil {
		t.Fatal(err)
	}
	d.close()
	out := buf.String()
	for _, want := range []string{
		"imported  ../../data/police-uk/stops-force-metropolitan-2024-09.json.gz: 3,253 records stored",
		"% |", "1 of 2 files · 3,253 rows read · ", "\x1b[2K\r",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}
	if !strings.HasSuffix(out, "\x1b[2K\r") {
		t.Errorf("the bar is not cleared at the end: %q", out[max(0, len(out)-80):])
	}
	codes := regexp.MustCompile("\x1b\\[[0-9]*K")
	for _, line := range strings.Split(out, "\r") {
		if line = codes.ReplaceAllString(line, ""); strings.Contains(line, "% |") && len([]rune(line)) >= 120 {
			t.Errorf("the bar fills the terminal's 120 columns: %q", line)
		}
	}
}

func TestDisplayShows(t *testing.T) {
	imported := importer.Result{Rows: 3}
	unchanged := importer.Result{Skipped: true}
	refused := importer.Result{Err: errors.New("bad")}
	passed := importer.Result{Ignored: "outcomes"}
	for _, c := range []struct {
		list                                listing
		imported, unchanged, refused, passd bool
	}{
		{listAll, true, true, true, true},
		{listChanged, true, false, true, true},
		{listRefused, false, false, true, false},
	} {
		d := &display{list: c.list}
		if d.shows(imported) != c.imported || d.shows(unchanged) != c.unchanged || d.shows(refused) != c.refused || d.shows(passed) != c.passd {
			t.Errorf("listing %d: %v %v %v %v", c.list, d.shows(imported), d.shows(unchanged), d.shows(refused), d.shows(passed))
		}
	}
}

func TestProgressWords(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "a few seconds left"},
		{4 * time.Second, "a few seconds left"},
		{12 * time.Second, "about 10 s left"},
		{13 * time.Second, "about 15 s left"},
		{59 * time.Second, "about 60 s left"},
		{61 * time.Second, "about 1 min left"},
		{150 * time.Second, "about 2 min 30 s left"},
		{12*time.Minute + 20*time.Second, "about 12 min left"},
		{75 * time.Minute, "about 1 h 15 min left"},
	} {
		if got := left(c.d); got != c.want {
			t.Errorf("left(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{749 * time.Millisecond, "0.75 s"},
		{3282 * time.Millisecond, "3.3 s"},
		{42400 * time.Millisecond, "42 s"},
		{125 * time.Second, "2 min 05 s"},
	} {
		if got := seconds(c.d); got != c.want {
			t.Errorf("seconds(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	if got := countOf(1760168, "record", "records"); got != "1,760,168 records" {
		t.Errorf("countOf: %q", got)
	}
	if got := countOf(1, "record", "records"); got != "1 record" {
		t.Errorf("countOf: %q", got)
	}

	s := importer.Snapshot{Files: 45, Finished: 9, Source: "crime/MPS_Ward_Level_Crime.csv.gz", Read: 1 << 20, Size: 4 << 20,
		Rows: 612003, Elapsed: 10 * time.Second, Left: 12 * time.Second}
	if got, want := barText(s, 200), "9 of 45 files · 612,003 rows read · 61,200 rows/s · about 10 s left · crime/MPS_Ward_Level_Crime.csv.gz"; got != want {
		t.Errorf("barText:\n got %q\nwant %q", got, want)
	}
	if got, want := barText(s, 101), "9 of 45 files · 612,003 rows read · 61,200 rows/s · about 10 s left · …me/MPS_Ward_Level_Crime.csv.gz"; got != want {
		t.Errorf("barText cut:\n got %q\nwant %q", got, want)
	}
	if got, want := barText(s, 75), "9 of 45 files · 612,003 rows read · 61,200 rows/s · about 10 s left"; got != want {
		t.Errorf("barText without room for the name:\n got %q\nwant %q", got, want)
	}
	if got := barText(importer.Snapshot{}, 80); got != "looking at the files…" {
		t.Errorf("barText before the plan: %q", got)
	}
	if got, want := readingLine(s), "importing crime/MPS_Ward_Level_Crime.csv.gz: 25% read, 612,003 rows so far; 9 of 45 files, about 10 s left"; got != want {
		t.Errorf("readingLine:\n got %q\nwant %q", got, want)
	}
	r := importer.Result{Source: "a.csv", Rows: 290023, Rejects: 1200, Duration: 3282 * time.Millisecond}
	if got, want := resultLine(r), "imported  a.csv: 290,023 records stored, 1,200 rejected (3.3 s, 88,367 rows/s)"; got != want {
		t.Errorf("resultLine:\n got %q\nwant %q", got, want)
	}
	r = importer.Result{Source: "b.csv", Err: charter.Errorf(charter.EINVALID, "b.csv: not a readable file")}
	if got, want := resultLine(r), "REFUSED   b.csv\n          b.csv: not a readable file"; got != want {
		t.Errorf("resultLine:\n got %q\nwant %q", got, want)
	}
}
