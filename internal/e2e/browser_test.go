package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/web"
)

// axeSource is axe-core, vendored from npm by web/vendor.sh for these tests
// only (it is never served).
//
//go:embed testdata/axe.min.js
var axeSource string

// chromiumPath is Debian's chromium; CI installs it (.ci/run).
const chromiumPath = "/usr/bin/chromium"

// viewports are the widths every page is checked and photographed at.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"desktop", 1280, 900, false},
}

// screenshotDir is where screenshots are kept as test artefacts, for a
// person to look at: the folder CHARTER_SCREENSHOTS names, or "" when it is
// unset. Routine screenshots are taken only when it is set: a full-page
// capture costs the browser most of a second, about 40 of them a run, and
// no test reads them. A failing browser step is captured either way (see
// failShot).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("CHARTER_SCREENSHOTS")
	if dir == "" {
		return ""
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chromium is the one headless Chromium the package's tests share (each
// test in a tab of its own browser context: no cookie or storage passes
// between tests), started by the first test that asks for it and closed by
// TestMain.
var chromium struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

// closeChromium ends the shared Chromium, if a test started it.
func closeChromium() {
	if chromium.cancel != nil {
		chromium.cancel()
	}
}

// browser opens a tab, in a browser context of its own, of the shared
// headless Chromium, closed at the end of the test, and collects what its
// pages write to the console as errors (uncaught exceptions, CSP refusals,
// failed loads).
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("browser tests need Debian's chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	chromium.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true), chromedp.Flag("hide-scrollbars", true))
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		root, cancelR := chromedp.NewContext(actx)
		chromium.ctx, chromium.cancel = root, func() { cancelR(); cancelA() }
		chromium.err = chromedp.Do(root, chromedp.Navigate("about:blank"))
	})
	if chromium.err != nil {
		t.Fatalf("start chromium: %v", chromium.err)
	}
	ctx, cancel := chromedp.NewContext(chromium.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("open a tab in chromium: %v", err)
	}
	// The site scrolls smoothly unless the reader asks for less motion.
	// A test asks: focusing a field (typing into it) starts a smooth
	// scroll, and a click computed while the page is still gliding lands
	// beside its button, which on a loaded machine sent nothing (the
	// complaint form, once). The reduced-motion rules are the site's own.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
		t.Fatalf("ask chromium for reduced motion: %v", err)
	}
	var mu sync.Mutex
	var errs []string
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				mu.Lock()
				errs = append(errs, m.String()+" at "+m.URL)
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := errs
		errs = nil
		return out
	}
}

// eval runs a script in the page with a time limit.
func eval[T any](t *testing.T, ctx context.Context, script string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](script, opts...))
	if err != nil {
		t.Fatalf("evaluate %.80q: %v", script, err)
	}
	return v
}

// violation is what the test keeps of an axe-core result.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
  .then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`

// testBrowser opens the key pages in Chromium at phone and desktop widths:
// the figures shown are the API's (which the cli test ties to the CLI
// reports), charts and maps are drawn, nothing overflows a phone screen,
// axe-core finds no serious or critical WCAG violation, no script fails, and
// a download works.
func testBrowser(t *testing.T, s *site) {
	ctx, consoleErrors := browser(t)
	dir := screenshotDir(t)

	var london, borough, ward apiProfile
	s.getJSON(t, "/api/v1/areas/metropolitan/profile", &london)
	s.getJSON(t, "/api/v1/areas/E09000002/profile", &borough)
	s.getJSON(t, "/api/v1/areas/E05014066/profile", &ward)

	pages := []struct {
		name, path string
		h1         string
		searches   *apiProfile // the profile whose searches the page's key figure shows
		charts     bool
		mapped     bool
	}{
		{"home", "/", "Stop and search: Metropolitan Police Service", &london, true, true},
		{"borough", "/boroughs/E09000002", "Stop and search in Barking and Dagenham", &borough, true, true},
		{"ward", "/wards/E05014066", "Stop and search in Northbury ward", &ward, true, false},
		{"rights", "/rights", "", nil, false, false},
		{"downloads", "/downloads", "Open data", nil, false, false},
		{"api-docs", "/api/docs", "", nil, false, false},
	}
	for _, vp := range viewports {
		for _, p := range pages {
			t.Run(vp.name+"/"+p.name, func(t *testing.T) {
				emulate := chromedp.EmulateViewport(vp.width, vp.height)
				if vp.mobile {
					emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile, chromedp.EmulateScale(2))
				}
				c, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				if err := chromedp.Do(c, emulate, chromedp.Navigate(s.url+p.path), chromedp.WaitVisible(chromedp.CSS("body"))); err != nil {
					t.Fatal(err)
				}
				// Scripts are deferred: wait for the load event and the
				// charts and maps they draw.
				eval[bool](t, ctx, `new Promise(r => document.readyState === "complete" ? r(true) : addEventListener("load", () => r(true)))`, chromedp.EvalAwaitPromise)
				if p.charts {
					drawn := eval[bool](t, ctx, `new Promise(r => { let n = 0; const tick = () => {
					  const figs = document.querySelectorAll("figure.chart"), svgs = document.querySelectorAll("figure.chart svg");
					  if (figs.length > 0 && svgs.length >= figs.length) return r(true);
					  if (++n > 100) return r(false); setTimeout(tick, 100); }; tick(); })`, chromedp.EvalAwaitPromise)
					if !drawn {
						t.Errorf("charts not drawn: %d figures, %d svg", eval[int](t, ctx, `document.querySelectorAll("figure.chart").length`), eval[int](t, ctx, `document.querySelectorAll("figure.chart svg").length`))
					}
				}
				if p.mapped {
					shapes := eval[int](t, ctx, `new Promise(r => { let n = 0; const tick = () => {
					  const k = document.querySelectorAll(".map path.leaflet-interactive").length;
					  if (k > 0 || ++n > 100) return r(k); setTimeout(tick, 100); }; tick(); })`, chromedp.EvalAwaitPromise)
					if shapes < 10 {
						t.Errorf("map shows %d areas", shapes)
					}
				}
				if p.h1 != "" {
					if h1 := eval[string](t, ctx, `document.querySelector("main h1").textContent.trim()`); h1 != p.h1 {
						t.Errorf("h1 %q, want %q", h1, p.h1)
					}
				}
				if p.searches != nil {
					got := eval[string](t, ctx, `document.querySelector("[data-figure=searches]").textContent.trim()`)
					if want := web.FormatInt(p.searches.Searches); got != want {
						t.Errorf("searches shown %q, the API says %s", got, want)
					}
					if p.searches.Rate != nil {
						got := eval[string](t, ctx, `document.querySelector("[data-figure=rate]").textContent.trim()`)
						if want := charter.FormatRate(p.searches.Rate); got != want {
							t.Errorf("rate shown %q, the API says %s", got, want)
						}
					}
				}
				if over := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
					t.Errorf("the page is %d px wider than the %d px screen", over, vp.width)
				}
				if p.name != "api-docs" { // swagger-ui's own markup is not ours to fix
					eval[bool](t, ctx, axeSource+";true")
					vs := eval[[]violation](t, ctx, axeRun, chromedp.EvalAwaitPromise)
					for _, v := range vs {
						t.Errorf("axe %s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
					}
				}
				if dir != "" {
					shot, err := chromedp.Run(c, chromedp.FullScreenshot(80))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, vp.name+"-"+p.name+".jpg"), shot, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				for _, e := range consoleErrors() {
					t.Errorf("console: %s", e)
				}
			})
		}
	}

	t.Run("ward-figures", func(t *testing.T) {
		var v struct {
			Hotspot *struct {
				Rank int `json:"rank"`
			} `json:"hotspot"`
		}
		s.getJSON(t, "/api/v1/wards/E05014066", &v)
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/wards/E05014066")); err != nil {
			t.Fatal(err)
		}
		answer := eval[string](t, ctx, `document.querySelector("[data-figure=hotspot]").textContent`)
		if v.Hotspot == nil || !strings.Contains(answer, fmt.Sprintf("ranks %d of", v.Hotspot.Rank)) {
			t.Errorf("hotspot answer %q does not give the API's rank (%+v)", answer, v.Hotspot)
		}
		cmp := eval[int](t, ctx, `document.querySelectorAll("#comparison tbody tr").length`)
		if cmp < 4 {
			t.Errorf("comparison table has %d rows", cmp)
		}
	})

	t.Run("download", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/downloads")); err != nil {
			t.Fatal(err)
		}
		href := eval[string](t, ctx, `document.querySelector("a[href*='stops.csv'][href*='2022-03']").getAttribute("href")`)
		lines := eval[int](t, ctx, `fetch(`+fmt.Sprintf("%q", href)+`).then(r => r.text()).then(t => t.trim().split("\n").length)`, chromedp.EvalAwaitPromise)
		m, _ := charter.ParseMonth("2022-03")
		n, err := s.st.CountStops(context.Background(), charter.StopFilter{Force: "metropolitan", From: m, To: m})
		if err != nil {
			t.Fatal(err)
		}
		// Quoted fields hold no newlines in this data, so lines are records + header.
		if lines != n+1 {
			t.Errorf("downloaded CSV has %d lines, want %d records and a header", lines, n)
		}
	})
}
