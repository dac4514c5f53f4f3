package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
)

func init() {
	register(command{"evaluate", "difference-in-differences of a pilot against comparison areas, with checks and a verdict", runEvaluate})
}

// runEvaluate is `charter evaluate` (PRODUCT.md A4). Its JSON (estimate,
// interval, verdict at the top level) is an interface other tools rely on.
func runEvaluate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("evaluate", "--treated CODES [--comparison CODES|auto] --start YYYY-MM-DD [--end DATE] [--measure M] [--format table|csv|json]")
	treated := fs.String("treated", "", "the pilot's ward (or borough) GSS codes, comma-separated")
	comparison := fs.String("comparison", "auto", "comparison area codes of the same level, or auto: the nearest by pre-period level")
	count := fs.Int("comparison-count", report.DefaultComparisonCount, "auto: how many comparison areas")
	pool := fs.String("pool", "", "auto: choose only from areas in these borough codes (comma-separated)")
	start := fs.String("start", "", "the day the pilot began (YYYY-MM-DD); its month is left out of both periods")
	end := fs.String("end", "", "the last month of the post period (YYYY-MM, or a date); default: the last month with data")
	preFrom := fs.String("pre-from", "", "the first month of the pre period (YYYY-MM); default: as long as the post period, capped by the data")
	measure := fs.String("measure", report.MeasureWeaponCrime, "one of "+strings.Join(report.Measures, ", "))
	weapon := fs.String("weapon-crime", "", `weapon-crime categories "MAJOR[/MINOR],…" (default: possession of weapons, robbery, violence with injury)`)
	group := fs.String("group", "Black", "disproportionality: the group set against White")
	format := fs.String("format", "table", "table, csv or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *start == "" {
		return charter.Errorf(charter.EINVALID, "--start is required (the day the pilot began, YYYY-MM-DD)")
	}
	q := report.EvalQuery{Treated: split(*treated), ComparisonCount: *count, Pool: split(*pool), Start: *start, End: *end,
		PreFrom: *preFrom, Measure: *measure, Group: *group}
	if *comparison != "auto" {
		q.Comparison = split(*comparison)
		if len(q.Comparison) == 0 {
			return charter.Errorf(charter.EINVALID, "--comparison: give area codes, or auto")
		}
	}
	if *weapon != "" {
		if *measure != report.MeasureWeaponCrime {
			return charter.Errorf(charter.EINVALID, "--weapon-crime defines the weapon-crime measure, not %s", *measure)
		}
		var err error
		if q.WeaponCrime, err = charter.ParseCrimeMatches(*weapon); err != nil {
			return charter.Errorf(charter.EINVALID, "--weapon-crime: %s", charter.ErrorMessage(err))
		}
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	snap, done, err := readModel(ctx, e, st)
	if err != nil {
		return err
	}
	defer done()
	r, err := report.NewEvaluation(snap, q)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return writeJSON(e, r)
	case "csv":
		return evaluationCSV(e, r)
	}
	return evaluationTable(e, r)
}

// split reads a comma-separated list, dropping empty items.
func split(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func areaList(as []report.EvalArea) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Code + " " + a.Name
	}
	return strings.Join(parts, ", ")
}

// g formats a float briefly; "" when absent.
func g(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'g', 4, 64)
}

func evaluationTable(e *env, r *report.Evaluation) error {
	out := e.stdout
	fmt.Fprintf(out, "Pilot evaluation: %s (%s), difference-in-differences, %.0f%% intervals\n", r.Measure, r.Definition, 100*r.Confidence)
	fmt.Fprintf(out, "treated %ss (%d): %s\n", r.AreaLevel, len(r.Treated), areaList(r.Treated))
	fmt.Fprintf(out, "comparison %ss (%d): %s\n  %s\n", r.AreaLevel, len(r.Comparison), areaList(r.Comparison), r.Selection)
	for _, a := range r.Excluded {
		fmt.Fprintf(out, "  left out: %s %s: %s\n", a.Code, a.Name, a.Reason)
	}
	fmt.Fprintf(out, "start %s (%s left out); pre %s to %s (%d of %d months with data); post %s to %s (%d of %d)\n\n",
		r.Start, r.StartMonth, r.Pre.From, r.Pre.To, r.Pre.WithData, r.Pre.Months, r.Post.From, r.Post.To, r.Post.WithData, r.Post.Months)

	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "group\tperiod\tareas\tmonths\tevents\texposure\trate (%s)\t\n", r.Unit)
	for _, c := range r.Cells {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t\n", c.Group, c.Period, c.Areas, c.Months, c.Events, c.Exposure, g(c.Rate))
	}
	w.Flush()
	fmt.Fprintf(out, "\ntreated change (post/pre):    %s\n", r.TreatedChange.Text())
	fmt.Fprintf(out, "comparison change (post/pre): %s\n", r.ComparisonChange.Text())
	fmt.Fprintf(out, "difference-in-differences, ratio:      %s\n", r.Ratio.Text())
	fmt.Fprintf(out, "difference-in-differences, difference: %s %s\n\n", r.Difference.Text(), r.Unit)

	label := "treated (rate)\tcomparison (pooled rate)"
	if strings.Contains(r.Unit, "per area-month") {
		label = "treated (total)\tcomparison (mean per area)"
	}
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "month\tperiod\t%s\t\tflags\n", label)
	for _, t := range r.Trends {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t\t%s\n", t.Month, t.Period, g(t.Treated), g(t.Comparison), strings.Join(t.Flags, " "))
	}
	w.Flush()
	pt := r.PreTrend
	fmt.Fprintf(out, "\npre-trend check (placebo in time, %s against %s): %s; %s\n", pt.SecondHalf, pt.FirstHalf, pt.Ratio.Text(), pt.Note)
	pl := r.Placebo
	if pl.PValue != nil {
		fmt.Fprintf(out, "placebo in space: p = %.3f (rank %d of %d; %d comparison areas at least as extreme; smallest possible p %.3f)\n",
			*pl.PValue, pl.Rank, pl.Used+1, pl.AtLeastAsExtreme, *pl.SmallestP)
	} else {
		fmt.Fprintln(out, "placebo in space: not possible")
	}
	fmt.Fprintf(out, "\nverdict: %s\n", r.Verdict)
	for _, n := range r.Notes {
		fmt.Fprintln(out, "note: "+n)
	}
	printFlags(e, r.Flags)
	return nil
}

// evaluationCSV writes one row per month of the trends, after the summary
// rows (kind = cell, estimate, check, verdict), so one file holds it all.
func evaluationCSV(e *env, r *report.Evaluation) error {
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"kind", "name", "period", "value", "lower", "upper", "events", "exposure", "comparison_value", "comparison_events", "comparison_exposure", "note"})
	est := func(name string, x charter.Figure, note string) {
		c := x.Columns('g', 4)
		w.Write([]string{"estimate", name, "", c[0], c[1], c[2], "", "", "", "", "", note})
	}
	for _, c := range r.Cells {
		w.Write([]string{"cell", c.Group, c.Period, g(c.Rate), "", "", strconv.Itoa(c.Events), strconv.Itoa(c.Exposure), "", "", "", r.Unit})
	}
	est("did_ratio", r.Ratio, "")
	est("did_difference", r.Difference, r.Unit)
	est("treated_change", r.TreatedChange, "")
	est("comparison_change", r.ComparisonChange, "")
	est("pre_trend", r.PreTrend.Ratio, r.PreTrend.Note)
	w.Write([]string{"check", "placebo_p", "", g(r.Placebo.PValue), "", "", "", "", "", "", "", fmt.Sprintf("rank %d of %d", r.Placebo.Rank, r.Placebo.Used+1)})
	for _, t := range r.Trends {
		w.Write([]string{"trend", t.Month, t.Period, g(t.Treated), "", "", strconv.Itoa(t.TreatedEvents), strconv.Itoa(t.TreatedExposure),
			g(t.Comparison), strconv.Itoa(t.ComparisonEvents), strconv.Itoa(t.ComparisonExposure), strings.Join(t.Flags, " ")})
	}
	w.Write([]string{"verdict", "", "", "", "", "", "", "", "", "", "", r.Verdict})
	w.Flush()
	return w.Error()
}
