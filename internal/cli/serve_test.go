package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter/internal/storetest"
)

// lockedBuffer is an output the test reads while the command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve --metrics-addr serves the site and, on its own address, the
// metrics, which count the site's requests; both stop when the command is
// interrupted, and the command exits 0.
func TestServeMetricsAddr(t *testing.T) {
	db := storetest.DSN(t)
	if code, _, stderr := run(t, "--db", db, "import", apiFile); code != ExitOK {
		t.Fatalf("import exit %d:\n%s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- Run(ctx, []string{"--db", db, "serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--watch", "0"}, &stdout, &stderr)
	}()
	site := regexp.MustCompile(`Charter is serving at (http://\S+)`)
	metrics := regexp.MustCompile(`msg="serving metrics" url=(http://\S+)`)
	var siteURL, metricsURL string
	for deadline := time.Now().Add(60 * time.Second); siteURL == "" || metricsURL == ""; {
		if m := site.FindStringSubmatch(stdout.String()); m != nil {
			siteURL = m[1]
		}
		if m := metrics.FindStringSubmatch(stderr.String()); m != nil {
			metricsURL = m[1]
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited %d:\n%s", code, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start in 60 s:\n%s", stderr.String())
		}
	}
	get := func(url string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := get(siteURL + "readyz"); res.StatusCode != 200 || body != "ready\n" || res.Header.Get("X-Request-Id") == "" {
		t.Errorf("/readyz: %d %q", res.StatusCode, body)
	}
	if res, _ := get(siteURL + "metrics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the public address serves /metrics: %d", res.StatusCode)
	}
	if _, body := get(metricsURL); !strings.Contains(body, `charter_http_request_duration_seconds_count{code="2xx",route="GET /readyz"} 1`) ||
		!strings.Contains(body, "charter_index_stops 3253") {
		t.Errorf("metrics after one /readyz:\n%s", body)
	}
	cancel()
	select {
	case code := <-exit:
		if code != ExitOK {
			t.Errorf("serve exited %d after the interrupt:\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of the interrupt")
	}
	if _, err := http.Get(metricsURL); err == nil {
		t.Errorf("the metrics address still answers after serve stopped")
	}
}
