package training

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func TestTrainingService(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	sup := recordtest.User(t, st, "insp-1", charter.RoleSupervisor, charter.RankInspector)
	officer := recordtest.User(t, st, "pc-1", charter.RoleOfficer, charter.RankConstable)
	other := recordtest.User(t, st, "pc-2", charter.RoleOfficer, charter.RankConstable)
	analyst := recordtest.User(t, st, "analyst-1", charter.RoleAnalyst, 0)
	day := time.Date(2025, 2, 15, 0, 0, 0, 0, time.UTC)
	var calls []string
	svc := New(st, nil, Options{
		Complaints: func(ctx context.Context, ids []int64, from, to time.Time) (map[int64]int, error) {
			calls = append(calls, fmt.Sprintf("%v %s %s", ids, from.Format(time.DateOnly), to.Format(time.DateOnly)))
			m := map[int64]int{}
			for _, id := range ids {
				if id == officer.ID && !from.IsZero() {
					m[id] = 1 // one complaint after training
				}
				if id == other.ID {
					m[id] = 2
				}
			}
			return m, nil
		},
		ReviewScores: func(ctx context.Context, ids []int64, from, to time.Time) (map[int64][]float64, error) {
			m := map[int64][]float64{}
			for _, id := range ids {
				m[id] = []float64{0.5, 1}
			}
			return m, nil
		},
	})
	if _, err := svc.CreateCourse(ctx, analyst, charter.Course{Name: "Procedural justice"}); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Fatalf("an analyst adding a course: %v", err)
	}
	if _, err := svc.CreateCourse(ctx, sup, charter.Course{Name: "  "}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Fatalf("a course without a name: %v", err)
	}
	if _, err := svc.CreateCourse(ctx, sup, charter.Course{Name: "Procedural  justice", Description: "The pilot's course"}); err != nil {
		t.Fatal(err)
	}
	// The form's errors name its fields; nothing is stored.
	err := svc.Record(ctx, sup, "pc-9", "Procedural justice", "2099-01-01")
	if charter.ErrorCode(err) != charter.EFIELDS || !strings.Contains(err.Error(), "no user called") || !strings.Contains(err.Error(), "future") {
		t.Fatalf("a bad completion: %v", err)
	}
	if err := svc.Record(ctx, sup, "pc-1", "Procedural justice", day.Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	cs, err := svc.Completions(ctx, sup, 10)
	if err != nil || len(cs) != 1 || cs[0].Officer != "pc-1" || !cs[0].Date.Equal(day) {
		t.Fatalf("completions: %+v %v", cs, err)
	}
	for i, s := range []struct {
		who  *charter.User
		when time.Time
	}{{officer, day.AddDate(0, -1, 0)}, {officer, day.AddDate(0, 1, 0)}, {other, day.AddDate(0, 1, 1)}} {
		r := recordtest.Routine(s.when)
		r.Reference, r.Force, r.OfficerID = fmt.Sprintf("R-%d", i), "metropolitan", s.who.ID
		if _, _, err := st.InsertRecord(ctx, store.ActorOf(s.who), "", store.NewRecord{Record: r, Borough: "E09000022", Ward: recordtest.BrixtonWard,
			ReceiptHash: fmt.Sprintf("r%d", i), ReceiptExpires: s.when.AddDate(0, 1, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := svc.ReportOf(ctx, store.ActorOf(sup), "metropolitan", "Procedural justice")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Notes) != 0 {
		t.Errorf("notes with both hooks: %v", rep.Notes)
	}
	ba, tu := rep.Comparisons[0], rep.Comparisons[1]
	if ba.A.Searches != 1 || ba.B.Searches != 1 || tu.A.Searches != 1 || tu.B.Searches != 1 {
		t.Fatalf("groups: %+v %+v", ba, tu)
	}
	comp := ba.Measures[2]
	if !comp.Available || comp.A.Count != 0 || comp.B.Count != 1 || !comp.B.Estimate.HasValue() || comp.B.Estimate.Value != 100 {
		t.Errorf("complaints before and after: %+v", comp)
	}
	if c := tu.Measures[2]; c.A.Count != 2 || c.B.Count != 1 {
		t.Errorf("complaints untrained against trained: %+v (calls %v)", c, calls)
	}
	if rv := ba.Measures[4]; !rv.Available || rv.A.Of != 2 || !rv.A.Estimate.HasValue() || rv.A.Estimate.Value != 0.75 || !strings.HasPrefix(rv.Verdict, "The data cannot tell") {
		t.Errorf("review scores: %+v", rv)
	}
	found := false
	_ = st.AuditEvents(ctx, 0, func(ev charter.AuditEvent) error {
		found = found || ev.Action == "records.read_aggregate" && strings.Contains(ev.After, "training report")
		return nil
	})
	if !found {
		t.Error("the report's read of the records is not audited")
	}
}
