package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"status", "data quality: per force and month counts, located and not-stated shares, flags; boundary and population coverage", runStatus})
}

// Status is the JSON document of `charter status --json`.
type Status struct {
	Months  []charter.MonthQuality     `json:"months"`
	Areas   []store.LevelCoverage      `json:"areas"`
	Crime   []store.CrimeCountCoverage `json:"crime_counts"`
	Imports []store.ImportCount        `json:"imports"`
	// Placement is how the located records stand against the stored
	// boundaries; charter place repairs any misplaced.
	Placement importer.Placement `json:"placement"`
	// FirstHand sets each month of first-hand records beside the same
	// month as published elsewhere (data.police.uk's file, imported later).
	FirstHand []store.Reconciliation `json:"first_hand"`
	Database  string                 `json:"database"`
}

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := e.flags("status", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	counts, err := st.MonthCounts(ctx)
	if err != nil {
		return err
	}
	s := Status{Months: charter.AssessQuality(counts), Database: string(st.Dialect())}
	if s.Months == nil {
		s.Months = []charter.MonthQuality{}
	}
	if s.Areas, err = st.Coverage(ctx); err != nil {
		return err
	}
	if s.Imports, err = st.ImportCounts(ctx); err != nil {
		return err
	}
	if s.Crime, err = st.CrimeCounts(ctx); err != nil {
		return err
	}
	if s.Placement, err = (&importer.Importer{Store: st}).CheckPlacement(ctx); err != nil {
		return err
	}
	if s.FirstHand, err = st.Reconcile(ctx); err != nil {
		return err
	}
	if s.FirstHand == nil {
		s.FirstHand = []store.Reconciliation{}
	}
	if *asJSON {
		return writeJSON(e, s)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "force\tmonth\tstops\tlocated\tnot stated\t\tflags")
	for _, m := range s.Months {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t\t%s\n", m.Force, m.Month, m.Count, pct(m.LocatedShare, m.Count), pct(m.NotStatedShare, m.Count), strings.Join(m.Flags, " "))
	}
	w.Flush()
	fmt.Fprintln(e.stdout)
	w = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "level\tareas\twith boundary\tboundary years\twith population\tlocated stops placed\t")
	for _, a := range s.Areas {
		years := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(a.BoundaryYears)), ","), "[]")
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%d\t%s\t\n", a.Level, a.Areas, a.WithBoundary, years, a.WithPopulation, pct(a.AssignedShare, a.LocatedStops))
	}
	w.Flush()
	fmt.Fprintln(e.stdout)
	for _, c := range s.Crime {
		missing := "none missing"
		if len(c.Missing) > 0 {
			missing = "missing " + strings.Join(c.Missing, ", ")
		}
		fmt.Fprintf(e.stdout, "crime counts by %s: %s to %s, %s (%s)\n", c.Level, c.First, c.Last, plural(c.Months, "month", "months"), missing)
	}
	if len(s.Crime) > 0 {
		fmt.Fprintln(e.stdout)
	}
	for _, i := range s.Imports {
		fmt.Fprintf(e.stdout, "%-13s %s, %s, %d rejected\n", i.Kind, plural(i.Sources, "source", "sources"), plural(i.Rows, "record", "records"), i.Rejects)
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, placementLine(s.Placement))
	for _, r := range s.FirstHand {
		fmt.Fprintln(e.stdout, reconcileLine(r))
	}
	return nil
}

// reconcileLine sets a month of first-hand records beside the other
// sources of the same month, in words.
func reconcileLine(r store.Reconciliation) string {
	fh := r.FirstHand
	line := fmt.Sprintf("first-hand records, %s %s: %s searches, %s located, %s arrests",
		charter.ForceName(r.Force), r.Month, charter.Thousands(fh.Searches), charter.Thousands(fh.Located), charter.Thousands(fh.Arrests))
	if len(r.Published) == 0 {
		return line + "; no other source of this month to compare with yet"
	}
	for _, p := range r.Published {
		d := fh.Searches - p.Searches
		diff := "the same number"
		switch {
		case d > 0:
			diff = charter.Thousands(d) + " more first-hand"
		case d < 0:
			diff = charter.Thousands(-d) + " fewer first-hand"
		}
		line += fmt.Sprintf("\n  beside %s: %s searches, %s located, %s arrests (%s; arrests differ by %s)",
			p.Source, charter.Thousands(p.Searches), charter.Thousands(p.Located), charter.Thousands(p.Arrests), diff, charter.Thousands(abs(fh.Arrests-p.Arrests)))
	}
	return line
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// placementLine says in words how the located records stand against the
// boundaries.
func placementLine(p importer.Placement) string {
	if p.Misplaced == 0 {
		return fmt.Sprintf("placement: all %s located stops and street crimes are placed by the stored boundaries", charter.Thousands(p.Records))
	}
	return fmt.Sprintf("placement: %s of %s located stops and street crimes are not placed by the stored boundaries; run charter place to place them again",
		charter.Thousands(p.Misplaced), charter.Thousands(p.Records))
}

func pct(share float64, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*share)
}
