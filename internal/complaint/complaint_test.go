package complaint_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// london is recordtest.London that also gives the database's address, so
// the test can add a scrutiny panel (the panels' own service is not this
// package's).
func london(t *testing.T) (*store.Store, string) {
	t.Helper()
	dsn := storetest.DSN(t)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := recordtest.DataDir()
	if _, err := (&importer.Importer{Store: st}).Import(context.Background(),
		filepath.Join(d, "boundaries", "london-lad22.geojson.gz"),
		filepath.Join(d, "boundaries", "london-wards-2022.geojson.gz")); err != nil {
		t.Fatal(err)
	}
	return st, dsn
}

// insertPanel adds a panel scrutinising areas through a connection of its
// own and returns its id.
func insertPanel(t *testing.T, dsn, name, areas string) int64 {
	t.Helper()
	driver, src := "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	if store.IsPostgres(dsn) {
		driver, src = "pgx", dsn
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRow(`INSERT INTO panels (force, name, areas, created_at) VALUES ('metropolitan', $1, $2, 0) RETURNING id`, name, areas).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// env is a London store, the record and complaint services on one clock
// the test moves, and users of the roles the workflow involves.
type env struct {
	st                            *store.Store
	rec                           *record.Service
	svc                           *complaint.Service
	now                           time.Time
	officer, handler, sup, member *charter.User
	panelID                       int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, dsn := london(t)
	e := &env{st: st, now: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.rec = record.New(e.st, record.Options{Now: clock, BaseURL: "https://charter.test"})
	e.svc = complaint.New(e.st, e.rec, complaint.Options{Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.officer = recordtest.User(t, e.st, "pc-1", charter.RoleOfficer, charter.RankConstable)
	e.handler = recordtest.User(t, e.st, "handler-1", charter.RoleComplaints, charter.RankNone)
	e.sup = recordtest.User(t, e.st, "sgt-1", charter.RoleSupervisor, charter.RankSergeant)
	// A panel scrutinising Lambeth, and a member of it.
	e.panelID = insertPanel(t, dsn, "Lambeth panel", "E09000022")
	m, err := e.st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{Name: "member-1", Role: charter.RolePanel, PanelID: e.panelID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	e.member = m
	return e
}

// search records a routine search in Brixton and returns its receipt's
// token and id.
func (e *env) search(t *testing.T) (string, int64) {
	t.Helper()
	sub, err := e.rec.Submit(context.Background(), e.officer, "", recordtest.Routine(e.now))
	if err != nil {
		t.Fatal(err)
	}
	return sub.ReceiptToken, sub.ID
}

// TestTriggerFiresAtThreshold: complaints about searches in one ward fire
// the community trigger exactly when the third is lodged within three
// months, not before; three spread over more than the window never fire;
// and complaints counted by a trigger do not fire it again.
func TestTriggerFiresAtThreshold(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	places, err := e.svc.Places(ctx)
	if err != nil || len(places.Wards) < 4 {
		t.Fatalf("places: %d wards, %v", len(places.Wards), err)
	}
	t0 := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	tests := []struct {
		name   string
		lodged []time.Time
		fires  []bool // after each complaint: has a new trigger fired?
	}{
		{"two complaints", []time.Time{day(0), day(30)}, []bool{false, false}},
		{"the third within the window", []time.Time{day(0), day(30), day(60)}, []bool{false, false, true}},
		{"three over more than the window", []time.Time{day(0), day(50), day(100)}, []bool{false, false, false}},
		{"counted complaints do not fire again", []time.Time{day(0), day(10), day(20), day(21), day(22), day(23)},
			[]bool{false, false, true, false, false, true}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ward := places.Wards[i].Code
			for j, at := range tt.lodged {
				e.now = at
				before, _ := e.svc.Triggers(ctx, ward)
				if _, err := e.svc.Lodge(ctx, complaint.Lodging{Ward: ward, Text: "The officer searched me for no reason"}); err != nil {
					t.Fatal(err)
				}
				after, err := e.svc.Triggers(ctx, ward)
				if err != nil {
					t.Fatal(err)
				}
				if fired := len(after) > len(before); fired != tt.fires[j] {
					t.Fatalf("complaint %d at %s: fired %v, want %v", j+1, at.Format(time.DateOnly), fired, tt.fires[j])
				}
				if len(after) > len(before) && after[0].Complaints != complaint.New(e.st, e.rec, complaint.Options{}).Rule().Threshold {
					t.Errorf("the trigger counts %d complaints", after[0].Complaints)
				}
			}
		})
	}
}

// TestComplaintLifecycle: a complaint from a receipt is linked to the
// record and its ward, acknowledged, handled stage by stage, and seen by
// the officer only once released, never with the contact.
func TestComplaintLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	token, recID := e.search(t)
	const contact = "complainant.qx9@example.org"
	ack, err := e.svc.LodgeFromReceipt(ctx, token, complaint.Lodging{Contact: contact, Text: "He pulled my bag apart and laughed"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ack.Reference, "C-") || !ack.Reply || !ack.TriageBy.After(e.now) {
		t.Errorf("acknowledgement %+v", ack)
	}
	q, err := e.svc.Queue(ctx, e.handler)
	if err != nil || len(q) != 1 || !q[0].Linked || q[0].Ward != recordtest.BrixtonWard || q[0].Borough != "E09000022" {
		t.Fatalf("queue %+v, %v", q, err)
	}
	id := q[0].ID
	// Nobody but the complaints team handles it.
	for _, u := range []*charter.User{e.officer, e.sup, e.member, nil} {
		if err := e.svc.Triage(ctx, u, id, "conduct", ""); charter.ErrorCode(err) != charter.EFORBIDDEN {
			t.Errorf("triage by %v: %v", u, err)
		}
	}
	seen := func() int {
		vs, err := e.svc.Released(ctx, e.officer)
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	if seen() != 0 {
		t.Fatal("the officer sees the complaint before it is released")
	}
	// Overdue after ten working days untriaged.
	e.now = e.now.AddDate(0, 0, 15)
	if od, _ := e.svc.Overdue(ctx, e.handler); len(od) != 1 || od[0].Overdue[0].Stage != charter.ComplaintTriaged {
		t.Errorf("overdue: %+v", od)
	}
	steps := []struct {
		name string
		do   func() error
		code string
	}{
		{"close before decided", func() error { return e.svc.Close(ctx, e.handler, id, "") }, charter.ECONFLICT},
		{"assign before triage", func() error { return e.svc.Assign(ctx, e.handler, id, e.handler.ID) }, charter.ECONFLICT},
		{"triage, unknown category", func() error { return e.svc.Triage(ctx, e.handler, id, "weather", "") }, charter.EFIELDS},
		{"triage", func() error { return e.svc.Triage(ctx, e.handler, id, "conduct", "Conduct during the search") }, ""},
		{"assign to an officer", func() error { return e.svc.Assign(ctx, e.handler, id, e.officer.ID) }, charter.EFIELDS},
		{"assign", func() error { return e.svc.Assign(ctx, e.handler, id, e.handler.ID) }, ""},
		{"investigate", func() error { return e.svc.Investigate(ctx, e.handler, id, "Body-worn video requested") }, ""},
		{"decide without learning", func() error { return e.svc.Decide(ctx, e.handler, id, "upheld", "") }, charter.EFIELDS},
		{"decide", func() error {
			return e.svc.Decide(ctx, e.handler, id, "upheld", "Treat belongings with care; debrief given by the sergeant")
		}, ""},
	}
	for _, s := range steps {
		if err := s.do(); charter.ErrorCode(err) != s.code {
			t.Fatalf("%s: %v, want code %q", s.name, err, s.code)
		}
	}
	if seen() != 0 {
		t.Fatal("the officer sees the complaint before it is released")
	}
	if err := e.svc.Release(ctx, e.handler, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Release(ctx, e.handler, id); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("released twice: %v", err)
	}
	vs, err := e.svc.Released(ctx, e.officer)
	if err != nil || len(vs) != 1 || vs[0].RecordID != recID || vs[0].Learning == "" || vs[0].Outcome != charter.OutcomeUpheld {
		t.Fatalf("the officer's view %+v, %v", vs, err)
	}
	if other := recordtest.User(t, e.st, "pc-2", charter.RoleOfficer, charter.RankConstable); true {
		if vs, _ := e.svc.Released(ctx, other); len(vs) != 0 {
			t.Error("another officer sees the complaint")
		}
	}
	if err := e.svc.Close(ctx, e.handler, id, "Complainant told by email"); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.Case(ctx, e.handler, id)
	if err != nil || c.Status != charter.ComplaintClosed || c.Contact != contact || len(c.Events) != 7 {
		t.Errorf("case: %s, %d events, %v", c.Status, len(c.Events), err)
	}
	// The audit trail has every step and never the contact or the words.
	actions := map[string]bool{}
	if err := e.st.AuditEvents(ctx, 0, func(ev charter.AuditEvent) error {
		actions[ev.Action] = true
		if strings.Contains(ev.After+ev.Before, contact) || strings.Contains(ev.After+ev.Before, "laughed") {
			t.Errorf("audit %s holds the complainant's contact or words", ev.Action)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"complaint.create", "complaint.triage", "complaint.assign", "complaint.investigate",
		"complaint.decide", "complaint.release", "complaint.close", "complaint.read", "complaint.read_released"} {
		if !actions[a] {
			t.Errorf("no %s in the audit trail", a)
		}
	}
	// What supervision and training ask of the store.
	got, err := e.st.ComplainedRecords(ctx, []int64{recID, recID + 1000})
	if err != nil || !got[recID] || got[recID+1000] {
		t.Errorf("complained records %v, %v", got, err)
	}
	m := charter.MonthOf(e.now.AddDate(0, 0, -15))
	n, err := e.st.ComplaintsByOfficer(ctx, "metropolitan", m, m)
	if err != nil || n[e.officer.ID] != 1 {
		t.Errorf("complaints by officer %v, %v", n, err)
	}
}

// TestTriggerPanelAndExplanation: a trigger in Lambeth is shown to the
// Lambeth panel, which requires an explanation; the force's answer is
// published with the trigger; the public sees no complaint and no person.
func TestTriggerPanelAndExplanation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		token, _ := e.search(t)
		if _, err := e.svc.LodgeFromReceipt(ctx, token, complaint.Lodging{Contact: "07700 900123", Text: "Searched again for nothing"}); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(48 * time.Hour)
	}
	pub, err := e.svc.Triggers(ctx, "E09000022")
	if err != nil || len(pub) != 1 || pub[0].Ward != recordtest.BrixtonWard || pub[0].Complaints != 3 || !pub[0].PanelNotified {
		t.Fatalf("public triggers %+v, %v", pub, err)
	}
	id := pub[0].ID
	if _, err := e.svc.PanelTriggers(ctx, e.officer); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("an officer lists the panel's triggers: %v", err)
	}
	pt, err := e.svc.PanelTriggers(ctx, e.member)
	if err != nil || len(pt) != 1 {
		t.Fatalf("panel triggers %+v, %v", pt, err)
	}
	if err := e.svc.RequireExplanation(ctx, e.member, id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RequireExplanation(ctx, e.member, id); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("required twice: %v", err)
	}
	if err := e.svc.Explain(ctx, e.member, id, "x"); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("a panel member explains: %v", err)
	}
	if err := e.svc.Explain(ctx, e.sup, id, ""); charter.ErrorCode(err) != charter.EFIELDS {
		t.Errorf("an empty explanation: %v", err)
	}
	const answer = "Searches rose after two stabbings near the station; each has been reviewed with the officers."
	if err := e.svc.Explain(ctx, e.handler, id, answer); err != nil {
		t.Fatal(err)
	}
	pub, _ = e.svc.Triggers(ctx, recordtest.BrixtonWard)
	if len(pub) != 1 || pub[0].Explanation != answer || pub[0].ExplanationRequired == nil || pub[0].Explained == nil {
		t.Errorf("published trigger %+v", pub)
	}
	// Figures: three complaints in one month are published; a borough with
	// fewer than three is not.
	f, err := e.svc.Figures(ctx, "metropolitan", charter.MonthOf(e.now).Add(-1), charter.MonthOf(e.now))
	if err != nil || len(f.Boroughs) != 1 || f.Boroughs[0].Lodged.Count != 3 || f.Boroughs[0].Linked.Count != 3 {
		t.Fatalf("figures %+v, %v", f, err)
	}
	if _, err := e.svc.Lodge(ctx, complaint.Lodging{Borough: "E09000028", Anonymous: true, Text: "Stopped outside school"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Lodge(ctx, complaint.Lodging{Borough: "E09000028", Anonymous: true, Contact: "me@example.org", Text: "x"}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Errorf("an anonymous complaint with a contact: %v", err)
	}
	if _, err := e.svc.Lodge(ctx, complaint.Lodging{Text: "x"}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Errorf("a complaint with no place: %v", err)
	}
	f, _ = e.svc.Figures(ctx, "metropolitan", charter.MonthOf(e.now).Add(-1), charter.MonthOf(e.now))
	for _, b := range f.Boroughs {
		if b.Area == "E09000028" && (!b.Lodged.Suppressed || b.Lodged.Count != 0) {
			t.Errorf("one complaint in Southwark published: %+v", b)
		}
	}
}
