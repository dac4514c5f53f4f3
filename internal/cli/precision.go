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

// runPrecision is `charter report precision` (A3): weapon-crime hotspots, the
// concentration curve, the share of searches made in hotspots, the score by
// month and the ranked list.
func runPrecision(ctx context.Context, e *env, args []string) error {
	const usageLine = "[--area CODE] [--from YYYY-MM] [--to YYYY-MM] [--unit ward|borough|hex250|hex500|hex1000] [--top 0.10] [--rank N] [--weapon-crime LIST] [--weapon-objects LIST] [filters] [--format table|csv|json]"
	fs := e.flags("report precision", usageLine)
	area := fs.String("area", "", "a borough GSS code (E09…) or a force id; empty for every area")
	from := fs.String("from", "", "first month (YYYY-MM)")
	to := fs.String("to", "", "last month (YYYY-MM)")
	unit := fs.String("unit", "ward", "hotspot unit: ward or borough (MPS area counts), hex250, hex500 or hex1000 (street-level crime points)")
	top := fs.Float64("top", 0.10, "share of units that are hotspots")
	rank := fs.Int("rank", 20, "units in the ranked list")
	crimes := fs.String("weapon-crime", "", `area-count categories that are weapon-enabled crime, as MAJOR or MAJOR/MINOR, comma-separated (default "POSSESSION OF WEAPONS,ROBBERY,VIOLENCE AGAINST THE PERSON/VIOLENCE WITH INJURY")`)
	street := fs.String("street-crime", "", `street-level categories that are weapon-enabled crime, comma-separated (default "Possession of weapons,Robbery,Violence and sexual offences")`)
	objects := fs.String("weapon-objects", "", "objects of search that make a weapon search, comma-separated as published (default "+strings.Join(charter.DefaultWeaponObjects, ", ")+")")
	format := fs.String("format", "table", "table, csv or json")
	filters := filterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	fromM, toM, err := monthRange(*from, *to)
	if err != nil {
		return err
	}
	q := report.PrecisionQuery{Area: *area, From: fromM, To: toM, Unit: *unit, Top: *top, Rank: *rank, Weapon: charter.DefaultWeaponCrime, Where: filters()}
	if *crimes != "" {
		if q.Weapon.Counts, err = charter.ParseCrimeMatches(*crimes); err != nil {
			return err
		}
	}
	if *street != "" {
		q.Weapon.Street = strings.Split(*street, ",")
	}
	if *objects != "" {
		q.WeaponObjects = strings.Split(*objects, ",")
	}
	if *rank < 1 {
		return charter.Errorf(charter.EINVALID, "--rank %d: want at least 1", *rank)
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
	r, err := report.NewPrecision(snap, q)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return writeJSON(e, r)
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"rank", "code", "name", "weapon_crimes", "crime_share", "cumulative_share", "per_month", "per_month_lower", "per_month_upper",
			"searches", "weapon_searches", "weapon_searches_per_crime", "hotspot"})
		for _, u := range r.Ranked {
			rec := []string{strconv.Itoa(u.Rank), u.Code, u.Name, strconv.Itoa(u.WeaponCrimes), csvNumber(&u.CrimeShare, 4), csvNumber(&u.Cumulative, 4)}
			w.Write(append(append(rec, csvColumns(u.PerMonth)...), strconv.Itoa(u.Searches), strconv.Itoa(u.WeaponSearches),
				csvNumber(u.WeaponSearchesPerCrime, 2), strconv.FormatBool(u.Hotspot)))
		}
		w.Flush()
		return w.Error()
	}
	period := "all months"
	if r.From != "" || r.To != "" {
		period = r.From + " to " + r.To
	}
	fmt.Fprintf(e.stdout, "Precision of searching against weapon-enabled crime, %s %s, %s, by %s\n", r.Area.Name, r.Area.Code, period, r.Unit)
	fmt.Fprintf(e.stdout, "weapon-enabled crime: %s; weapon searches: objects %s\n", r.Definition.Crime, strings.Join(r.Definition.Objects, ", "))
	fmt.Fprintf(e.stdout, "%d units; %d weapon-enabled crimes over %d crime months; %d searches over %d months (%d placed in a unit), %d of them for weapons; %.0f%% intervals\n\n",
		r.Units, r.WeaponCrimes, r.CrimeMonths, r.Searches, r.StopMonths, r.SearchesPlaced, r.WeaponSearches, 100*r.Confidence)
	fmt.Fprintf(e.stdout, "Hotspots (top %g%%, %d units) hold %s of weapon-enabled crime; %s of weapon searches (%s) were made there.\n\n",
		100*r.Top, r.Hotspots, charter.FormatShare(&r.HotspotCrimeShare), r.Score.Rate, r.Score.Rate.Interval())
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "top units\tunits\tweapon crime\tsearches\tinterval\tweapon searches\tinterval\t")
	for _, c := range r.Concentration {
		fmt.Fprintf(w, "%g%%\t%d\t%s\t%s\t%s\t%s\t%s\t\n", 100*c.TopShare, c.Units, charter.FormatShare(&c.CrimeShare), c.Searches.Rate, c.Searches.Rate.Interval(),
			c.WeaponSearches.Rate, c.WeaponSearches.Rate.Interval())
	}
	w.Flush()
	fmt.Fprintln(e.stdout, "\nBy month (score: share of weapon searches made in the hotspots)")
	w = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "month\tweapon crime\tin hotspots\tsearches\tweapon searches\tscore\tinterval\t\tflags")
	for _, m := range r.Months {
		score, interval := "", ""
		if m.Score != nil {
			score, interval = m.Score.Rate.String(), m.Score.Rate.Interval()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t%s\n", m.Month, intOrDash(m.WeaponCrimes), charter.FormatShare(m.HotspotCrimeShare), intOrDash(m.Searches),
			intOrDash(m.WeaponSearches), score, interval, strings.Join(m.Flags, " "))
	}
	w.Flush()
	fmt.Fprintln(e.stdout, "\nWhere weapon-enabled crime is (ranked)")
	w = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "rank\tcode\tname\tweapon crime\tshare\tcumulative\tper month\tinterval\tsearches\tweapon searches\tper crime\thotspot\t")
	for _, u := range r.Ranked {
		hot := ""
		if u.Hotspot {
			hot = "yes"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t\n", u.Rank, u.Code, u.Name, u.WeaponCrimes, charter.FormatShare(&u.CrimeShare), charter.FormatShare(&u.Cumulative),
			u.PerMonth, u.PerMonth.Interval(), u.Searches, u.WeaponSearches, charter.FormatRate(u.WeaponSearchesPerCrime), hot)
	}
	w.Flush()
	printNotes(e, r.Notes, r.Flags)
	return nil
}

func intOrDash(p *int) string {
	if p == nil {
		return "–"
	}
	return strconv.Itoa(*p)
}
