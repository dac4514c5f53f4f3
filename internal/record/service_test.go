package record_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/audit"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// env is a London store, a service with a clock the test moves, and users
// of each role the encounter involves.
type env struct {
	st                        *store.Store
	svc                       *record.Service
	now                       time.Time
	officer, other, sup, sgt  *charter.User
	complaints, panel, admin_ *charter.User
	sent                      []string
}

type captureSender struct{ e *env }

func (c captureSender) Send(_ context.Context, to, subject, body string) error {
	c.e.sent = append(c.e.sent, to+"|"+body)
	return nil
}

func newEnv(t *testing.T, opts record.Options) *env {
	t.Helper()
	e := &env{st: recordtest.London(t), now: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)}
	opts.Now = func() time.Time { return e.now }
	opts.BaseURL = "https://charter.test/"
	opts.Sender = captureSender{e}
	e.svc = record.New(e.st, opts)
	e.officer = recordtest.User(t, e.st, "pc-1234", charter.RoleOfficer, charter.RankConstable)
	e.other = recordtest.User(t, e.st, "pc-5678", charter.RoleOfficer, charter.RankConstable)
	e.sup = recordtest.User(t, e.st, "insp-42", charter.RoleSupervisor, charter.RankInspector)
	e.sgt = recordtest.User(t, e.st, "ps-7", charter.RoleSupervisor, charter.RankSergeant)
	e.complaints = recordtest.User(t, e.st, "complaints-1", charter.RoleComplaints, charter.RankNone)
	e.panel = recordtest.User(t, e.st, "panel-1", charter.RolePanel, charter.RankNone)
	e.admin_ = recordtest.User(t, e.st, "admin-1", charter.RoleAdmin, charter.RankNone)
	return e
}

func fields(err error) []string {
	var fe charter.FieldErrors
	if !errors.As(err, &fe) {
		return nil
	}
	var out []string
	for _, f := range fe {
		out = append(out, f.Field)
	}
	return out
}

func hasField(err error, field string) bool {
	for _, f := range fields(err) {
		if f == field {
			return true
		}
	}
	return false
}

func TestSubmitIdempotentAndAudited(t *testing.T) {
	e := newEnv(t, record.Options{})
	ctx := context.Background()
	r := recordtest.Routine(e.now)
	a, err := e.svc.Submit(ctx, e.officer, "key-1", r)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || len(a.Reference) != 9 || !strings.HasPrefix(a.ReceiptURL, "https://charter.test/r/") || a.Replayed {
		t.Fatalf("first submission = %+v", a)
	}
	b, err := e.svc.Submit(ctx, e.officer, "key-1", r)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != a.ID || b.Reference != a.Reference || b.ReceiptURL != a.ReceiptURL || !b.Replayed {
		t.Fatalf("replay = %+v, want the first answer %+v replayed", b, a)
	}
	// The same key from another officer is theirs, not a replay.
	c, err := e.svc.Submit(ctx, e.other, "key-1", r)
	if err != nil || c.ID == a.ID || c.Replayed {
		t.Fatalf("another officer's key: %+v, %v", c, err)
	}
	ids, keys, err := e.st.RecordIDs(ctx)
	if err != nil || len(ids) != 2 || keys != 2 {
		t.Fatalf("stored %d records and %d keys (%v), want 2 and 2", len(ids), keys, err)
	}
	got, err := e.svc.Get(ctx, e.officer, a.ID)
	if err != nil || got.Grounds != r.Grounds || got.Force != "metropolitan" || got.OfficerID != e.officer.ID || got.Version != 1 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	res, err := audit.Verify(ctx, e.st)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	e.st.AuditEvents(ctx, 1, func(ev charter.AuditEvent) error {
		if strings.HasPrefix(ev.Subject, "record:") {
			actions = append(actions, ev.Action)
		}
		return nil
	})
	if res.Events == 0 || strings.Join(actions, ",") != "record.create,record.read,record.create,record.read" {
		t.Errorf("audit of records = %v (chain of %d events), want each create and read", actions, res.Events)
	}
}

func TestChecksNameEveryField(t *testing.T) {
	e := newEnv(t, record.Options{})
	ctx := context.Background()
	yes := true
	cases := []struct {
		name   string
		edit   func(*charter.Record)
		fields []string
	}{
		{"power does not fit the object", func(r *charter.Record) { r.Legislation = charter.LawPACE1 }, []string{"object_of_search"}},
		{"no grounds under a suspicion power", func(r *charter.Record) { r.Grounds = "smell" }, []string{"grounds"}},
		{"a future time", func(r *charter.Record) { r.Datetime = e.now.Add(time.Hour) }, []string{"datetime"}},
		{"outside the force area", func(r *charter.Record) { r.Latitude, r.Longitude = 51.2362, -0.5704 }, []string{"latitude"}},
		{"s60 without an authorisation", func(r *charter.Record) {
			r.Legislation, r.ObjectOfSearch = charter.LawS60, charter.ObjectWeapons
		}, []string{"authorisation_id"}},
		{"no further action linked to the object", func(r *charter.Record) { r.OutcomeLinkedToObjectOfSearch = &yes }, []string{"outcome_linked_to_object_of_search"}},
		{"a vehicle search without a registration", func(r *charter.Record) { r.Type = "Person and Vehicle search" }, []string{"vehicle_registration"}},
		{"three at once", func(r *charter.Record) {
			r.Gender, r.AgeRange, r.UseOfForce = "Unknown", "", nil
		}, []string{"gender", "age_range", "use_of_force"}},
		{"an unknown street", func(r *charter.Record) { r.Latitude, r.Longitude, r.Address = 0, 0, "Nowhere Lane Imaginary" }, []string{"address"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := recordtest.Routine(e.now)
			c.edit(&r)
			_, err := e.svc.Submit(ctx, e.officer, "", r)
			if charter.ErrorCode(err) != charter.EFIELDS {
				t.Fatalf("Submit = %v, want refused field by field", err)
			}
			if got := fields(err); strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Errorf("fields = %v, want %v (%v)", got, c.fields, err)
			}
			if got := e.svc.Check(ctx, e.officer, r); len(got) != len(c.fields) {
				t.Errorf("Check = %v, want the same %d fields as Submit", got, len(c.fields))
			}
		})
	}
	ids, _, _ := e.st.RecordIDs(ctx)
	if len(ids) != 0 {
		t.Errorf("%d records stored by refused submissions", len(ids))
	}
	if _, err := e.svc.Submit(ctx, e.panel, "", recordtest.Routine(e.now)); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("a panel member's submission: %v, want forbidden", err)
	}
}

func TestAddressResolvedToAStreet(t *testing.T) {
	e := newEnv(t, record.Options{})
	r := recordtest.Routine(e.now)
	r.Latitude, r.Longitude, r.Address = 0, 0, "Acre Lane, Lambeth"
	a, err := e.svc.Submit(context.Background(), e.officer, "", r)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.svc.Get(context.Background(), e.officer, a.ID)
	if got.Latitude < 51.45 || got.Latitude > 51.47 || got.Longitude < -0.13 || got.Longitude > -0.11 || got.Address != "Acre Lane, Lambeth" {
		t.Errorf("Acre Lane resolved to (%v, %v)", got.Latitude, got.Longitude)
	}
}

func TestAuthorisationCoversSearches(t *testing.T) {
	e := newEnv(t, record.Options{})
	ctx := context.Background()
	a := record.Authorisation{Power: "s60", Wards: []string{recordtest.BrixtonWard}, Start: e.now.Add(-30 * time.Minute),
		End: e.now.Add(10 * time.Hour), Grounds: "Two stabbings near the station last night and intelligence of a planned retaliation"}
	if _, err := e.svc.Authorise(ctx, e.sgt, a); !hasField(err, "rank") {
		t.Errorf("a sergeant's s60: %v, want refused on rank", err)
	}
	if _, err := e.svc.Authorise(ctx, e.officer, a); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("an officer's s60: %v, want forbidden", err)
	}
	long := a
	long.End = a.Start.Add(25 * time.Hour)
	if _, err := e.svc.Authorise(ctx, e.sup, long); !hasField(err, "end") {
		t.Errorf("25 hours: %v, want refused on end", err)
	}
	bad := a
	bad.Wards = []string{"E05000001"}
	if _, err := e.svc.Authorise(ctx, e.sup, bad); !hasField(err, "wards") {
		t.Errorf("unknown ward: %v, want refused on wards", err)
	}
	got, err := e.svc.Authorise(ctx, e.sup, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.RankName != "inspector" || got.RuleSet != charter.RulesStatutory {
		t.Errorf("authorisation = %+v", got)
	}

	r := recordtest.Routine(e.now)
	r.Legislation, r.ObjectOfSearch, r.Grounds, r.AuthorisationID = charter.LawS60, charter.ObjectWeapons, "", got.ID
	r.Datetime = e.now.Add(-10 * time.Minute)
	if _, err := e.svc.Submit(ctx, e.officer, "", r); err != nil {
		t.Fatalf("search under the authorisation refused: %v", err)
	}
	outside := r
	outside.Latitude, outside.Longitude = 51.5155, -0.0922 // the City, no Met ward of the authorisation
	if _, err := e.svc.Submit(ctx, e.officer, "", outside); !hasField(err, "latitude") && !hasField(err, "authorisation_id") {
		t.Errorf("search outside the wards: %v, want refused", err)
	}
	early := r
	early.Datetime = a.Start.Add(-time.Minute)
	if _, err := e.svc.Submit(ctx, e.officer, "", early); !hasField(err, "authorisation_id") {
		t.Errorf("search before the authorisation: %v, want refused", err)
	}
	list, err := e.svc.Authorisations(ctx, "metropolitan")
	if err != nil || len(list) != 1 || list[0].Searches != 1 {
		t.Fatalf("register = %+v, %v; want one authorisation with one search", list, err)
	}

	// An inspector may not extend; a superintendent may, by 24 hours once.
	if _, err := e.svc.Extend(ctx, e.sup, got.ID, record.Extension{Until: got.End.Add(time.Hour)}); !hasField(err, "rank") {
		t.Errorf("an inspector's extension: %v, want refused on rank", err)
	}
	supt := recordtest.User(t, e.st, "supt-1", charter.RoleSupervisor, charter.RankSuperintendent)
	if _, err := e.svc.Extend(ctx, supt, got.ID, record.Extension{Until: got.End.Add(25 * time.Hour)}); !hasField(err, "until") {
		t.Errorf("a 25-hour extension: %v, want refused", err)
	}
	ext, err := e.svc.Extend(ctx, supt, got.ID, record.Extension{Until: got.End.Add(24 * time.Hour)})
	if err != nil || len(ext.Extensions) != 1 || !ext.End.Equal(got.End.Add(24*time.Hour)) {
		t.Fatalf("extension = %+v, %v", ext, err)
	}
	if _, err := e.svc.Extend(ctx, supt, got.ID, record.Extension{Until: ext.End.Add(time.Hour)}); !hasField(err, "until") {
		t.Errorf("a second extension: %v, want refused", err)
	}
}

func TestBUSSSRules(t *testing.T) {
	e := newEnv(t, record.Options{RuleSet: charter.RulesBUSSS})
	a := record.Authorisation{Power: "s60", Wards: []string{recordtest.BrixtonWard}, Start: e.now,
		End: e.now.Add(20 * time.Hour), Grounds: "Two stabbings near the station last night and intelligence of a planned retaliation"}
	_, err := e.svc.Authorise(context.Background(), e.sup, a)
	for _, f := range []string{"rank", "end", "violence_will_occur"} {
		if !hasField(err, f) {
			t.Errorf("an inspector's 20-hour s60 under BUSSS: %v, want refused on %s", err, f)
		}
	}
}

func TestReadsAndCorrections(t *testing.T) {
	e := newEnv(t, record.Options{CorrectionWindow: 2 * time.Hour})
	ctx := context.Background()
	a, err := e.svc.Submit(ctx, e.officer, "", recordtest.Routine(e.now))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*charter.User{e.other, e.panel, e.admin_} {
		if _, err := e.svc.Get(ctx, u, a.ID); charter.ErrorCode(err) != charter.EFORBIDDEN {
			t.Errorf("%s reads another officer's record: %v, want forbidden", u.Role, err)
		}
	}
	for _, u := range []*charter.User{e.sup, e.complaints} {
		if _, err := e.svc.Get(ctx, u, a.ID); err != nil {
			t.Errorf("%s reads a record of the force: %v", u.Role, err)
		}
	}
	fixed := recordtest.Routine(e.now)
	fixed.Outcome = "Arrest"
	yes := true
	fixed.OutcomeLinkedToObjectOfSearch = &yes
	if _, err := e.svc.Correct(ctx, e.other, a.ID, fixed); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("another officer's correction: %v, want forbidden", err)
	}
	c, err := e.svc.Correct(ctx, e.officer, a.ID, fixed)
	if err != nil || c.Version != 2 || c.Reference != a.Reference {
		t.Fatalf("correction = %+v, %v", c, err)
	}
	vs, err := e.svc.Versions(ctx, e.officer, a.ID)
	if err != nil || len(vs) != 2 || vs[0].Outcome != "A no further action disposal" || vs[1].Outcome != "Arrest" {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	if vs, err := e.svc.Versions(ctx, e.sup, a.ID); err != nil || len(vs) != 2 || vs[0].OfficerID != e.officer.ID || vs[1].OfficerID != e.officer.ID {
		t.Errorf("versions read by a supervisor: %+v, %v; want both by the record's officer", vs, err)
	}
	e.now = e.now.Add(3 * time.Hour)
	if _, err := e.svc.Correct(ctx, e.officer, a.ID, fixed); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("a correction after the window: %v, want refused", err)
	}
}

func TestReceiptAndFeedback(t *testing.T) {
	e := newEnv(t, record.Options{MinFeedback: 2, ReceiptTTL: 30 * 24 * time.Hour})
	ctx := context.Background()
	var tokens []string
	for i := 0; i < 3; i++ {
		a, err := e.svc.Submit(ctx, e.officer, "", recordtest.Routine(e.now))
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, a.ReceiptToken)
		if u, err := e.svc.ReceiptURL(ctx, e.officer, a.ID); err != nil || u != a.ReceiptURL {
			t.Errorf("ReceiptURL = %q, %v; want %q", u, err, a.ReceiptURL)
		}
	}
	rc, err := e.svc.Receipt(ctx, tokens[0])
	if err != nil || rc.OfficerName != "pc-1234" || rc.OfficerStation != recordtest.Station || rc.Record.OfficerID != 0 || rc.Record.Grounds == "" ||
		!strings.HasPrefix(rc.Place, "On or near ") || !strings.HasSuffix(rc.Place, ", Brixton Windrush, Lambeth") {
		t.Fatalf("receipt = %+v, %v", rc, err)
	}
	if _, err := e.svc.Receipt(ctx, tokens[0]+"x"); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("a wrong token: %v", err)
	}
	if err := e.svc.SendReceipt(ctx, e.officer, rc.Record.ID, "jo@example.org"); err != nil || len(e.sent) != 1 || !strings.Contains(e.sent[0], tokens[0]) {
		t.Errorf("SendReceipt: %v, sent %q", err, e.sent)
	}
	if err := e.svc.SendReceipt(ctx, e.officer, rc.Record.ID, "not a contact"); !hasField(err, "to") {
		t.Errorf("a bad contact: %v", err)
	}

	if err := e.svc.GiveFeedback(ctx, tokens[0], record.Feedback{Listened: 6}); !hasField(err, "listened") {
		t.Errorf("a score of 6: %v", err)
	}
	if err := e.svc.GiveFeedback(ctx, tokens[0], record.Feedback{Listened: 4, Explained: 5, Respect: 4, Debriefed: 2, Trust: 3, Comment: "He was polite"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.GiveFeedback(ctx, tokens[0], record.Feedback{Listened: 1}); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("second feedback: %v, want refused", err)
	}
	month := charter.MonthOf(e.now.In(charter.London))
	aggs, err := e.svc.FeedbackAggregates(ctx, recordtest.BrixtonWard, month.Add(-1), month)
	if err != nil || len(aggs) != 2 || !aggs[1].Suppressed || aggs[1].Responses != 1 || aggs[1].Questions != nil {
		t.Fatalf("one answer: %+v, %v; want the month suppressed", aggs, err)
	}
	if err := e.svc.GiveFeedback(ctx, tokens[1], record.Feedback{Listened: 2, Trust: 5}); err != nil {
		t.Fatal(err)
	}
	for _, area := range []string{recordtest.BrixtonWard, "E09000022", "metropolitan"} {
		aggs, err = e.svc.FeedbackAggregates(ctx, area, month, month)
		if err != nil || len(aggs) != 1 || aggs[0].Suppressed || aggs[0].Responses != 2 {
			t.Fatalf("%s: %+v, %v", area, aggs, err)
		}
		q := aggs[0].Questions
		if m := q[0].Mean; q[0].N != 2 || m.Value != 3 || !m.HasInterval() || m.Lower < 1 || m.Upper > 5 || q[1].N != 1 || q[1].Mean.HasInterval() {
			t.Errorf("%s: questions %+v", area, q)
		}
	}
	e.now = e.now.Add(31 * 24 * time.Hour)
	if _, err := e.svc.Receipt(ctx, tokens[2]); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("an expired receipt: %v", err)
	}
	if err := e.svc.GiveFeedback(ctx, tokens[2], record.Feedback{Listened: 3}); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("feedback on an expired receipt: %v", err)
	}
	if _, err := audit.Verify(ctx, e.st); err != nil {
		t.Errorf("audit chain: %v", err)
	}
}

// TestInternalFigures: the force's records count at once in the internal
// figures, for supervisors and analysts only, and every view is audited.
func TestInternalFigures(t *testing.T) {
	e := newEnv(t, record.Options{})
	ctx := context.Background()
	arrest := recordtest.Routine(e.now)
	yes := true
	arrest.Outcome, arrest.OutcomeLinkedToObjectOfSearch, arrest.SelfDefinedEthnicity = "Arrest", &yes, "Black/African/Caribbean/Black British - African"
	for _, r := range []charter.Record{recordtest.Routine(e.now), arrest} {
		if _, err := e.svc.Submit(ctx, e.officer, "", r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Internal(ctx, e.officer); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("an officer's view of internal figures: %v, want forbidden", err)
	}
	analyst := recordtest.User(t, e.st, "analyst-1", charter.RoleAnalyst, charter.RankNone)
	for _, u := range []*charter.User{e.sup, analyst} {
		ms, err := e.svc.Internal(ctx, u)
		if err != nil || len(ms) != 1 {
			t.Fatalf("%s: %+v, %v", u.Role, ms, err)
		}
		m := ms[0]
		if m.Searches != 2 || m.Arrests.Count != 1 || m.Arrests.Of != 2 || !m.Arrests.HasInterval() || m.Linked.Count != 1 || m.Gowisely.Count != 2 {
			t.Errorf("%s: %+v", u.Role, m)
		}
		got := map[string]int{}
		total := 0
		for _, g := range m.ByGroup {
			got[g.Group] = g.Searches
			total += g.Searches
		}
		if got["Black"] != 1 || got["White"] != 1 || total != m.Searches {
			t.Errorf("%s: by group %v, want one Black and one White adding up to %d", u.Role, m.ByGroup, m.Searches)
		}
	}
	n := 0
	e.st.AuditEvents(ctx, 1, func(ev charter.AuditEvent) error {
		if ev.Action == "figures.internal.read" {
			n++
		}
		return nil
	})
	if n != 2 {
		t.Errorf("%d views of internal figures audited, want 2", n)
	}
}
