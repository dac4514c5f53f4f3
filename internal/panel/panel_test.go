package panel

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

const (
	lambeth   = "E09000022"
	brixton   = recordtest.BrixtonWard
	hackney   = "E09000012"
	secret    = "Mr Dwayne Okafor of 12 Acre Lane, phone 07700 900123, car AB12 CDE"
	reference = "QX7-REF"
)

// fixture is a store with records in Lambeth (some in Brixton) and in
// Hackney, an admin, a supervisor, and a panel member.
type fixture struct {
	st                          *store.Store
	svc                         *Service
	admin, sup, member, officer *charter.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	f := &fixture{st: st, svc: New(st, nil, Options{Pick: func(n, k int) []int {
		out := make([]int, k)
		for i := range out {
			out[i] = i
		}
		return out
	}})}
	f.admin = recordtest.User(t, st, "admin-1", charter.RoleAdmin, 0)
	f.sup = recordtest.User(t, st, "insp-1", charter.RoleSupervisor, charter.RankInspector)
	f.officer = recordtest.User(t, st, "pc-1", charter.RoleOfficer, charter.RankConstable)
	when := time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC)
	for i, area := range []struct{ borough, ward string }{{lambeth, brixton}, {lambeth, brixton}, {lambeth, "E05014099"}, {hackney, "E05009367"}, {lambeth, brixton}} {
		r := recordtest.Routine(when.Add(time.Duration(i) * 24 * time.Hour))
		r.Reference, r.Force, r.OfficerID, r.Grounds = fmt.Sprintf("%s-%d", reference, i), "metropolitan", f.officer.ID, secret
		if _, _, err := st.InsertRecord(ctx, store.ActorOf(f.officer), "", store.NewRecord{Record: r, Borough: area.borough, Ward: area.ward,
			ReceiptHash: fmt.Sprintf("h%d", i), ReceiptExpires: when.Add(30 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestScrutiny(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// Only those who manage panels set them up.
	if _, err := f.svc.CreatePanel(ctx, f.sup, charter.Panel{Name: "Lambeth", Force: "metropolitan", Areas: []string{lambeth}}); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Fatalf("a supervisor creating a panel: %v", err)
	}
	if _, err := f.svc.CreatePanel(ctx, f.admin, charter.Panel{Name: "Bad", Force: "metropolitan", Areas: []string{"SW9"}}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Fatalf("a panel with a bad area: %v", err)
	}
	p, err := f.svc.CreatePanel(ctx, f.admin, charter.Panel{Name: "Lambeth community panel", Force: "metropolitan", Areas: []string{lambeth}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.svc.CreatePanel(ctx, f.admin, charter.Panel{Name: "Hackney panel", Force: "metropolitan", Areas: []string{hackney}})
	if err != nil {
		t.Fatal(err)
	}
	member, err := f.st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{Name: "member-1", Role: charter.RolePanel, PanelID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := f.st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{Name: "member-2", Role: charter.RolePanel, PanelID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateMeeting(ctx, f.admin, NewMeeting{PanelID: p.ID, Date: time.Now(), From: charter.NewMonth(2025, 3), To: charter.NewMonth(2025, 2)}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Fatalf("a period ending before it starts: %v", err)
	}
	m, err := f.svc.CreateMeeting(ctx, f.admin, NewMeeting{PanelID: p.ID, Date: time.Date(2025, 4, 20, 0, 0, 0, 0, time.UTC),
		From: charter.NewMonth(2025, 3), To: charter.NewMonth(2025, 3), SampleSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if m.SampleSize != 3 {
		t.Errorf("sample size %d, want 3", m.SampleSize)
	}
	small, err := f.svc.CreateMeeting(ctx, f.admin, NewMeeting{PanelID: p.ID, Date: time.Date(2025, 4, 21, 0, 0, 0, 0, time.UTC),
		From: charter.NewMonth(2025, 3), To: charter.NewMonth(2025, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if small.SampleSize != 4 { // the four Lambeth records, fewer than the default 10
		t.Errorf("default sample of a period with 4 records: %d", small.SampleSize)
	}

	// The member sees the sample, anonymised; the other panel's member is refused.
	ms, err := f.svc.Meeting(ctx, member, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Sample) != 3 {
		t.Fatalf("sample of %d", len(ms.Sample))
	}
	for i, sr := range ms.Sample {
		if sr.Ordinal != i+1 {
			t.Errorf("ordinal %d at %d", sr.Ordinal, i)
		}
		if strings.ContainsAny(sr.Grounds, "0123456789") {
			t.Errorf("sample record %d's grounds keep a number: %q", sr.Ordinal, sr.Grounds)
		}
		for _, leak := range []string{"Dwayne", "Okafor", "Acre", "07700", "AB12", reference} {
			if strings.Contains(fmt.Sprintf("%+v", sr), leak) {
				t.Errorf("sample record %d shows %q: %+v", sr.Ordinal, leak, sr)
			}
		}
		if sr.Date != "2025-03-1"+fmt.Sprint(i) || sr.BodyWornVideo != "used" {
			t.Errorf("sample record %d: %+v", sr.Ordinal, sr)
		}
	}
	if _, err := f.svc.Meeting(ctx, stranger, m.ID); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("another panel's member reading the sample: %v", err)
	}
	if _, err := f.svc.Meeting(ctx, f.sup, m.ID); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("a supervisor reading the sample: %v", err)
	}

	// Ratings: checked, replaced on a second rating.
	met := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{charter.CriterionGrounds: charter.MarkMet, charter.CriterionVideo: charter.MarkNotMet}}
	if err := f.svc.Rate(ctx, member, m.ID, 1, charter.Rubric{}); charter.ErrorCode(err) != charter.EFIELDS {
		t.Errorf("an empty rating: %v", err)
	}
	if err := f.svc.Rate(ctx, member, m.ID, 9, met); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("rating a record not in the sample: %v", err)
	}
	if err := f.svc.Rate(ctx, stranger, m.ID, 1, met); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("another panel rating: %v", err)
	}
	for _, o := range []int{1, 2, 2} {
		if err := f.svc.Rate(ctx, member, m.ID, o, met); err != nil {
			t.Fatal(err)
		}
	}
	if ms, _ = f.svc.Meeting(ctx, member, m.ID); ms.Rated() != 2 {
		t.Errorf("rated %d, want 2", ms.Rated())
	}

	// Findings are published (redacted), the force answers.
	if err := f.svc.Respond(ctx, f.sup, m.ID, "Thank you."); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("a response before findings: %v", err)
	}
	if err := f.svc.WriteFindings(ctx, member, m.ID, "Grounds were thin. Officer Smith should be spoken to."); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Rate(ctx, member, m.ID, 3, met); charter.ErrorCode(err) != charter.ECONFLICT {
		t.Errorf("rating after the findings: %v", err)
	}
	if err := f.svc.Respond(ctx, member, m.ID, "x"); charter.ErrorCode(err) != charter.EFORBIDDEN {
		t.Errorf("a member answering for the force: %v", err)
	}
	if err := f.svc.Respond(ctx, f.sup, m.ID, "We will brief the team."); err != nil {
		t.Fatal(err)
	}
	for _, codes := range []string{"", lambeth} {
		fs, err := f.svc.Published(ctx, codes)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 {
			t.Fatalf("published for %v: %d findings", codes, len(fs))
		}
		fd := fs[0]
		if strings.Contains(fd.Findings, "Smith") || !strings.Contains(fd.Findings, "Grounds were thin") || fd.Response != "We will brief the team." {
			t.Errorf("published: %+v", fd)
		}
		if fd.Ratings != 2 || fd.Shares[0].Met != 2 || fd.Shares[0].Assessed != 2 || fd.Shares[2].Met != 0 || fd.Shares[2].Assessed != 2 || fd.Shares[1].Assessed != 0 {
			t.Errorf("shares: %d ratings %+v", fd.Ratings, fd.Shares)
		}
		if fd.Shares[1].Share.HasValue() || !fd.Shares[0].Share.HasInterval() || fd.Shares[0].Share.Upper != 1 {
			t.Errorf("intervals: %+v", fd.Shares)
		}
	}
	if fs, err := f.svc.Published(ctx, hackney); err != nil || len(fs) != 0 {
		t.Errorf("Hackney's findings: %v %v", fs, err)
	}
	// Drawing the sample is audited with the records it read.
	drawn, read := false, false
	err = f.st.AuditEvents(ctx, 0, func(ev charter.AuditEvent) error {
		drawn = drawn || ev.Action == "panel.sample_draw" && strings.Contains(ev.After, "records")
		read = read || ev.Action == "panel.sample_read" && ev.Actor == member.Name
		return nil
	})
	if err != nil || !drawn || !read {
		t.Errorf("the sample's draw audited %v, its reading %v (%v)", drawn, read, err)
	}
}
