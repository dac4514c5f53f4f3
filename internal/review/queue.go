package review

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Entry is one record of a review queue and why it is there: sampled, or
// carrying risks, or both.
type Entry struct {
	Record  charter.Record
	Officer string // the officer's sign-in name
	Sampled bool
	Risks   []charter.Risk
	// Review is the record's review, nil until reviewed.
	Review *charter.Review
}

// Why says in words why the record is in the queue.
func (e Entry) Why() []string {
	var out []string
	if e.Sampled {
		out = append(out, "Drawn in the random sample")
	}
	for _, r := range e.Risks {
		out = append(out, r.Description())
	}
	return out
}

// inTeam reports whether the record's officer is in supervisor u's team
// (the same force and team; no team is a team of its own) and is not u.
func inTeam(u *charter.User, rr *store.ReviewRecord) bool {
	return rr.OfficerForce == u.Force && rr.Force == u.Force && rr.OfficerTeam == u.Team && rr.OfficerID != u.ID
}

// Queue is supervisor u's review queue: the records of their team's
// officers searched in the queue's window and not yet reviewed, that were
// sampled or carry a risk, newest first. The read is audited.
func (s *Service) Queue(ctx context.Context, u *charter.User) ([]Entry, error) {
	if !u.Can(charter.PermReview) || u.Force == "" {
		return nil, forbidden("review queues are for supervisors of a force")
	}
	now := s.opts.Now()
	from := now.Add(-s.opts.QueueWindow)
	// The week before the window is read too: a repeat or a copy may
	// reach back that far.
	all, err := s.st.ForceRecords(ctx, u.Force, from.Add(-charter.ReviewRepeatWindow), now.Add(time.Hour))
	if err != nil {
		return nil, err
	}
	var targets []int
	for i := range all {
		rr := &all[i]
		if rr.Review == nil && !rr.Datetime.Before(from) && inTeam(u, rr) {
			targets = append(targets, i)
		}
	}
	entries, err := s.assess(ctx, all, targets)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range entries {
		if e.Sampled || len(e.Risks) > 0 {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	if err := s.st.Audit(ctx, charter.AuditEvent{ActorID: u.ID, Actor: u.Name, Action: "review.queue.read",
		Subject: "team:" + u.Force + "/" + u.Team}); err != nil {
		return nil, err
	}
	return out, nil
}

// assess finds the sample and the risks of the records all[targets]; all
// holds the records they are compared with (copies, repeats).
func (s *Service) assess(ctx context.Context, all []store.ReviewRecord, targets []int) ([]Entry, error) {
	key, err := s.sampleKey(ctx)
	if err != nil {
		return nil, err
	}
	complained := map[int64]bool{}
	if s.opts.Complained != nil && len(targets) > 0 {
		ids := make([]int64, len(targets))
		for i, t := range targets {
			ids[i] = all[t].ID
		}
		if complained, err = s.opts.Complained(ctx, ids); err != nil {
			return nil, err
		}
	}
	cp := newCopies(all)
	rep := newRepeats(all)
	out := make([]Entry, len(targets))
	for i, t := range targets {
		rr := &all[t]
		risks := charter.RecordRisks(rr.Record)
		if cp.copied(t) {
			risks = append(risks, charter.RiskCopiedGrounds)
		}
		if rep.repeated(t) {
			risks = append(risks, charter.RiskRepeated)
		}
		if complained[rr.ID] {
			risks = append(risks, charter.RiskComplaint)
		}
		out[i] = Entry{Record: rr.Record, Officer: rr.OfficerName, Review: rr.Review,
			Sampled: charter.Sampled(key, rr.Reference, s.opts.SampleRate), Risks: charter.SortRisks(risks)}
	}
	return out, nil
}

// copies finds records whose grounds are the same as, or nearly the same
// as, another record's: an inverted index from each three-word phrase to
// the records using it, so each record is compared only with those that
// share a phrase.
type copies struct {
	words    [][]string
	shingles []map[string]bool
	exact    map[string][]int
	index    map[string][]int
}

func newCopies(all []store.ReviewRecord) *copies {
	c := &copies{words: make([][]string, len(all)), shingles: make([]map[string]bool, len(all)),
		exact: map[string][]int{}, index: map[string][]int{}}
	for i := range all {
		w := charter.GroundsWords(all[i].Grounds)
		c.words[i] = w
		if len(w) == 0 {
			continue
		}
		k := strings.Join(w, " ")
		c.exact[k] = append(c.exact[k], i)
		if len(w) < charter.ReviewCopiedMinWords {
			continue
		}
		c.shingles[i] = charter.Shingles(w)
		for sh := range c.shingles[i] {
			c.index[sh] = append(c.index[sh], i)
		}
	}
	return c
}

// copied reports whether record i's grounds are another record's, word
// for word (of any length but one word), or nearly so.
func (c *copies) copied(i int) bool {
	w := c.words[i]
	if len(w) > 1 && len(c.exact[strings.Join(w, " ")]) > 1 {
		return true
	}
	if c.shingles[i] == nil {
		return false
	}
	shared := map[int]int{}
	for sh := range c.shingles[i] {
		for _, j := range c.index[sh] {
			if j != i {
				shared[j]++
			}
		}
	}
	for j, n := range shared {
		if float64(n)/float64(len(c.shingles[i])+len(c.shingles[j])-n) >= charter.ReviewCopiedSimilarity {
			return true
		}
	}
	return false
}

// repeats finds people of one description searched repeatedly in one
// ward: the times of the searches of each (ward, self-defined ethnicity,
// gender, age range), in order.
type repeats struct {
	key   []string
	times map[string][]time.Time
	at    []time.Time
}

func newRepeats(all []store.ReviewRecord) *repeats {
	rp := &repeats{key: make([]string, len(all)), times: map[string][]time.Time{}, at: make([]time.Time, len(all))}
	for i := range all {
		r := &all[i]
		if r.Ward == "" || r.SelfDefinedEthnicity == "" || r.Gender == "" || r.AgeRange == "" {
			continue
		}
		k := r.Ward + "|" + r.SelfDefinedEthnicity + "|" + r.Gender + "|" + r.AgeRange
		rp.key[i], rp.at[i] = k, r.Datetime
		rp.times[k] = append(rp.times[k], r.Datetime) // all is in time order
	}
	return rp
}

// repeated reports whether some window of ReviewRepeatWindow holding
// record i's search holds ReviewRepeatSearches searches of its description.
func (rp *repeats) repeated(i int) bool {
	k := rp.key[i]
	if k == "" {
		return false
	}
	ts, t := rp.times[k], rp.at[i]
	for a, start := range ts {
		if start.After(t) {
			break
		}
		if t.Sub(start) > charter.ReviewRepeatWindow {
			continue
		}
		n := 0
		for _, u := range ts[a:] {
			if u.Sub(start) > charter.ReviewRepeatWindow {
				break
			}
			n++
		}
		if n >= charter.ReviewRepeatSearches {
			return true
		}
	}
	return false
}
