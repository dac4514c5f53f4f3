package deploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// A plan goes from draft to the ward page before it starts; residents'
// comments are public only once approved, the police answer beside them;
// after the period the plan stands beside what happened. Runs on SQLite,
// and on PostgreSQL under CHARTER_TEST_DATABASE.
func TestDeployments(t *testing.T) {
	ctx := context.Background()
	st := recordtest.London(t)
	snap, err := readmodel.Read(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	fig := public.New(st, snap, "metropolitan")
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	rec := record.New(st, record.Options{Now: clock})
	s := deploy.New(st, rec, deploy.Options{Now: clock})
	sup := recordtest.User(t, st, "insp-plan", charter.RoleSupervisor, charter.RankInspector)
	off := recordtest.User(t, st, "pc-plan", charter.RoleOfficer, charter.RankConstable)
	analyst := recordtest.User(t, st, "analyst-plan", charter.RoleAnalyst, 0)
	plan := deploy.Plan{Kind: charter.DeploymentHotspot, Title: "Brixton town centre patrols", Wards: []string{recordtest.BrixtonWard},
		Start: now.Add(48 * time.Hour), End: now.Add(15 * 24 * time.Hour),
		Why:     "Robberies with knives around the station have doubled since the summer.",
		Respond: "Come to the ward panel on Tuesday at 7pm, or write below."}

	t.Run("refusals", func(t *testing.T) {
		if _, err := s.Create(ctx, off, fig, plan); charter.ErrorCode(err) != charter.EFORBIDDEN {
			t.Errorf("an officer plans: %v", err)
		}
		if _, err := s.Create(ctx, analyst, fig, plan); charter.ErrorCode(err) != charter.EFORBIDDEN {
			t.Errorf("an analyst plans: %v", err)
		}
		bad := plan
		bad.Kind, bad.Wards, bad.Why, bad.Respond, bad.Start = "raid", []string{"E09000022", "E05999999"}, "knives", "", now.Add(-time.Hour)
		_, err := s.Create(ctx, sup, fig, bad)
		var fe charter.FieldErrors
		if !errors.As(err, &fe) {
			t.Fatalf("bad plan: %v", err)
		}
		got := map[string]bool{}
		for _, f := range fe {
			got[f.Field] = true
		}
		for _, f := range []string{"kind", "wards", "why", "respond", "start"} {
			if !got[f] {
				t.Errorf("no problem named %s in %v", f, fe)
			}
		}
	})

	d, err := s.Create(ctx, sup, fig, plan)
	if err != nil {
		t.Fatal(err)
	}
	if d.Published != nil || len(d.Evidence.Wards) != 1 || d.Evidence.Wards[0].Name != "Brixton Windrush" {
		t.Fatalf("the draft: %+v", d)
	}
	if _, err := s.Get(ctx, nil, d.ID); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("the public reads a draft: %v", err)
	}
	if _, err := s.Get(ctx, sup, d.ID); err != nil {
		t.Errorf("its planner cannot read the draft: %v", err)
	}
	if _, err := s.Comment(ctx, d.ID, "Why here?"); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("a comment on a draft: %v", err)
	}
	if list, _ := s.ForArea(ctx, recordtest.BrixtonWard, time.Time{}, time.Time{}); len(list) != 0 {
		t.Errorf("a draft on the ward page: %+v", list)
	}
	if _, err := s.Publish(ctx, off, d.ID); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("an officer publishes: %v", err)
	}
	if d, err = s.Publish(ctx, sup, d.ID); err != nil || d.Published == nil {
		t.Fatalf("publish: %v %+v", err, d)
	}
	if _, err := s.Publish(ctx, sup, d.ID); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("publishing twice: %v", err)
	}
	for _, area := range []string{recordtest.BrixtonWard, "E09000022", "metropolitan"} {
		if list, err := s.ForArea(ctx, area, time.Time{}, time.Time{}); err != nil || len(list) != 1 || list[0].ID != d.ID {
			t.Errorf("the plan on the page of %s: %v %+v", area, err, list)
		}
	}
	if list, _ := s.ForArea(ctx, "E09000001", time.Time{}, time.Time{}); len(list) != 0 {
		t.Errorf("the plan on another borough's page: %+v", list)
	}

	t.Run("too late to publish", func(t *testing.T) {
		p := plan
		p.Start, p.End = now.Add(time.Hour), now.Add(5*24*time.Hour)
		late, err := s.Create(ctx, sup, fig, p)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		defer func() { now = now.Add(-2 * time.Hour) }()
		_, err = s.Publish(ctx, sup, late.ID)
		if charter.ErrorCode(err) != charter.EINVALID || !strings.Contains(charter.ErrorMessage(err), "published before it starts") {
			t.Errorf("a plan whose start has passed: %v", err)
		}
	})

	t.Run("comments", func(t *testing.T) {
		if _, err := s.Comment(ctx, d.ID, " "); charter.ErrorCode(err) != charter.EFIELDS {
			t.Errorf("an empty comment: %v", err)
		}
		c1, err := s.Comment(ctx, d.ID, "Will you be searching children on their way to school?")
		if err != nil {
			t.Fatal(err)
		}
		c2, err := s.Comment(ctx, d.ID, "Officer Smith at 14 Acre Lane is a disgrace")
		if err != nil {
			t.Fatal(err)
		}
		if pub, _ := s.Comments(ctx, nil, d); len(pub) != 0 {
			t.Errorf("unmoderated comments are public: %+v", pub)
		}
		if all, _ := s.Comments(ctx, sup, d); len(all) != 2 {
			t.Errorf("the moderator sees %d comments", len(all))
		}
		if _, err := s.Answer(ctx, sup, c1.ID, "We will not."); charter.ErrorCode(err) != charter.ECONFLICT {
			t.Errorf("an answer to an unapproved comment: %v", err)
		}
		if _, err := s.Moderate(ctx, off, c1.ID, true); charter.ErrorCode(err) != charter.EFORBIDDEN {
			t.Errorf("an officer moderates: %v", err)
		}
		if _, err := s.Moderate(ctx, sup, c1.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Moderate(ctx, sup, c2.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Answer(ctx, sup, c1.ID, "Patrols are in the evenings, after school hours."); err != nil {
			t.Fatal(err)
		}
		pub, err := s.Comments(ctx, nil, d)
		if err != nil || len(pub) != 1 || pub[0].ID != c1.ID || pub[0].Answer == "" || pub[0].AnsweredAt == nil {
			t.Errorf("public comments: %v %+v", err, pub)
		}
		if pub, _ := s.Comments(ctx, analyst, d); len(pub) != 1 {
			t.Errorf("an analyst (no moderation) sees %d comments", len(pub))
		}
	})

	t.Run("audited", func(t *testing.T) {
		seen := map[string]int{}
		if err := st.AuditEvents(ctx, 0, func(ev charter.AuditEvent) error {
			if strings.HasPrefix(ev.Action, "deployment.") {
				seen[ev.Action]++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for a, n := range map[string]int{"deployment.create": 2, "deployment.publish": 1, "deployment.comment": 2, "deployment.moderate": 2, "deployment.answer": 1} {
			if seen[a] != n {
				t.Errorf("%s audited %d times, want %d (%v)", a, seen[a], n, seen)
			}
		}
	})

	t.Run("outcome", func(t *testing.T) {
		// A plan of September 2024, the month of searches the store holds
		// (stored directly: a plan cannot be made for the past).
		past, err := st.InsertDeployment(ctx, store.Actor{ID: sup.ID, Name: sup.Name}, charter.Deployment{Force: "metropolitan", Kind: charter.DeploymentOperation,
			Title: "Operation test", Wards: []string{recordtest.BrixtonWard}, Start: time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC),
			End: time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC), Why: plan.Why, Respond: plan.Respond, PlannedBy: sup.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.PublishDeployment(ctx, store.Actor{ID: sup.ID, Name: sup.Name}, past.ID, func(*charter.Deployment) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Comment(ctx, past.ID, "Too late?"); charter.ErrorCode(err) != charter.ECONFLICT {
			t.Errorf("a comment on an ended plan: %v", err)
		}
		o, err := s.Outcome(ctx, fig, past)
		if err != nil {
			t.Fatal(err)
		}
		if o.Period != "September 2024" || o.StopMonths != 1 || o.Searches != 40 || o.Wards[0].Searches != 40 || o.Arrest.Of != 40 || !o.PerMonth.HasInterval() {
			t.Errorf("outcome: %+v", o)
		}
		if o.Complaints != nil || !strings.Contains(strings.Join(o.Notes, " "), "Complaints") {
			t.Errorf("complaints without a hook: %+v", o)
		}
	})
}
