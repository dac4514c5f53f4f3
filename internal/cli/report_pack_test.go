package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/storetest"
)

// packData are the bundled files a Lambeth pack for September 2024 needs:
// boundaries, census populations, the month's Met searches and the ward
// crime counts (for precision). Fewer than the whole demo, so the test
// imports in seconds.
var packData = []string{
	"../../data/boundaries/london-lad22.geojson.gz",
	"../../data/boundaries/london-wards-2022.geojson.gz",
	"../../data/census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
	"../../data/census/london-ward2022-census2021-ethnic-group-19cat.csv.gz",
	apiFile,
	"../../data/crime/MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz",
}

// The pack carries the same searches, rates and intervals as the
// disproportionality report for the area and month, in the HTML and in the
// text of the PDF Chromium prints from it.
func TestReportPack(t *testing.T) {
	db := storetest.DSN(t)
	if code, _, stderr := run(t, append([]string{"--db", db, "import", "--quiet"}, packData...)...); code != ExitOK {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	const area, month = "E09000022", "2024-09"
	code, out, stderr := run(t, "--db", db, "report", "disproportionality", "--area", area, "--from", month, "--to", month, "--format", "json")
	if code != ExitOK {
		t.Fatalf("report disproportionality exit %d: %s", code, stderr)
	}
	var rep report.Disproportionality
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Searches < 100 || len(rep.Rows) < 5 {
		t.Fatalf("the report has too little to compare: %d searches, %d rows", rep.Searches, len(rep.Rows))
	}
	// expect is each group's line as the pack writes it, the figures as
	// charter.Figure writes them on the pages and in the CLI's tables:
	// group, searches, residents, rate, its interval, the ratio to White and
	// its interval.
	expect := map[string][]string{}
	for _, r := range rep.Rows {
		if r.Population == nil {
			continue // "not stated": no rate to compare
		}
		cells := []string{r.Group, charter.Thousands(r.Searches), charter.Thousands(*r.Population), r.Rate.String(), r.Rate.Interval()}
		if r.Ratio.HasValue() && !r.Reference {
			cells = append(cells, r.Ratio.String())
			if r.Ratio.HasInterval() {
				cells = append(cells, r.Ratio.Interval())
			}
		}
		expect[r.Group] = cells
	}
	if len(expect) < 5 {
		t.Fatalf("expected five groups with population, got %v", expect)
	}
	// check finds each group's line in text (one line per table row) and
	// its figures on it in order.
	check := func(t *testing.T, text string) {
		t.Helper()
		lines := strings.Split(text, "\n")
		for g, cells := range expect {
			found := false
			for _, l := range lines {
				l = strings.Join(strings.Fields(l), " ")
				if !strings.HasPrefix(l, g+" ") {
					continue
				}
				rest, ok := l, true
				for _, c := range cells {
					i := strings.Index(rest, c)
					if i < 0 {
						ok = false
						break
					}
					rest = rest[i+len(c):]
				}
				if ok {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("no line for %s with %q in the pack:\n%s", g, cells, text)
			}
		}
		total := "searched people " + charter.Thousands(rep.Searches) + " times in Lambeth"
		if !strings.Contains(strings.Join(strings.Fields(text), " "), total) {
			t.Errorf("the pack does not say %q", total)
		}
		for _, title := range []string{"Where the searches were", "Searching and weapon crime", "What people searched told us",
			"Authorisations to search without suspicion", "Planned focused searching"} {
			if !strings.Contains(text, title) {
				t.Errorf("the pack has no part %q", title)
			}
		}
	}
	dir := t.TempDir()

	t.Run("html", func(t *testing.T) {
		file := filepath.Join(dir, "lambeth.html")
		if code, _, stderr := run(t, "--db", db, "report", "pack", "--area", area, "--month", month, "--format", "html", "-o", file); code != ExitOK {
			t.Fatalf("report pack exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		for _, want := range []string{"<title>Stop and search in Lambeth: September 2024</title>", "<svg", "@page", "</html>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the HTML pack has no %q", want)
			}
		}
		// Self-contained: nothing fetched when printed or opened offline.
		if m := regexp.MustCompile(`(?i)<(script|link|img)\b|src=|https?://[^"\s]*\.(css|js)`).FindString(page); m != "" {
			t.Errorf("the HTML pack fetches something: %q", m)
		}
		// One table row per line, cells in order, as the PDF's text has it.
		text := regexp.MustCompile(`</tr>`).ReplaceAllString(page, "\n")
		text = regexp.MustCompile(`(?s)<svg.*?</svg>|<[^>]+>`).ReplaceAllString(text, " ")
		text = strings.ReplaceAll(text, "&#39;", "'")
		check(t, text)
	})

	t.Run("pdf", func(t *testing.T) {
		if _, err := os.Stat("/usr/bin/chromium"); err != nil {
			t.Fatalf("the PDF pack needs Debian's chromium (apt-get install chromium): %v", err)
		}
		pdftotext, err := exec.LookPath("pdftotext")
		if err != nil {
			t.Fatalf("reading the PDF back needs pdftotext (apt-get install poppler-utils): %v", err)
		}
		file := filepath.Join(dir, "lambeth.pdf")
		if code, _, stderr := run(t, "--db", db, "report", "pack", "--area", area, "--month", month, "--format", "pdf", "-o", file); code != ExitOK {
			t.Fatalf("report pack --format pdf exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "%PDF-") {
			t.Fatalf("not a PDF: %q", b[:min(len(b), 20)])
		}
		txt, err := exec.Command(pdftotext, "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		check(t, string(txt))
	})

	t.Run("refusals", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--month", month, "-o", "x"}, "--area is required"},
			{[]string{"--area", area, "-o", "x"}, "--month is required"},
			{[]string{"--area", area, "--month", month}, "-o is required"},
			{[]string{"--area", area, "--month", "Sept", "-o", "x"}, "--month \"Sept\""},
			{[]string{"--area", area, "--month", month, "--format", "doc", "-o", "x"}, "want html or pdf"},
			{[]string{"--area", "E01000001", "--month", month, "-o", filepath.Join(dir, "x")}, ""},
		} {
			code, _, stderr := run(t, append([]string{"--db", db, "report", "pack"}, c.args...)...)
			if code == ExitOK || !strings.Contains(stderr, c.want) {
				t.Errorf("report pack %v: exit %d, %s", c.args, code, stderr)
			}
		}
	})
}
