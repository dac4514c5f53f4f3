package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/policeapi"
)

// The hostile polygon is the largest the API takes, and the hostile client
// keeps to the rate limit: a burst, then the rate.
func TestHostile(t *testing.T) {
	poly := hostilePoly()
	if n := strings.Count(poly, ":") + 1; n != policeapi.MaxPolyPoints {
		t.Errorf("hostile polygon: %d points, want the most the API takes, %d", n, policeapi.MaxPolyPoints)
	}
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.Form.Get("poly") != "x" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		n.Add(1)
	}))
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	st := hostile(ctx, ts.URL, url.Values{"poly": {"x"}}.Encode(), 20, 5)
	// 5 at once, then 20 a second for half a second: about 15.
	if st.n < 10 || st.n > 17 || int64(st.status[200]) > n.Load() || st.status[200]+st.status[0] != st.n {
		t.Errorf("hostile: %d sent, answers %s; the server saw %d; want about 15, all answered 200 or cut off", st.n, st.statuses(), n.Load())
	}
}
