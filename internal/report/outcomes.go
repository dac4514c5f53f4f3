package report

import (
	"sort"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/stats"
)

// OutcomeQuery asks for the outcome test in an area (or everywhere) and period.
type OutcomeQuery struct {
	Area     string // area code, or "" for every area
	From, To charter.Month
	Officer  bool
	ByObject bool // one line per object of search and group, not per group
	Where    []index.Cond
	Level    float64
}

// Proportion is Count of Of, with their share and its Wilson interval in
// Rate (unknown when Of is 0).
type Proportion struct {
	Count int            `json:"count"`
	Of    int            `json:"of"`
	Rate  charter.Figure `json:"rate"`
}

// NewProportion is k of n with the Wilson interval of their share at level.
func NewProportion(k, n int, level float64) Proportion {
	return Proportion{Count: k, Of: n, Rate: stats.WilsonProportion(k, n, level).Figure(charter.ScaleShare)}
}

// OutcomeRow is one line of the outcome test.
type OutcomeRow struct {
	Object   string     `json:"object,omitempty"`
	Group    string     `json:"group"`
	Searches int        `json:"searches"`
	Arrest   Proportion `json:"arrest"`
	NoAction Proportion `json:"no_further_action"`
	// Find is "outcome linked to object of search" among searches where the
	// link was recorded; nil where the force does not report it.
	Find *Proportion `json:"find"`
	Note string      `json:"note,omitempty"`
}

// Outcomes is the outcome (hit-rate) test report.
type Outcomes struct {
	Area       AreaRef      `json:"area"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	Ethnicity  string       `json:"ethnicity"`
	Confidence float64      `json:"confidence"`
	Rows       []OutcomeRow `json:"rows"`
	Limits     string       `json:"limits"`
	Flags      []MonthFlags `json:"flags"`
}

// OutcomeTestLimits is printed with every outcome test.
const OutcomeTestLimits = "A lower find or arrest rate for a group suggests its members are searched on weaker grounds, " +
	"but the test is not proof of bias: groups can differ in what they are searched for and where " +
	"(infra-marginality), arrests also depend on what officers do after a search, and the find rate " +
	"counts only searches whose outcome was linked to the object searched for, where the force records the link."

// NewOutcomes computes arrest, no-further-action and find rates by group.
func NewOutcomes(snap *readmodel.Snapshot, q OutcomeQuery) (*Outcomes, error) {
	if q.Level == 0 {
		q.Level = 0.95
	}
	r := &Outcomes{Area: AreaRef{Code: "", Name: "all areas"}, Confidence: q.Level, Rows: []OutcomeRow{}, Limits: OutcomeTestLimits}
	where := q.Where
	if q.Area != "" {
		area, err := snap.AreaByCode(q.Area)
		if err != nil {
			return nil, err
		}
		r.Area = AreaRef{Code: area.Code, Name: area.Name, Level: area.Level.String()}
		where = append(areaWhere(area), where...)
	}
	if q.From != 0 {
		r.From = q.From.String()
	}
	if q.To != 0 {
		r.To = q.To.String()
	}
	groupDim := index.DimSelfGroup
	r.Ethnicity = "self-defined"
	if q.Officer {
		groupDim, r.Ethnicity = index.DimOfficerGroup, "officer-defined"
	}
	keyDims := []index.Dim{groupDim}
	if q.ByObject {
		keyDims = []index.Dim{index.DimObject, groupDim}
	}
	type acc struct{ searches, arrests, nfa, found, linkKnown int }
	accs := map[string]*acc{}
	var keys []string
	get := func(vals []string) *acc {
		k := strings.Join(vals, "\x00")
		a := accs[k]
		if a == nil {
			a = &acc{}
			accs[k] = a
			keys = append(keys, k)
		}
		return a
	}
	byOutcome, err := snap.Stops.Count(index.Query{From: q.From, To: q.To, Where: where, GroupBy: append(append([]index.Dim{}, keyDims...), index.DimOutcome)})
	if err != nil {
		return nil, err
	}
	for _, row := range byOutcome {
		a := get(row.Values[:len(keyDims)])
		a.searches += row.Count
		o, _ := charter.LookupOutcome(row.Values[len(keyDims)])
		if o.Arrest {
			a.arrests += row.Count
		}
		if o.NoAction {
			a.nfa += row.Count
		}
	}
	byLink, err := snap.Stops.Count(index.Query{From: q.From, To: q.To, Where: where, GroupBy: append(append([]index.Dim{}, keyDims...), index.DimLink)})
	if err != nil {
		return nil, err
	}
	for _, row := range byLink {
		a := get(row.Values[:len(keyDims)])
		switch row.Values[len(keyDims)] {
		case charter.True.CSV():
			a.found += row.Count
			a.linkKnown += row.Count
		case charter.False.CSV():
			a.linkKnown += row.Count
		}
	}
	if r.Flags, err = monthFlags(snap, where, q.From, q.To); err != nil {
		return nil, err
	}
	linkUnreported := false
	for _, f := range r.Flags {
		for _, fl := range f.Flags {
			if fl == charter.FlagNotReportedPrefix+charter.FieldOutcomeLinked {
				linkUnreported = true
			}
		}
	}
	for _, k := range keys {
		a := accs[k]
		vals := strings.Split(k, "\x00")
		row := OutcomeRow{Group: vals[len(vals)-1], Searches: a.searches,
			Arrest: NewProportion(a.arrests, a.searches, q.Level), NoAction: NewProportion(a.nfa, a.searches, q.Level)}
		if row.Group == "" {
			row.Group = "Not recorded"
		}
		if q.ByObject {
			row.Object = vals[0]
		}
		switch {
		case linkUnreported:
			row.Note = "no find rate: the force does not report the outcome link in some of these months"
		case a.linkKnown == 0:
			row.Note = "no find rate: the outcome link is not recorded"
		default:
			p := NewProportion(a.found, a.linkKnown, q.Level)
			row.Find = &p
		}
		r.Rows = append(r.Rows, row)
	}
	sortOutcomeRows(r.Rows)
	return r, nil
}

// groupOrder puts rows in the order reports show groups.
func groupOrder(g string) int {
	for i, eg := range charter.EthnicGroups {
		if eg.String() == g {
			return i
		}
	}
	if g == charter.GroupNotStated.String() {
		return len(charter.EthnicGroups)
	}
	return len(charter.EthnicGroups) + 1
}

func sortOutcomeRows(rows []OutcomeRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Object != rows[j].Object {
			return rows[i].Object < rows[j].Object
		}
		return groupOrder(rows[i].Group) < groupOrder(rows[j].Group)
	})
}
