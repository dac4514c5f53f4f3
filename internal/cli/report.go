package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"report", "statistics with intervals and data-quality flags (report disproportionality)", runReport})
}

// reportKinds are the reports other files add (report training, report
// pack), each registered from its file's init.
var reportKinds = map[string]func(ctx context.Context, e *env, args []string) error{}

func runReport(ctx context.Context, e *env, args []string) error {
	const usageLine = "[--area CODE] [--from YYYY-MM] [--to YYYY-MM] [--officer] [--not-stated exclude|officer] [--vehicle-only exclude|include] [--by group|object] [filters] [--format table|csv|json]"
	if len(args) > 0 && args[0] == "precision" {
		return runPrecision(ctx, e, args[1:])
	}
	if len(args) > 0 && reportKinds[args[0]] != nil {
		return reportKinds[args[0]](ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "disproportionality" && args[0] != "outcomes" && args[0] != "quality" {
		fmt.Fprintln(e.stderr, "Usage: charter report disproportionality|outcomes|quality "+usageLine)
		fmt.Fprintln(e.stderr, "       charter report precision -h")
		for _, k := range slices.Sorted(maps.Keys(reportKinds)) {
			fmt.Fprintf(e.stderr, "       charter report %s -h\n", k)
		}
		return errUsage
	}
	kind := args[0]
	fs := e.flags("report "+kind, usageLine)
	area := fs.String("area", "", "area code: a borough or ward GSS code (E09…, E05…) or a force id (required for disproportionality)")
	from := fs.String("from", "", "first month (YYYY-MM)")
	to := fs.String("to", "", "last month (YYYY-MM)")
	officer := fs.Bool("officer", false, "use officer-defined ethnicity instead of self-defined")
	notStated := fs.String("not-stated", report.NotStatedExclude, "disproportionality: searches with self-defined ethnicity not stated or not recorded are in no group (exclude), or in the officer-defined group where one is recorded (officer)")
	vehicleOnly := fs.String("vehicle-only", report.VehicleOnlyExclude, "disproportionality: leave out vehicle-only searches, which search no person (exclude), or count them (include); --type overrides")
	by := fs.String("by", "group", "outcomes: one line per group, or per object of search and group (object)")
	format := fs.String("format", "table", "table, csv or json")
	filters := filterFlags(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *by != "group" && *by != "object" {
		return charter.Errorf(charter.EINVALID, "--by %q: want group or object", *by)
	}
	fromM, toM, err := monthRange(*from, *to)
	if err != nil {
		return err
	}
	where := filters()
	if kind == "disproportionality" && *area == "" {
		return charter.Errorf(charter.EINVALID, "--area is required")
	}
	if kind != "disproportionality" {
		var err error
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "not-stated" || f.Name == "vehicle-only" {
				err = charter.Errorf(charter.EINVALID, "--%s applies to report disproportionality only", f.Name)
			}
		})
		if err != nil {
			return err
		}
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if kind == "quality" {
		return writeQuality(ctx, e, st, fromM, toM, *format)
	}
	snap, done, err := readModel(ctx, e, st)
	if err != nil {
		return err
	}
	defer done()
	if kind == "outcomes" {
		r, err := report.NewOutcomes(snap, report.OutcomeQuery{Area: *area, From: fromM, To: toM, Officer: *officer, ByObject: *by == "object", Where: where})
		if err != nil {
			return err
		}
		return writeOutcomes(e, r, *format)
	}
	r, err := report.NewDisproportionality(snap, report.DispQuery{Area: *area, From: fromM, To: toM, Officer: *officer,
		NotStated: *notStated, VehicleOnly: *vehicleOnly, Where: where})
	if err != nil {
		return err
	}
	return writeDisproportionality(e, r, *format)
}

// writeDisproportionality renders the disproportionality report. New
// columns go at the end of the CSV so that readers of the first ones keep
// working.
func writeDisproportionality(e *env, r *report.Disproportionality, format string) error {
	switch format {
	case "json":
		return writeJSON(e, r)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"group", "searches", "population", "rate_per_1000", "rate_lower", "rate_upper", "ratio_to_white", "ratio_lower", "ratio_upper", "note",
			"adjusted_ratio", "adjusted_lower", "adjusted_upper", "adjusted_note"})
		for _, row := range r.Rows {
			rec := append([]string{row.Group, strconv.Itoa(row.Searches), intOrEmpty(row.Population)}, csvColumns(row.Rate)...)
			rec = append(append(rec, csvColumns(row.Ratio)...), row.Note)
			w.Write(append(append(rec, csvColumns(row.AdjustedRatio)...), row.AdjustedNote))
		}
		w.Flush()
		return w.Error()
	}
	period := "all months"
	if r.From != "" || r.To != "" {
		period = r.From + " to " + r.To
	}
	fmt.Fprintf(e.stdout, "Searches per 1,000 residents by %s ethnicity, %s %s (%s), %s\n", r.Ethnicity, r.Area.Name, r.Area.Code, r.Area.Level, period)
	fmt.Fprintf(e.stdout, "%d searches; %.1f%% with ethnicity not stated or not recorded (not stated: %s", r.Searches, 100*r.NotStatedShare, r.NotStatedMode)
	if r.NotStatedMode == report.NotStatedOfficer {
		fmt.Fprintf(e.stdout, ", %d filled from officer-defined, %.1f%% in no group", r.NotStatedFilled, 100*r.UnplacedShare)
	}
	fmt.Fprintf(e.stdout, "); vehicle-only: %s (%d left out, %d counted)\n", r.VehicleOnly, r.VehicleOnlyExcluded, r.VehicleOnlyCounted)
	fmt.Fprintf(e.stdout, "Census %d population; %.0f%% intervals", r.Census, 100*r.Confidence)
	if r.Strata > 0 {
		fmt.Fprintf(e.stdout, "; adjusted over %s with population, holding %.1f%% of the searches",
			plural(r.Strata, r.StrataLevel, r.StrataLevel+"s"), 100*r.StratifiedShare)
	} else {
		fmt.Fprint(e.stdout, "; no geography-adjusted ratio")
	}
	fmt.Fprint(e.stdout, "\n\n")
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "group\tsearches\tpopulation\trate per 1,000\tinterval\tratio to White\tinterval\tadjusted ratio\tinterval\t")
	for _, row := range r.Rows {
		note := row.Note
		if row.AdjustedNote != "" {
			note = strings.TrimPrefix(note+"; adjusted: "+row.AdjustedNote, "; ")
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Group, row.Searches, intOrEmpty(row.Population), row.Rate,
			row.Rate.Interval(), row.Ratio, row.Ratio.Interval(), row.AdjustedRatio, row.AdjustedRatio.Interval(), note)
	}
	w.Flush()
	printNotes(e, r.Notes, r.Flags)
	return nil
}

func intOrEmpty(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func writeOutcomes(e *env, r *report.Outcomes, format string) error {
	switch format {
	case "json":
		return writeJSON(e, r)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"object", "group", "searches", "arrests", "arrest_rate", "arrest_lower", "arrest_upper",
			"no_further_action", "nfa_rate", "nfa_lower", "nfa_upper", "found", "link_recorded", "find_rate", "find_lower", "find_upper", "note"})
		for _, row := range r.Rows {
			rec := []string{row.Object, row.Group, strconv.Itoa(row.Searches)}
			rec = append(rec, propCSV(&row.Arrest)...)
			rec = append(rec, propCSV(&row.NoAction)...)
			if row.Find != nil {
				rec = append(rec, strconv.Itoa(row.Find.Count), strconv.Itoa(row.Find.Of))
				rec = append(rec, csvColumns(row.Find.Rate)...)
			} else {
				rec = append(rec, "", "", "", "", "")
			}
			w.Write(append(rec, row.Note))
		}
		w.Flush()
		return w.Error()
	}
	fmt.Fprintf(e.stdout, "Outcome test by %s ethnicity, %s %s, %s to %s; %.0f%% Wilson intervals\n\n", r.Ethnicity, r.Area.Name, r.Area.Code, r.From, r.To, 100*r.Confidence)
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "object\tgroup\tsearches\tarrest rate\tinterval\tno further action\tinterval\tfind rate\tinterval\t")
	for _, row := range r.Rows {
		find, findCI := "–", ""
		if row.Find != nil {
			find, findCI = row.Find.Rate.String(), row.Find.Rate.Interval()
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Object, row.Group, row.Searches, row.Arrest.Rate, row.Arrest.Rate.Interval(),
			row.NoAction.Rate, row.NoAction.Rate.Interval(), find, findCI, row.Note)
	}
	w.Flush()
	fmt.Fprintln(e.stdout, "\nlimits: "+r.Limits)
	printFlags(e, r.Flags)
	return nil
}

func propCSV(p *report.Proportion) []string {
	return append([]string{strconv.Itoa(p.Count)}, csvColumns(p.Rate)...)
}

// csvColumns are a figure's value and limits in CSV: rates and ratios to two
// decimals, shares (as proportions) to four; empty where there is none.
func csvColumns(f charter.Figure) []string {
	prec := 2
	if f.Scale == charter.ScaleShare {
		prec = 4
	}
	c := f.Columns('f', prec)
	return c[:]
}

// csvNumber writes a number without an interval in CSV to prec decimals;
// empty when there is none.
func csvNumber(p *float64, prec int) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', prec, 64)
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printNotes prints a report's notes, then the data-quality flags under it.
func printNotes(e *env, notes []string, flags []report.MonthFlags) {
	for _, n := range notes {
		fmt.Fprintln(e.stdout, "note: "+n)
	}
	printFlags(e, flags)
}

// printFlags lists the data-quality flags under a report.
func printFlags(e *env, flags []report.MonthFlags) {
	if len(flags) == 0 {
		return
	}
	fmt.Fprintln(e.stdout, "\ndata-quality flags of the months counted:")
	for _, f := range flags {
		fmt.Fprintf(e.stdout, "  %s %s: %s\n", f.Force, f.Month, strings.Join(f.Flags, " "))
	}
}

// writeQuality is the data-quality report: the status rows of the period.
func writeQuality(ctx context.Context, e *env, st *store.Store, from, to charter.Month, format string) error {
	counts, err := st.MonthCounts(ctx)
	if err != nil {
		return err
	}
	rows := []charter.MonthQuality{}
	for _, q := range charter.AssessQuality(counts) {
		m, _ := charter.ParseMonth(q.Month)
		if (from == 0 || m >= from) && (to == 0 || m <= to) {
			rows = append(rows, q)
		}
	}
	switch format {
	case "json":
		return writeJSON(e, rows)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"force", "month", "count", "located_share", "not_stated_share", "reference_median", "flags"})
		for _, q := range rows {
			w.Write([]string{q.Force, q.Month, strconv.Itoa(q.Count), strconv.FormatFloat(q.LocatedShare, 'f', 4, 64),
				strconv.FormatFloat(q.NotStatedShare, 'f', 4, 64), strconv.FormatFloat(q.Reference, 'f', 1, 64), strings.Join(q.Flags, " ")})
		}
		w.Flush()
		return w.Error()
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "force\tmonth\tstops\tlocated\tnot stated\treference\t\tflags")
	for _, q := range rows {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%.0f\t\t%s\n", q.Force, q.Month, q.Count, pct(q.LocatedShare, q.Count), pct(q.NotStatedShare, q.Count), q.Reference, strings.Join(q.Flags, " "))
	}
	return w.Flush()
}
