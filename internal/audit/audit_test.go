package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/audit"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func appendN(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for i := range n {
		ev := charter.AuditEvent{ActorID: int64(i % 3), Actor: fmt.Sprintf("user%d", i%3), Action: "record.read",
			Subject: fmt.Sprintf("record:%d", i), After: fmt.Sprintf(`{"n":%d}`, i)}
		if err := st.Audit(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyIntact(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	res, err := audit.Verify(ctx, st)
	if err != nil || res.Events != 0 {
		t.Fatalf("empty chain: %+v, %v", res, err)
	}
	appendN(t, st, 20)
	res, err = audit.Verify(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 20 || len(res.Head) != 64 {
		t.Fatalf("got %+v, want 20 events and a hex head", res)
	}
}

// TestVerifyTampered edits, deletes and rewrites events directly in the
// database, as someone with the database's password could, and expects
// Verify to name the first event that no longer holds.
func TestVerifyTampered(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		sql     []string
		wantSeq int64
		reason  string
	}{
		{"edited actor", []string{`UPDATE audit_events SET actor = 'someone else' WHERE seq = 7`}, 7, "edited"},
		{"edited after", []string{`UPDATE audit_events SET after = '{"n":0}' WHERE seq = 12`}, 12, "edited"},
		{"edited time", []string{`UPDATE audit_events SET at = at + 1 WHERE seq = 3`}, 3, "edited"},
		{"deleted one", []string{`DELETE FROM audit_events WHERE seq = 9`}, 10, "missing"},
		{"deleted first", []string{`DELETE FROM audit_events WHERE seq = 1`}, 2, "missing"},
		{"rehashed one", []string{`UPDATE audit_events SET actor = 'x', hash = 'ab' WHERE seq = 5`}, 5, "edited"},
		{"deleted the end", []string{`DELETE FROM audit_events WHERE seq > 15`}, 20, "removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, db := storetest.OpenRaw(t)
			appendN(t, st, 20)
			if _, _, err := st.PublishAuditHead(ctx, "2026-12-04"); err != nil {
				t.Fatal(err)
			}
			for _, q := range tc.sql {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			_, err := audit.Verify(ctx, st)
			var b *audit.Broken
			if !audit.IsBroken(err) {
				t.Fatalf("Verify after %q = %v, want a broken chain", tc.sql, err)
			}
			b = err.(*audit.Broken)
			if b.Seq != tc.wantSeq || !strings.Contains(b.Reason, tc.reason) {
				t.Fatalf("Verify = %v, want event %d (%s)", err, tc.wantSeq, tc.reason)
			}
		})
	}
}

// TestVerifyRewrittenChain rewrites every event after the fifth with
// correct hashes, as someone who knows the hashing could: the chain holds
// in itself, but no longer matches the head published that day.
func TestVerifyRewrittenChain(t *testing.T) {
	ctx := context.Background()
	st, db := storetest.OpenRaw(t)
	appendN(t, st, 10)
	if _, _, err := st.PublishAuditHead(ctx, "2026-12-03"); err != nil {
		t.Fatal(err)
	}
	var evs []charter.AuditEvent
	if err := st.AuditEvents(ctx, 1, func(ev charter.AuditEvent) error { evs = append(evs, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	prev := evs[4].Hash
	for _, ev := range evs[5:] {
		ev.Actor = "rewritten"
		ev.Prev = prev
		ev.Hash = ev.ComputeHash()
		prev = ev.Hash
		if _, err := db.ExecContext(ctx, `UPDATE audit_events SET actor = $1, prev = $2, hash = $3 WHERE seq = $4`, ev.Actor, ev.Prev, ev.Hash, ev.Seq); err != nil {
			t.Fatal(err)
		}
	}
	_, err := audit.Verify(ctx, st)
	if !audit.IsBroken(err) || err.(*audit.Broken).Seq != 10 || !strings.Contains(err.Error(), "2026-12-03") {
		t.Fatalf("Verify = %v, want event 10 differing from the head published for 2026-12-03", err)
	}
}

// TestConcurrentAppends appends from many goroutines at once (real
// concurrency on PostgreSQL) and expects one unbroken chain.
func TestConcurrentAppends(t *testing.T) {
	st := storetest.Open(t)
	var wg sync.WaitGroup
	const writers, each = 8, 15
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				errs <- st.Audit(context.Background(), charter.AuditEvent{Actor: fmt.Sprintf("w%d", w), Action: "test", Subject: fmt.Sprint(i)})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	res, err := audit.Verify(context.Background(), st)
	if err != nil || res.Events != writers*each {
		t.Fatalf("Verify = %+v, %v; want %d events", res, err, writers*each)
	}
}

func TestPublishOncePerDay(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	if _, added, err := st.PublishAuditHead(ctx, "2026-12-01"); err != nil || added {
		t.Fatalf("empty chain published a head: %v %v", added, err)
	}
	appendN(t, st, 3)
	h1, added, err := st.PublishAuditHead(ctx, "2026-12-01")
	if err != nil || !added || h1.Seq != 3 {
		t.Fatalf("first publication: %+v %v %v", h1, added, err)
	}
	appendN(t, st, 2)
	h2, added, err := st.PublishAuditHead(ctx, "2026-12-01")
	if err != nil || added || h2.Hash != h1.Hash {
		t.Fatalf("same day again changed the head: %+v %v %v", h2, added, err)
	}
	h3, added, err := st.PublishAuditHead(ctx, audit.Day(time.Date(2026, 12, 2, 0, 30, 0, 0, time.UTC)))
	if err != nil || !added || h3.Seq != 5 {
		t.Fatalf("next day: %+v %v %v", h3, added, err)
	}
	res, err := audit.Verify(ctx, st)
	if err != nil || res.Heads != 2 {
		t.Fatalf("Verify = %+v, %v; want 2 heads checked", res, err)
	}
}
