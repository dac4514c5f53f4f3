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
	Database  string             `json:"database"`
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
	return nil
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
