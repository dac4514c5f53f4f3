package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/report"
)

func init() {
	register(command{"report", "statistics with intervals and data-quality flags (report disproportionality)", runReport})
}

func runReport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "disproportionality" {
		fmt.Fprintln(e.stderr, "Usage: charter report disproportionality --area CODE [--from YYYY-MM] [--to YYYY-MM] [--officer] [filters] [--format table|csv|json]")
		return errUsage
	}
	fs := e.flags("report disproportionality", "--area CODE [--from YYYY-MM] [--to YYYY-MM] [--officer] [filters] [--format table|csv|json]")
	area := fs.String("area", "", "area code: a borough or ward GSS code (E09…, E05…) or a force id")
	from := fs.String("from", "", "first month (YYYY-MM)")
	to := fs.String("to", "", "last month (YYYY-MM)")
	officer := fs.Bool("officer", false, "use officer-defined ethnicity instead of self-defined")
	format := fs.String("format", "table", "table, csv or json")
	filters := map[index.Dim]*string{}
	for _, d := range []index.Dim{index.DimLegislation, index.DimObject, index.DimAge, index.DimGender, index.DimType} {
		filters[d] = fs.String(d.String(), "", "only these "+d.String()+" values (comma-separated, as published)")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *area == "" {
		return charter.Errorf(charter.EINVALID, "--area is required")
	}
	q := report.DispQuery{Area: *area, Officer: *officer}
	var err error
	if *from != "" {
		if q.From, err = charter.ParseMonth(*from); err != nil {
			return err
		}
	}
	if *to != "" {
		if q.To, err = charter.ParseMonth(*to); err != nil {
			return err
		}
	}
	for d, v := range filters {
		if *v != "" {
			q.Where = append(q.Where, index.Cond{Dim: d, Values: strings.Split(*v, ",")})
		}
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ix, err := index.Load(ctx, st)
	if err != nil {
		return err
	}
	r, err := report.NewDisproportionality(ctx, st, ix, q)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"group", "searches", "population", "rate_per_1000", "rate_lower", "rate_upper", "ratio_to_white", "ratio_lower", "ratio_upper", "note"})
		for _, row := range r.Rows {
			w.Write([]string{row.Group, strconv.Itoa(row.Searches), intOrEmpty(row.Population), num(row.Rate), ci(row.RateCI, 0), ci(row.RateCI, 1),
				num(row.Ratio), ci(row.RatioCI, 0), ci(row.RatioCI, 1), row.Note})
		}
		w.Flush()
		return w.Error()
	case "table":
	default:
		return charter.Errorf(charter.EINVALID, "--format %q: want table, csv or json", *format)
	}
	period := "all months"
	if r.From != "" || r.To != "" {
		period = r.From + " to " + r.To
	}
	fmt.Fprintf(e.stdout, "Searches per 1,000 residents by %s ethnicity, %s %s (%s), %s\n", r.Ethnicity, r.Area.Name, r.Area.Code, r.Area.Level, period)
	fmt.Fprintf(e.stdout, "%d searches; %.1f%% with ethnicity not stated or not recorded; Census %d population; %.0f%% intervals\n\n",
		r.Searches, 100*r.NotStatedShare, r.Census, 100*r.Confidence)
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "group\tsearches\tpopulation\trate per 1,000\tinterval\tratio to White\tinterval\t")
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Group, row.Searches, intOrEmpty(row.Population), num(row.Rate),
			interval(row.RateCI), num(row.Ratio), interval(row.RatioCI), row.Note)
	}
	w.Flush()
	for _, n := range r.Notes {
		fmt.Fprintln(e.stdout, "note: "+n)
	}
	if len(r.Flags) > 0 {
		fmt.Fprintln(e.stdout, "\ndata-quality flags of the months counted:")
		for _, f := range r.Flags {
			fmt.Fprintf(e.stdout, "  %s %s: %s\n", f.Force, f.Month, strings.Join(f.Flags, " "))
		}
	}
	return nil
}

func intOrEmpty(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

func ci(v []float64, i int) string {
	if len(v) != 2 {
		return ""
	}
	return strconv.FormatFloat(v[i], 'f', 2, 64)
}

func interval(v []float64) string {
	if len(v) != 2 {
		return ""
	}
	return ci(v, 0) + "–" + ci(v, 1)
}
