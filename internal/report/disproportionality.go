// Package report computes the figures Charter publishes (disproportionality
// first) from the analytic index, the store's denominators and the pure
// statistics, with the data-quality flags of the months under them. The CLI
// renders them today; the web and API surfaces will render the same values.
package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// DispQuery asks for disproportionality in one area and period.
type DispQuery struct {
	Area     string        // area code: a borough or ward GSS code, or a force id
	From, To charter.Month // inclusive; zero is open
	Officer  bool          // officer-defined ethnicity instead of self-defined
	Where    []index.Cond  // further filters: legislation, object, age, gender, type …
	Level    float64       // confidence level; 0 means 0.95
}

// AreaRef names the area of a report.
type AreaRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// GroupRow is one ethnic group's line. Figures that cannot be computed are
// null, with the reason in Note, never a guessed number.
type GroupRow struct {
	Group      string    `json:"group"`
	Searches   int       `json:"searches"`
	Population *int      `json:"population"`
	Rate       *float64  `json:"rate_per_1000"`
	RateCI     []float64 `json:"rate_ci"`
	Ratio      *float64  `json:"ratio_to_white"`
	RatioCI    []float64 `json:"ratio_ci"`
	Note       string    `json:"note,omitempty"`
}

// MonthFlags are the data-quality flags of one force-month under a report.
type MonthFlags struct {
	Force string   `json:"force"`
	Month string   `json:"month"`
	Flags []string `json:"flags"`
}

// Disproportionality is the report: searches per 1,000 residents by ethnic
// group with exact Poisson intervals, and each group's rate ratio to White
// with its log-scale interval (docs/methodology.md §5).
type Disproportionality struct {
	Area       AreaRef `json:"area"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Ethnicity  string  `json:"ethnicity"`
	Confidence float64 `json:"confidence"`
	Searches   int     `json:"searches"`
	NotStated  int     `json:"not_stated"`
	// NotStatedShare is the share of searches with ethnicity not stated or
	// not recorded: they are in no group's numerator, so every rate is a
	// lower bound by up to this share.
	NotStatedShare float64      `json:"not_stated_share"`
	Census         int          `json:"census"`
	Rows           []GroupRow   `json:"rows"`
	Flags          []MonthFlags `json:"flags"`
	Notes          []string     `json:"notes"`
}

// levelDim is the index dimension of an area level.
var levelDim = map[charter.Level]index.Dim{
	charter.LevelForce: index.DimForce, charter.LevelBorough: index.DimBorough, charter.LevelWard: index.DimWard,
	charter.LevelMSOA: index.DimMSOA, charter.LevelLSOA: index.DimLSOA,
}

// NewDisproportionality computes the report.
func NewDisproportionality(ctx context.Context, st *store.Store, ix *index.Index, q DispQuery) (*Disproportionality, error) {
	if q.Level == 0 {
		q.Level = 0.95
	}
	area, err := st.AreaByCode(ctx, q.Area)
	if err != nil {
		return nil, err
	}
	areaValue := strconv.FormatInt(area.ID, 10)
	if area.Level == charter.LevelForce {
		areaValue = area.Code
	}
	where := append([]index.Cond{{Dim: levelDim[area.Level], Values: []string{areaValue}}}, q.Where...)
	groupDim, ethnicity := index.DimSelfGroup, "self-defined"
	if q.Officer {
		groupDim, ethnicity = index.DimOfficerGroup, "officer-defined"
	}
	counts, err := ix.Count(index.Query{From: q.From, To: q.To, Where: where, GroupBy: []index.Dim{groupDim}})
	if err != nil {
		return nil, err
	}
	searches := map[string]int{}
	r := &Disproportionality{
		Area: AreaRef{Code: area.Code, Name: area.Name, Level: area.Level.String()}, Ethnicity: ethnicity,
		Confidence: q.Level, Rows: []GroupRow{}, Flags: []MonthFlags{}, Notes: []string{},
	}
	if q.From != 0 {
		r.From = q.From.String()
	}
	if q.To != 0 {
		r.To = q.To.String()
	}
	for _, c := range counts {
		searches[c.Values[0]] = c.Count
		r.Searches += c.Count
	}
	r.NotStated = searches[charter.GroupNotStated.String()] + searches[""]
	if r.Searches > 0 {
		r.NotStatedShare = float64(r.NotStated) / float64(r.Searches)
	}

	pop, census, err := st.PopulationByGroup(ctx, area.Level, area.Code)
	if err != nil {
		return nil, err
	}
	r.Census = census
	if len(pop) == 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("no census population is loaded for %s %s, so no rate or ratio is given", area.Level, area.Code))
	}
	if q.Officer {
		r.Notes = append(r.Notes, "officer-defined ethnicity is compared with census self-identification; the two classifications differ")
	}
	white := charter.GroupWhite.String()
	for _, g := range charter.EthnicGroups {
		name := g.String()
		row := GroupRow{Group: name, Searches: searches[name]}
		p, ok := pop[g]
		if !ok || p == 0 {
			row.Note = "population not known"
			r.Rows = append(r.Rows, row)
			continue
		}
		row.Population = &p
		if e := stats.PoissonRate(row.Searches, p, 1000, q.Level); e.HasValue() {
			row.Rate = ptr(e.Value)
			if e.HasInterval() {
				row.RateCI = []float64{e.Lower, e.Upper}
			}
		}
		if pw := pop[charter.GroupWhite]; pw > 0 {
			e := stats.RateRatio(row.Searches, p, searches[white], pw, q.Level)
			switch {
			case e.HasInterval():
				row.Ratio, row.RatioCI = ptr(e.Value), []float64{e.Lower, e.Upper}
			case e.HasValue() && !math.IsInf(e.Value, 0):
				row.Ratio = ptr(e.Value)
				row.Note = "too few searches for an interval"
			default:
				row.Note = "no ratio: no searches in one of the two groups"
			}
		}
		r.Rows = append(r.Rows, row)
	}
	r.Rows = append(r.Rows, GroupRow{Group: "Not stated or not recorded", Searches: r.NotStated, Note: "in no group's numerator"})

	if r.Flags, err = monthFlags(ctx, st, ix, where, q.From, q.To); err != nil {
		return nil, err
	}
	return r, nil
}

func ptr(v float64) *float64 { return &v }

// monthFlags returns the quality flags of the months in the period of every
// force the report counts (missing months included), so a reader sees that,
// say, the Met API months are incomplete.
func monthFlags(ctx context.Context, st *store.Store, ix *index.Index, where []index.Cond, from, to charter.Month) ([]MonthFlags, error) {
	present, err := ix.Count(index.Query{From: from, To: to, Where: where, GroupBy: []index.Dim{index.DimForce, index.DimMonth}})
	if err != nil {
		return nil, err
	}
	counts, err := st.MonthCounts(ctx)
	if err != nil {
		return nil, err
	}
	forces := map[string]bool{}
	for _, p := range present {
		forces[p.Values[0]] = true
	}
	out := []MonthFlags{}
	for _, m := range charter.AssessQuality(counts) {
		mo, _ := charter.ParseMonth(m.Month)
		if !forces[m.Force] || len(m.Flags) == 0 || from != 0 && mo < from || to != 0 && mo > to {
			continue
		}
		out = append(out, MonthFlags{Force: m.Force, Month: m.Month, Flags: m.Flags})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Force+out[i].Month < out[j].Force+out[j].Month })
	return out, nil
}
