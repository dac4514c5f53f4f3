package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
	"github.com/stopsearch/charter/internal/training"
)

// trainingSearches stores first-hand searches in Lambeth: pc.a's two in
// January 2025 (no arrest) and three in March (two arrests), and pc.b's
// four in March (one arrest).
func trainingSearches(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	add := func(name string, when time.Time, outcome string) {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		r := recordtest.Routine(when)
		r.Reference, r.Force, r.OfficerID, r.Outcome = fmt.Sprintf("T-%d", n), "metropolitan", u.ID, outcome
		if _, _, err := st.InsertRecord(ctx, store.ActorOf(u), "", store.NewRecord{Record: r, Borough: "E09000022", Ward: recordtest.BrixtonWard,
			ReceiptHash: fmt.Sprintf("t%d", n), ReceiptExpires: when.AddDate(0, 1, 0)}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	jan, mar := time.Date(2025, 1, 10, 15, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 15, 0, 0, 0, time.UTC)
	add("pc.a", jan, "A no further action disposal")
	add("pc.a", jan.AddDate(0, 0, 1), "A no further action disposal")
	add("pc.a", mar, "Arrest")
	add("pc.a", mar.AddDate(0, 0, 1), "Arrest")
	add("pc.a", mar.AddDate(0, 0, 2), "A no further action disposal")
	for i := range 4 {
		outcome := "A no further action disposal"
		if i == 0 {
			outcome = "Arrest"
		}
		add("pc.b", mar.AddDate(0, 0, i), outcome)
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func trainingReport(t *testing.T, db string) training.Report {
	t.Helper()
	code, out, stderr := run(t, "--db", db, "report", "training", "--course", "Procedural justice", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report training: exit %d\n%s", code, stderr)
	}
	var r training.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err, out)
	}
	return r
}

// TestTrainingImportChangesReport: an import with errors names the file,
// line and field of each and stores nothing; a good one changes the
// training report.
func TestTrainingImportChangesReport(t *testing.T) {
	t.Setenv("USER", "ops")
	db := storetest.DSN(t)
	for _, u := range []string{"pc.a", "pc.b", "pc.c"} {
		if code, _, stderr := run(t, "--db", db, "user", "add", u, "--role", "officer", "--force", "metropolitan"); code != ExitOK {
			t.Fatal(stderr)
		}
	}
	if code, _, stderr := run(t, "--db", db, "user", "add", "analyst.1", "--role", "analyst"); code != ExitOK {
		t.Fatal(stderr)
	}
	trainingSearches(t, db)

	bad := writeFile(t, "bad.csv", "officer,course,date\npc.c,Procedural justice,2025-02-15\npc.a,Procedural justice,15/02/2025\npc.nobody,Procedural justice,2025-02-15\nanalyst.1,Procedural justice,2025-02-15\n")
	code, _, stderr := run(t, "--db", db, "training", "import", bad, "--new-courses")
	for _, want := range []string{bad + ":3: date:", bad + ":4: officer:", `no user called "pc.nobody"`, bad + ":5: officer:", "nothing was imported"} {
		if code == ExitOK || !strings.Contains(stderr, want) {
			t.Errorf("a bad import: exit %d, want %q in\n%s", code, want, stderr)
		}
	}
	if strings.Contains(stderr, ":2:") {
		t.Errorf("the good line is blamed:\n%s", stderr)
	}
	if _, out, _ := run(t, "--db", db, "training", "courses"); strings.Contains(out, "Procedural justice") {
		t.Errorf("a failed import created its course:\n%s", out)
	}
	unknown := writeFile(t, "unknown.csv", "officer,course,date\npc.c,Procedural justice,2025-02-15\n")
	if code, _, stderr := run(t, "--db", db, "training", "import", unknown); code == ExitOK || !strings.Contains(stderr, unknown+":2: course:") {
		t.Errorf("an unknown course without --new-courses: exit %d\n%s", code, stderr)
	}

	// pc.c is trained first: they searched no one, so nothing is compared.
	if code, out, stderr := run(t, "--db", db, "training", "import", unknown, "--new-courses"); code != ExitOK || !strings.Contains(out, "imported 1 completion") {
		t.Fatalf("import: exit %d\n%s%s", code, out, stderr)
	}
	r1 := trainingReport(t, db)
	if r1.Trained != 1 || r1.Comparisons[0].B.Searches != 0 || r1.Comparisons[1].A.Searches != 0 {
		t.Errorf("before pc.a's training: %+v", r1)
	}
	// The command line counts complaints and review scores, as the site does.
	if len(r1.Notes) != 0 {
		t.Errorf("notes: %v", r1.Notes)
	}

	// pc.a trained on 15 February 2025: two searches before, three after;
	// pc.b, untrained, searched four times in Lambeth in March.
	good := writeFile(t, "good.csv", "date,officer,course\n2025-02-15,pc.a,Procedural justice\n2025-02-15,pc.c,Procedural justice\n")
	if code, out, stderr := run(t, "--db", db, "training", "import", good); code != ExitOK || !strings.Contains(out, "imported 1 completion") || !strings.Contains(out, "1 was already") {
		t.Fatalf("import: exit %d\n%s%s", code, out, stderr)
	}
	r2 := trainingReport(t, db)
	ba, tu := r2.Comparisons[0], r2.Comparisons[1]
	if r2.Trained != 2 || ba.A.Searches != 2 || ba.B.Searches != 3 || tu.A.Searches != 4 || tu.A.Officers != 1 || tu.B.Searches != 3 {
		t.Fatalf("after pc.a's training: %+v", r2)
	}
	arrest := ba.Measures[0]
	if arrest.Name != "arrest rate" || arrest.A.Count != 0 || arrest.B.Count != 2 || arrest.B.Of != 3 || !arrest.B.Estimate.HasInterval() || arrest.B.Estimate.Lower <= 0 {
		t.Errorf("arrest rate before and after: %+v", arrest)
	}
	if !strings.HasPrefix(arrest.Verdict, "The data cannot tell whether the arrest rate of trained officers after training differs from that of the same officers before training") {
		t.Errorf("verdict with five searches: %q", arrest.Verdict)
	}
	if ua := tu.Measures[0]; ua.A.Count != 1 || ua.A.Of != 4 || !ua.Ratio.HasValue() || ua.Ratio.Value < 2.6 || ua.Ratio.Value > 2.7 {
		t.Errorf("arrest rate trained against untrained: %+v", ua)
	}
	if code, out, _ := run(t, "--db", db, "report", "training", "--course", "Procedural justice"); code != ExitOK ||
		!strings.Contains(out, "Training report: Procedural justice (2 officers trained)") || !strings.Contains(out, "66.7%") || !regexp.MustCompile(`complaints per 100 searches +0\.00 \(0\.00–184\.44; 0 of 2\)`).MatchString(out) {
		t.Errorf("the table: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, "--db", db, "report", "training", "--course", "Procedural justice", "--format", "csv"); code != ExitOK || strings.Count(out, "\n") != 11 {
		t.Errorf("the csv: exit %d\n%s", code, out)
	}
	if code, _, stderr := run(t, "--db", db, "report", "training", "--course", "Nothing"); code == ExitOK || !strings.Contains(stderr, `no course called "Nothing"`) {
		t.Errorf("an unknown course: exit %d %s", code, stderr)
	}
}

// FuzzReadCompletions: any file is read without a panic; rows come with
// the line they stand on, after the header's.
func FuzzReadCompletions(f *testing.F) {
	for _, s := range []string{"officer,course,date\npc.a,PJ,2025-01-01\n", "date,officer,course\n\n2025-01-01,pc.a,\"P,J\"\n", "officer\n", "", "\ufeffofficer,course,date\r\na,b,c\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		rows, err := readCompletions(p)
		if err != nil && len(rows) > 0 {
			t.Errorf("rows with an error: %v", err)
		}
		for _, r := range rows {
			if r.Line < 2 {
				t.Errorf("a row on line %d", r.Line)
			}
		}
	})
}
