package public

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/readmodel"
)

func TestMemoise(t *testing.T) {
	sn := &readmodel.Snapshot{Version: 1}
	f := New(nil, sn, "metropolitan")
	var calls atomic.Int64
	slow := func(ctx context.Context, _ *readmodel.Snapshot) (int, error) {
		time.Sleep(20 * time.Millisecond)
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return int(calls.Add(1)), nil
	}
	// The first caller goes away at once; the others still get the figure.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx := context.Background()
			if i == 0 {
				ctx = gone
			}
			v, err := memoise(ctx, f, "k", slow)
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
			got[i] = v
		}(i)
	}
	wg.Wait()
	for i, v := range got {
		if v != 1 {
			t.Errorf("caller %d got %d, want the one computation (1)", i, v)
		}
	}
	sn.Version++ // a new version of the data
	if v, _ := memoise(context.Background(), f, "k", slow); v != 2 {
		t.Errorf("after a new version: %d, want a fresh computation (2)", v)
	}
	fails := 0
	boom := func(context.Context, *readmodel.Snapshot) (int, error) { fails++; return 0, errors.New("boom") }
	for i := 0; i < 2; i++ {
		if _, err := memoise(context.Background(), f, "bad", boom); err == nil {
			t.Fatal("no error")
		}
	}
	if fails != 2 {
		t.Errorf("a failure was kept: %d calls, want 2", fails)
	}
}

func TestParseFilter(t *testing.T) {
	for _, c := range []struct {
		q, err, key string
	}{
		{"", "", "0000-01|0000-01||"},
		{"from=2021-06&to=2022-05&legislation=Misuse+of+Drugs+Act+1971+(section+23)&object=&object=Firearms", "", "2021-06|2022-05|Misuse of Drugs Act 1971 (section 23)|Firearms"},
		{"from=2022-13&to=2022-05", "from: month \"2022-13\" is not YYYY-MM", ""},
		{"from=2022-05&to=2021-06", "from 2022-05 is after to 2021-06", ""},
		{"from=2022-05", "give both from and to, or neither for the default period", ""},
	} {
		v, _ := url.ParseQuery(c.q)
		fl, err := ParseFilter(v)
		switch {
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("%q: error %v, want %q", c.q, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%q: %v", c.q, err)
		case c.err == "" && fl.Key() != c.key:
			t.Errorf("%q: key %q, want %q", c.q, fl.Key(), c.key)
		}
		if c.err == "" {
			back, _ := url.ParseQuery(Encode(fl))
			if again, _ := ParseFilter(back); again.Key() != fl.Key() {
				t.Errorf("%q: Encode does not round-trip: %q", c.q, Encode(fl))
			}
		}
	}
}
