package training

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// The training report compares officers' first-hand searches two ways:
// each trained officer's searches before their first completion of the
// course against their searches after it, and trained officers' searches
// after training against untrained officers' searches in the same
// boroughs and months. Each measure has its intervals per group and, for
// the comparison, a ratio with its interval; the verdict uses the pilot
// evaluation's words (report.Evaluation) when the data cannot tell.

// Figure is one group's value of a measure: what was counted over what,
// and the estimate with its interval (unknown: nothing to count).
type Figure struct {
	Count    int            `json:"count"`       // events (arrests, finds, complaints) or answers (feedback, reviews)
	Of       int            `json:"denominator"` // searches (with a known outcome link for finds), or answers
	Estimate charter.Figure `json:"estimate"`
}

// Measure is one measure compared between two groups.
type Measure struct {
	Name string `json:"name"` // in words: "arrest rate"
	// Counts says what the measure counts and over what, and its interval.
	Counts string `json:"counts"`
	// Available is false when its data is not kept here (complaints and
	// review scores without their workflows): Note says so in words.
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`
	A         Figure `json:"a"`
	B         Figure `json:"b"`
	// Ratio is B against A (B/A for rates and shares, B−A for means), with
	// its interval; Change says which.
	Change  string         `json:"change"` // "ratio" or "difference"
	Ratio   charter.Figure `json:"ratio"`
	Verdict string         `json:"verdict"`
}

// Group is one side of a comparison.
type Group struct {
	Label    string `json:"label"`
	Officers int    `json:"officers"`
	Searches int    `json:"searches"`
}

// Comparison is one of the report's two comparisons.
type Comparison struct {
	Title    string    `json:"title"`
	A        Group     `json:"a"`
	B        Group     `json:"b"`
	Measures []Measure `json:"measures"`
}

// Report is the training report of one course.
type Report struct {
	Course      string       `json:"course"`
	Trained     int          `json:"trained_officers"`
	Confidence  float64      `json:"confidence"`
	Comparisons []Comparison `json:"comparisons"`
	Notes       []string     `json:"notes"`
}

// ReportOf builds the training report of the course called course over
// force's first-hand searches; by is who asks (the read is audited).
func (s *Service) ReportOf(ctx context.Context, by store.Actor, force, course string) (*Report, error) {
	c, err := s.st.CourseByName(ctx, course)
	if err != nil {
		return nil, err
	}
	first, err := s.st.FirstCompletions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	facts, err := s.st.SearchFactsOf(ctx, by, force, "training report: "+c.Name)
	if err != nil {
		return nil, err
	}
	r := &Report{Course: c.Name, Trained: len(first), Confidence: s.opts.Confidence, Notes: []string{}}
	if s.opts.Complaints == nil {
		r.Notes = append(r.Notes, "Complaints are not counted: complaints are not kept in this installation.")
	}
	if s.opts.ReviewScores == nil {
		r.Notes = append(r.Notes, "Review scores are not counted: supervisors' reviews are not kept in this installation.")
	}
	// Each trained officer's searches before and after their first completion.
	var before, after []store.SearchFacts
	cells := map[string]bool{} // borough and month of trained officers' searches after training
	for _, f := range facts {
		day, trained := first[f.OfficerID]
		switch {
		case !trained:
		case f.At.Before(day):
			before = append(before, f)
		default:
			after = append(after, f)
			cells[cell(f)] = true
		}
	}
	var untrained []store.SearchFacts
	for _, f := range facts {
		if _, trained := first[f.OfficerID]; !trained && cells[cell(f)] {
			untrained = append(untrained, f)
		}
	}
	// The windows of each side, for the complaints and reviews hooks:
	// per trained officer, before and after their day; for the second
	// comparison, the months the trained officers searched in after.
	beforeW, afterW := map[int64]window{}, map[int64]window{}
	for id, day := range first {
		beforeW[id], afterW[id] = window{to: day}, window{from: day}
	}
	from, to := monthsSpan(after)
	untrainedW, trainedW := map[int64]window{}, map[int64]window{}
	for _, f := range untrained {
		untrainedW[f.OfficerID] = window{from: from, to: to}
	}
	for id, day := range first {
		trainedW[id] = window{from: maxTime(from, day), to: to}
	}
	cmp1, err := s.compare(ctx, "Trained officers before and after their training",
		side{Group{Label: "the same officers before training"}, before, beforeW}, side{Group{Label: "trained officers after training"}, after, afterW})
	if err != nil {
		return nil, err
	}
	cmp2, err := s.compare(ctx, "Trained officers after training against untrained officers in the same boroughs and months",
		side{Group{Label: "untrained officers in the same boroughs and months"}, untrained, untrainedW}, side{Group{Label: "trained officers after training"}, after, trainedW})
	if err != nil {
		return nil, err
	}
	r.Comparisons = []Comparison{*cmp1, *cmp2}
	return r, nil
}

func cell(f store.SearchFacts) string { return fmt.Sprintf("%s|%d", f.Borough, f.Month) }

// window is the period a side's complaints and reviews are counted in
// (zero ends: unbounded).
type window struct{ from, to time.Time }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// monthsSpan is from the start of the first month of facts to the start of
// the month after the last (zero times without facts).
func monthsSpan(facts []store.SearchFacts) (from, to time.Time) {
	if len(facts) == 0 {
		return time.Time{}, time.Time{}
	}
	lo, hi := facts[0].Month, facts[0].Month
	for _, f := range facts {
		lo, hi = min(lo, f.Month), max(hi, f.Month)
	}
	start := func(m charter.Month) time.Time { return time.Date(m.Year(), m.Mon(), 1, 0, 0, 0, 0, charter.London) }
	return start(lo), start(hi.Add(1))
}

type side struct {
	g       Group
	facts   []store.SearchFacts
	windows map[int64]window
}

func (s *Service) compare(ctx context.Context, title string, a, b side) (*Comparison, error) {
	lv := s.opts.Confidence
	for _, sd := range []*side{&a, &b} {
		officers := map[int64]bool{}
		for _, f := range sd.facts {
			officers[f.OfficerID] = true
		}
		sd.g.Officers, sd.g.Searches = len(officers), len(sd.facts)
	}
	c := &Comparison{Title: title, A: a.g, B: b.g}
	// Arrests and finds: shares of searches, Wilson intervals; the change
	// is the ratio of the two rates.
	arrests := func(fs []store.SearchFacts) (int, int) {
		n := 0
		for _, f := range fs {
			if f.Arrest {
				n++
			}
		}
		return n, len(fs)
	}
	finds := func(fs []store.SearchFacts) (int, int) {
		n, known := 0, 0
		for _, f := range fs {
			if f.Linked != nil {
				known++
				if *f.Linked {
					n++
				}
			}
		}
		return n, known
	}
	for _, m := range []struct {
		name, counts string
		count        func([]store.SearchFacts) (int, int)
	}{
		{"arrest rate", "searches whose outcome was an arrest, of all searches; Wilson interval", arrests},
		{"find rate", "searches whose outcome was linked to what was searched for, of the searches where the link was recorded; Wilson interval", finds},
	} {
		ca, na := m.count(a.facts)
		cb, nb := m.count(b.facts)
		c.Measures = append(c.Measures, s.rateMeasure(m.name, m.counts, share(ca, na, lv), share(cb, nb, lv), a.g, b.g))
	}
	// Complaints per 100 searches: Poisson (Garwood) intervals.
	cm := Measure{Name: "complaints per 100 searches", Counts: "complaints about the officers' searches in each period, per 100 of their searches; exact Poisson interval"}
	if s.opts.Complaints == nil {
		cm.Note = "Not available: complaints are not kept in this installation."
		cm.Verdict = "The data cannot tell: complaints are not available."
	} else {
		na, err := s.complaints(ctx, a.windows)
		if err != nil {
			return nil, err
		}
		nb, err := s.complaints(ctx, b.windows)
		if err != nil {
			return nil, err
		}
		cm = s.rateMeasure(cm.Name, cm.Counts, poisson(na, len(a.facts), lv), poisson(nb, len(b.facts), lv), a.g, b.g)
	}
	c.Measures = append(c.Measures, cm)
	// Feedback: the mean of each answer's answered questions, 1 to 5.
	fbA, fbB := feedback(a.facts), feedback(b.facts)
	c.Measures = append(c.Measures, s.meanMeasure("feedback from the people searched",
		"mean of each survey answer's answered questions (1 to 5), of the searches with an answer; Student's t interval", fbA, fbB, 1, 5, a.g, b.g))
	// Review scores, 0 to 1.
	if s.opts.ReviewScores == nil {
		c.Measures = append(c.Measures, Measure{Name: "review score", Counts: "mean score of supervisors' reviews (0 to 1) of the officers' searches in each period; Student's t interval",
			Note: "Not available: supervisors' reviews are not kept in this installation.", Verdict: "The data cannot tell: review scores are not available."})
	} else {
		ra, err := s.reviews(ctx, a.windows)
		if err != nil {
			return nil, err
		}
		rb, err := s.reviews(ctx, b.windows)
		if err != nil {
			return nil, err
		}
		c.Measures = append(c.Measures, s.meanMeasure("review score",
			"mean score of supervisors' reviews (0 to 1) of the officers' searches in each period; Student's t interval", ra, rb, 0, 1, a.g, b.g))
	}
	return c, nil
}

// complaints sums the hook's counts over each officer's window.
func (s *Service) complaints(ctx context.Context, ws map[int64]window) (int, error) {
	n := 0
	for _, grp := range byWindow(ws) {
		m, err := s.opts.Complaints(ctx, grp.ids, grp.w.from, grp.w.to)
		if err != nil {
			return 0, fmt.Errorf("complaints: %w", err)
		}
		for _, id := range grp.ids {
			n += m[id]
		}
	}
	return n, nil
}

func (s *Service) reviews(ctx context.Context, ws map[int64]window) ([]float64, error) {
	var out []float64
	for _, grp := range byWindow(ws) {
		m, err := s.opts.ReviewScores(ctx, grp.ids, grp.w.from, grp.w.to)
		if err != nil {
			return nil, fmt.Errorf("review scores: %w", err)
		}
		for _, id := range grp.ids {
			out = append(out, m[id]...)
		}
	}
	return out, nil
}

type windowGroup struct {
	w   window
	ids []int64
}

// byWindow groups officers sharing a window, so the hooks are called once
// per window, in a stable order.
func byWindow(ws map[int64]window) []windowGroup {
	var out []windowGroup
	for id, w := range ws {
		i := slices.IndexFunc(out, func(g windowGroup) bool { return g.w == w })
		if i < 0 {
			out = append(out, windowGroup{w: w})
			i = len(out) - 1
		}
		out[i].ids = append(out[i].ids, id)
	}
	for i := range out {
		slices.Sort(out[i].ids)
	}
	slices.SortFunc(out, func(x, y windowGroup) int { return x.w.from.Compare(y.w.from)*2 + x.w.to.Compare(y.w.to) })
	return out
}

func feedback(fs []store.SearchFacts) []float64 {
	var out []float64
	for _, f := range fs {
		if f.Feedback != nil {
			out = append(out, *f.Feedback)
		}
	}
	return out
}

func share(n, of int, lv float64) Figure {
	return Figure{Count: n, Of: of, Estimate: stats.WilsonProportion(n, of, lv).Figure(charter.ScaleShare)}
}

func poisson(n, searches int, lv float64) Figure {
	return Figure{Count: n, Of: searches, Estimate: stats.PoissonRate(n, searches, 100, lv).Figure(charter.ScaleRate)}
}

// rateMeasure compares two rates by their ratio (B over A) with the
// incidence-rate ratio's interval.
func (s *Service) rateMeasure(name, counts string, a, b Figure, ga, gb Group) Measure {
	m := Measure{Name: name, Counts: counts, Available: true, A: a, B: b, Change: "ratio"}
	e := stats.RateRatio(b.Count, b.Of, a.Count, a.Of, s.opts.Confidence)
	if !math.IsInf(e.Value, 0) { // B/A with nothing counted in A is no ratio
		m.Ratio = e.Figure(charter.ScaleRate)
	}
	m.Verdict = verdict(name, ga, gb, e, 1, s.opts.Confidence, func(x float64) string { return fmt.Sprintf("%+.1f%%", 100*(x-1)) })
	return m
}

// meanMeasure compares two means by their difference. Its interval is
// the widest the groups' own intervals allow (B's lower bound less A's
// upper to B's upper less A's lower): it includes no change whenever the
// two intervals overlap, a stricter rule than a test of the difference, so
// a difference is claimed only when it is clear.
func (s *Service) meanMeasure(name, counts string, xa, xb []float64, lo, hi float64, ga, gb Group) Measure {
	lv := s.opts.Confidence
	ea, eb := stats.MeanScore(xa, lo, hi, lv), stats.MeanScore(xb, lo, hi, lv)
	m := Measure{Name: name, Counts: counts, Available: true, Change: "difference",
		A: Figure{Count: len(xa), Of: len(xa), Estimate: ea.Figure(charter.ScaleRate)}, B: Figure{Count: len(xb), Of: len(xb), Estimate: eb.Figure(charter.ScaleRate)}}
	var d stats.Estimate
	switch {
	case ea.HasInterval() && eb.HasInterval():
		d = stats.Estimate{Value: eb.Value - ea.Value, Lower: eb.Lower - ea.Upper, Upper: eb.Upper - ea.Lower, Level: lv, Status: stats.OK}
	case ea.HasValue() && eb.HasValue():
		d = stats.Estimate{Value: eb.Value - ea.Value, Lower: math.NaN(), Upper: math.NaN(), Level: lv, Status: stats.NoInterval}
	default:
		d = stats.Estimate{Value: math.NaN(), Lower: math.NaN(), Upper: math.NaN(), Level: lv}
	}
	m.Ratio = d.Figure(charter.ScaleRate)
	m.Verdict = verdict(name, ga, gb, d, 0, lv, func(x float64) string { return fmt.Sprintf("%+.2f", x) })
	return m
}

// verdict says what the comparison shows, in the pilot evaluation's words:
// "the data cannot tell" when there is no estimate, no interval, or the
// interval includes no change (none is 1 for a ratio, 0 for a
// difference).
func verdict(name string, a, b Group, e stats.Estimate, none, lv float64, pct func(float64) string) string {
	what := fmt.Sprintf("the %s of %s differs from that of %s", name, b.Label, a.Label)
	if why := report.CannotTellOf(e, none, lv, pct); why != "" {
		v := fmt.Sprintf("The data cannot tell whether %s: %s.", what, why)
		if e.HasInterval() {
			v += fmt.Sprintf(" (The point estimate is %s.)", pct(e.Value))
		}
		return v
	}
	return fmt.Sprintf("The %s of %s differs from that of %s by %s (%.0f%% interval %s to %s).", name, b.Label, a.Label, pct(e.Value), 100*lv, pct(e.Lower), pct(e.Upper))
}
