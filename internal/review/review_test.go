package review_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/reviewtest"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

var key = []byte("a fixed key for the test's sample")

type env struct {
	st  *store.Store
	rec *record.Service
	svc *review.Service
	now time.Time
}

func newEnv(t *testing.T, complained map[int64]bool) *env {
	t.Helper()
	e := &env{st: recordtest.London(t), now: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.rec = record.New(e.st, record.Options{Now: clock})
	opts := review.Options{Now: clock, SampleKey: key, SampleRate: 0.25}
	if complained != nil {
		opts.Complained = func(_ context.Context, ids []int64) (map[int64]bool, error) { return complained, nil }
	}
	e.svc = review.New(e.st, e.rec, opts)
	return e
}

// actions lists the audit trail's actions with their subjects.
func actions(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	if err := st.AuditEvents(context.Background(), 0, func(ev charter.AuditEvent) error {
		out = append(out, ev.Actor+" "+ev.Action+" "+ev.Subject)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestQueueSampleAndRisksReviewFeedback(t *testing.T) {
	complained := map[int64]bool{}
	e := newEnv(t, complained)
	ctx := context.Background()
	pc := reviewtest.User(t, e.st, "pc-a1", charter.RoleOfficer, "A")
	pc2 := reviewtest.User(t, e.st, "pc-a2", charter.RoleOfficer, "A")
	pcB := reviewtest.User(t, e.st, "pc-b1", charter.RoleOfficer, "B")
	sup := reviewtest.User(t, e.st, "ps-a", charter.RoleSupervisor, "A")
	supB := reviewtest.User(t, e.st, "ps-b", charter.RoleSupervisor, "B")

	// Routine records four days apart (no description repeats within a
	// week), until some are sampled and some are not: references are
	// random, so the draw is too, and 18 records miss a 1 in 4 sample
	// about once in 180 runs. Past 18, the records fill the same days again
	// an hour later, each with a description of its own.
	want := map[string][]charter.Risk{} // reference → risks, for records that must be queued
	var plain []string                  // references that must not be
	sampled := map[string]bool{}
	var sampledID int64
	at := e.now.Add(-80 * 24 * time.Hour)
	for i := 0; i < 18 || (len(plain) == 0 || len(sampled) == 0) && i < 72; i++ {
		when := at.Add(time.Duration(i%18)*4*24*time.Hour + time.Duration(i/18)*time.Hour)
		sub := reviewtest.Submit(t, e.rec, pc, reviewtest.Record(i, when))
		if charter.Sampled(key, sub.Reference, 0.25) {
			want[sub.Reference], sampled[sub.Reference], sampledID = nil, true, sub.ID
		} else {
			plain = append(plain, sub.Reference)
		}
	}
	if len(plain) == 0 || len(sampled) == 0 {
		t.Fatalf("the draw gave %d sampled and %d not: the test needs both", len(sampled), len(plain))
	}
	yes := true
	day := e.now.Add(-2 * 24 * time.Hour)
	risky := func(i int, risk []charter.Risk, edit func(*charter.Record)) record.Submitted {
		r := reviewtest.Record(100+i, day.Add(time.Duration(i)*time.Minute))
		r.AgeRange = "over 34"
		r.SelfDefinedEthnicity = charter.SelfDefinedEthnicities[i].Label
		edit(&r)
		sub := reviewtest.Submit(t, e.rec, pc2, r)
		want[sub.Reference] = risk
		return sub
	}
	risky(1, []charter.Risk{charter.RiskShortGrounds}, func(r *charter.Record) { r.Grounds = "Smelt of cannabis, nervous" })
	risky(2, []charter.Risk{charter.RiskStripSearch}, func(r *charter.Record) { r.RemovalOfMoreThanOuterClothing = &yes })
	risky(3, []charter.Risk{charter.RiskForce}, func(r *charter.Record) { r.UseOfForce = &yes })
	copied := "He was seen by CCTV operators handing a knife to another youth outside the chicken shop on the high road"
	risky(4, []charter.Risk{charter.RiskCopiedGrounds}, func(r *charter.Record) { r.Grounds = copied })
	// Another officer's record, in another team, with nearly the same words.
	reviewtest.Submit(t, e.rec, pcB, func() charter.Record {
		r := reviewtest.Record(900, day.Add(-30*24*time.Hour))
		r.Grounds = "He was seen by CCTV operators handing a knife to another youth outside the chicken shop on the high road by the station."
		return r
	}())
	c := risky(5, []charter.Risk{charter.RiskComplaint}, func(*charter.Record) {})
	complained[c.ID] = true
	// One description searched three times in a week in one ward.
	for i := 0; i < 3; i++ {
		r := reviewtest.Record(200+i, day.Add(-time.Duration(i)*50*time.Hour))
		r.SelfDefinedEthnicity, r.Gender, r.AgeRange = charter.SelfDefinedEthnicities[5].Label, "Female", "10-17"
		want[reviewtest.Submit(t, e.rec, pc2, r).Reference] = []charter.Risk{charter.RiskRepeated}
	}
	// Team B's records and the supervisor's own are not in team A's queue.
	bShort := reviewtest.Record(300, day)
	bShort.Grounds = "Acting suspiciously near parked cars"
	bSub := reviewtest.Submit(t, e.rec, pcB, bShort)

	q, err := e.svc.Queue(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]review.Entry{}
	for _, en := range q {
		got[en.Record.Reference] = en
	}
	for ref, risks := range want {
		en, ok := got[ref]
		if !ok {
			t.Errorf("record %s (risks %v, sampled %t) is not in the queue", ref, risks, sampled[ref])
			continue
		}
		if en.Sampled != charter.Sampled(key, ref, 0.25) {
			t.Errorf("record %s: sampled %t, want %t", ref, en.Sampled, !en.Sampled)
		}
		// A risky record may be sampled too; its risks are exactly these.
		if !slices.Equal(en.Risks, risks) {
			t.Errorf("record %s: risks %v, want %v", ref, en.Risks, risks)
		}
		if len(en.Why()) == 0 {
			t.Errorf("record %s: no reason in words", ref)
		}
	}
	for _, ref := range plain {
		if _, ok := got[ref]; ok {
			t.Errorf("record %s is neither sampled nor risky but is queued", ref)
		}
	}
	if _, ok := got[bSub.Reference]; ok {
		t.Errorf("team B's record is in team A's queue")
	}
	if len(got) != len(want) {
		t.Errorf("queue has %d records, want %d", len(got), len(want))
	}

	// Team B's supervisor may not review team A's record, nor open it.
	rub := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{charter.CriterionGrounds: charter.MarkMet,
		charter.CriterionGOWISELY: charter.MarkPartly, charter.CriterionVideo: charter.MarkNotAssessed, charter.CriterionRespect: charter.MarkNotMet},
		Comment: "Good grounds; tell the person your station as well."}
	if _, err := e.svc.Review(ctx, supB, sampledID, rub); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Fatalf("team B's supervisor reviewing team A's record: %v, want forbidden", err)
	}
	if _, err := e.svc.ForReview(ctx, supB, sampledID); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Fatalf("team B's supervisor opening team A's record: %v, want forbidden", err)
	}
	// Nor may an officer, nor an empty rubric pass.
	if _, err := e.svc.Review(ctx, pc2, sampledID, rub); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Fatalf("an officer reviewing: %v, want forbidden", err)
	}
	if _, err := e.svc.Review(ctx, sup, sampledID, charter.Rubric{}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Fatalf("an empty rubric: %v, want field errors", err)
	}
	en, err := e.svc.ForReview(ctx, sup, sampledID)
	if err != nil || !en.Sampled {
		t.Fatalf("the supervisor opening the sampled record: %+v, %v", en, err)
	}
	v, err := e.svc.Review(ctx, sup, sampledID, rub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Review(ctx, sup, sampledID, rub); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Fatalf("a second review: %v, want conflict", err)
	}
	q2, err := e.svc.Queue(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	if len(q2) != len(q)-1 {
		t.Errorf("after the review the queue has %d records, want %d", len(q2), len(q)-1)
	}
	acts := actions(t, e.st)
	for _, a := range []string{"ps-a review.create review:" + itoa(v.ID), "ps-b review.refused record:" + itoa(sampledID),
		"ps-a review.queue.read team:metropolitan/A", "ps-b review.read_refused record:" + itoa(sampledID)} {
		if !slices.Contains(acts, a) {
			t.Errorf("audit trail lacks %q", a)
		}
	}

	// The officer sees it, and reading it marks it seen; another officer
	// may not read it.
	fb, err := e.svc.Feedback(ctx, pc)
	if err != nil || len(fb) != 1 || fb[0].Rubric.Comment != rub.Comment || !fb[0].Seen.IsZero() {
		t.Fatalf("the officer's feedback: %+v, %v", fb, err)
	}
	if _, err := e.svc.ReviewsOf(ctx, pc2, sampledID); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Fatalf("another officer reading the review: %v, want forbidden", err)
	}
	rs, err := e.svc.ReviewsOf(ctx, pc, sampledID)
	if err != nil || len(rs) != 1 || rs[0].Rubric.Marks[charter.CriterionGrounds] != charter.MarkMet {
		t.Fatalf("the officer's review of their record: %+v, %v", rs, err)
	}
	fb, _ = e.svc.Feedback(ctx, pc)
	if len(fb) != 1 || fb[0].Seen.IsZero() {
		t.Fatalf("after reading, the review is not marked seen: %+v", fb)
	}
	acts = actions(t, e.st)
	if !slices.Contains(acts, "pc-a1 review.seen record:"+itoa(sampledID)) || !slices.Contains(acts, "pc-a1 review.read user:"+itoa(pc.ID)) {
		t.Errorf("the officer's reading and seeing are not audited: %v", acts[len(acts)-5:])
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFunnelFlagsArrestOutlier(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	hi := reviewtest.User(t, e.st, "pc-high", charter.RoleOfficer, "A")
	mid := reviewtest.User(t, e.st, "pc-mid", charter.RoleOfficer, "A")
	other := reviewtest.User(t, e.st, "pc-other", charter.RoleOfficer, "B")
	sup := reviewtest.User(t, e.st, "ps-a", charter.RoleSupervisor, "A")
	supB := reviewtest.User(t, e.st, "ps-b", charter.RoleSupervisor, "B")
	analyst := reviewtest.User(t, e.st, "analyst-1", charter.RoleAnalyst, "")
	yes := true
	at := e.now.Add(-100 * 24 * time.Hour)
	n := 0
	add := func(u *charter.User, count int, arrest bool) {
		for i := 0; i < count; i++ {
			r := reviewtest.Record(n, at.Add(time.Duration(n)*time.Hour))
			if arrest {
				r.Outcome, r.OutcomeLinkedToObjectOfSearch = "Arrest", &yes
			}
			reviewtest.Submit(t, e.rec, u, r)
			n++
		}
	}
	// pc-high: 24 of 30 searches end in arrest; everyone else 3 of 30.
	add(hi, 24, true)
	add(hi, 6, false)
	add(mid, 3, true)
	add(mid, 27, false)
	add(other, 3, true)
	add(other, 27, false)

	v, err := e.svc.Team(ctx, sup, "A")
	if err != nil {
		t.Fatal(err)
	}
	if v.All.Searches != 90 || v.Whole.Searches != 60 || len(v.Officers) != 2 {
		t.Fatalf("force %d searches, team %d, %d officers; want 90, 60, 2", v.All.Searches, v.Whole.Searches, len(v.Officers))
	}
	for _, o := range v.Officers {
		a := o.Arrests
		switch o.Name {
		case "pc-high":
			if a.Count != 24 || a.Of != 30 || a.Position998 != stats.Above || !o.Outlier() || len(o.Flags()) == 0 {
				t.Errorf("pc-high: %d of %d, position %v, outlier %t: want 24 of 30 above the 99.8%% limit", a.Count, a.Of, a.Position998, o.Outlier())
			}
			if !(a.Upper998 < 0.8 && a.Upper998 > a.Target) {
				t.Errorf("pc-high's upper limit %.3f against target %.3f", a.Upper998, a.Target)
			}
		case "pc-mid":
			if a.Position998 == stats.Above || a.Count != 3 {
				t.Errorf("pc-mid: %d, %v: want 3, not above", a.Count, a.Position998)
			}
		}
		if !a.HasInterval() {
			t.Errorf("%s: no interval", o.Name)
		}
	}
	if _, err := e.svc.Team(ctx, supB, "A"); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("team B's supervisor viewing team A: %v, want forbidden", err)
	}
	if _, err := e.svc.Officer(ctx, supB, hi.ID); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("team B's supervisor viewing pc-high: %v, want forbidden", err)
	}
	if _, err := e.svc.Team(ctx, hi, "A"); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("an officer viewing the team: %v, want forbidden", err)
	}
	ov, err := e.svc.Officer(ctx, analyst, hi.ID)
	if err != nil || !ov.Unit.Outlier() {
		t.Fatalf("the analyst's view of pc-high: outlier %t, %v", ov.Unit.Outlier(), err)
	}
	fv, err := e.svc.Teams(ctx, analyst)
	if err != nil || len(fv.Teams) != 2 {
		t.Fatalf("the analyst's teams: %+v, %v", fv.Teams, err)
	}
	if _, err := e.svc.Teams(ctx, sup); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("a supervisor listing the force's teams: %v, want forbidden", err)
	}
	if !slices.Contains(actions(t, e.st), "analyst-1 figures.outliers.read user:"+itoa(hi.ID)) {
		t.Error("the analyst's view is not audited")
	}
}
