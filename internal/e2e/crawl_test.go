package e2e

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// What no page or API answer may show a reader: developer text and
// non-figures.
var (
	flagName   = regexp.MustCompile(`(^|[\s(])--[a-z][a-z-]+`)
	fileName   = regexp.MustCompile(`\b[\w./-]+\.(md|go)\b`)
	sectionRef = regexp.MustCompile(`§`)
	notANumber = regexp.MustCompile(`\b(NaN|[+-]?Inf)\b`)
	// A count of five digits or more without separators, in prose (codes
	// such as E05014066 are not counts: they start with a letter).
	rawCount = regexp.MustCompile(`(^|[\s(])\d{5,}([\s),.;:]|$)`)
	hrefs    = regexp.MustCompile(`\shref="([^"]+)"`)
	tags     = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<code.*?</code>|<pre.*?</pre>|<[^>]+>`)
	subRows  = regexp.MustCompile(`(?s)<table class="data" id="subareas">.*?<tbody>(.*?)</tbody>`)
	rowNames = regexp.MustCompile(`<tr><th scope="row"><a [^>]*>([^<]+)</a>`)
)

// testCrawl follows every link of the site from / (each path once) and
// checks every page and JSON answer it reaches for words a reader should
// never meet: flag names, our file names, section marks, NaN, counts
// without separators; and every table of boroughs or wards for an area
// listed twice.
func testCrawl(t *testing.T, s *site) {
	seen := map[string]bool{}
	queue := []string{"/", "/api/openapi.json"} // the API docs page loads the document
	pages, answers := 0, 0
	// Every area page links its monthly packs: a pack is one template over
	// the area's figures (its own tests compare it with the reports), so
	// the crawl reads the first few and no PDF, each a browser's print.
	packs := 0
	const maxPacks = 4
	var fetched []fetch // the answers to the first len(fetched) paths of queue
	for len(queue) > 0 {
		// The paths queued are fetched a few at a time and then read in
		// their order, so the crawl visits what a one-by-one crawl would.
		if len(fetched) == 0 {
			fetched = fetchAll(s, queue)
		}
		u, f := queue[0], fetched[0]
		queue, fetched = queue[1:], fetched[1:]
		if f.err != nil {
			t.Fatalf("GET %s: %v", u, f.err)
		}
		code, ct, body := f.code, f.ct, f.body
		if code != 200 {
			t.Errorf("GET %s: %d", u, code)
			continue
		}
		switch {
		case strings.HasPrefix(ct, "text/html"):
			pages++
			page := string(body)
			prose := html.UnescapeString(tags.ReplaceAllString(page, " "))
			checkWords(t, u, prose)
			for _, m := range subRows.FindAllStringSubmatch(page, -1) {
				names := map[string]bool{}
				for _, n := range rowNames.FindAllStringSubmatch(m[1], -1) {
					if names[n[1]] {
						t.Errorf("%s: %q is listed twice in the table", u, n[1])
					}
					names[n[1]] = true
				}
			}
			for _, h := range hrefs.FindAllStringSubmatch(page, -1) {
				link, err := url.Parse(html.UnescapeString(h[1]))
				if err != nil || link.Host != "" || link.Scheme != "" || !strings.HasPrefix(link.Path, "/") {
					continue // another site, mailto:, or a fragment
				}
				if strings.HasPrefix(link.Path, "/static/") || strings.HasPrefix(link.Path, "/downloads/") || seen[link.Path] {
					continue // files, not pages; each path once
				}
				if strings.HasPrefix(link.Path, "/packs/") {
					if strings.HasSuffix(link.Path, ".pdf") || packs == maxPacks {
						continue
					}
					packs++
				}
				seen[link.Path] = true
				queue = append(queue, link.RequestURI())
			}
		case strings.Contains(ct, "json"):
			answers++
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Errorf("GET %s: not JSON: %v", u, err)
				continue
			}
			walkStrings(v, func(str string) { checkWords(t, u, str) })
		}
	}
	if pages < 700 || answers < 1 {
		t.Errorf("the crawl reached %d pages and %d JSON answers; every borough and ward page should be reachable from /", pages, answers)
	}
	if packs == 0 {
		t.Error("the crawl reached no monthly pack: area pages should link them")
	}
	t.Logf("crawled %d pages and %d JSON answers", pages, answers)
}

// fetch is the answer to a GET.
type fetch struct {
	code int
	ct   string
	body []byte
	err  error
}

// fetchAll gets the paths, four at a time, and returns the answers in
// their order.
func fetchAll(s *site, paths []string) []fetch {
	out := make([]fetch, len(paths))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			resp, err := http.Get(s.url + p)
			if err != nil {
				out[i].err = err
				return
			}
			defer resp.Body.Close()
			out[i].body, out[i].err = io.ReadAll(resp.Body)
			out[i].code, out[i].ct = resp.StatusCode, resp.Header.Get("Content-Type")
		}()
	}
	wg.Wait()
	return out
}

// checkWords reports developer text or non-figures in what a reader sees.
func checkWords(t *testing.T, where, text string) {
	t.Helper()
	for _, p := range wordProblems(text) {
		t.Errorf("%s shows %s", where, p)
	}
}

// wordChecks are the patterns of wordProblems, each with a cheap test that
// text can hold a match at all: the crawl checks every page and every
// string of every JSON answer, and running each pattern over all of them
// took more of the browser tests' time than the pages themselves.
var wordChecks = []struct {
	re    *regexp.Regexp
	what  string
	maybe func(string) bool
}{
	{flagName, "a command-line flag", func(s string) bool { return strings.Contains(s, "--") }},
	{fileName, "a file name", func(s string) bool { return strings.Contains(s, ".md") || strings.Contains(s, ".go") }},
	{sectionRef, "a section mark", func(s string) bool { return strings.Contains(s, "§") }},
	{notANumber, "not a number", func(s string) bool { return strings.Contains(s, "NaN") || strings.Contains(s, "Inf") }},
	{rawCount, "a count without thousands separators", func(s string) bool {
		// Five digits in a row after a space, a bracket or the start (area
		// codes such as E05014066 have a letter before their digits).
		run := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				run = 0
				continue
			}
			if run++; run == 5 && (i == 4 || strings.IndexByte(" \t\n\f\r(", s[i-5]) >= 0) {
				return true
			}
		}
		return false
	}},
}

// wordProblems lists what a reader should never meet in text, each with
// the words around it.
func wordProblems(text string) []string {
	var out []string
	for _, c := range wordChecks {
		if !c.maybe(text) {
			continue
		}
		if m := c.re.FindStringIndex(text); m != nil {
			from, to := max(m[0]-60, 0), min(m[1]+60, len(text))
			out = append(out, c.what+": …"+strings.Join(strings.Fields(text[from:to]), " ")+"…")
		}
	}
	return out
}

// The crawl's checks catch what the issue found on the pages, and pass
// what a page must show.
func TestWordProblems(t *testing.T) {
	for _, bad := range []string{
		"64 vehicle-only searches are left out (--vehicle-only include counts them)",
		"it partly counts the searching itself (domain.md §5.10)",
		"see docs/methodology.md in the source", "§8", "rate NaN per 1,000", "ratio +Inf",
		"137514 of 196715 searches (69.9%)", "174672", "ward E05014066 (174672 searches)", "see docs/api.md", "ratio\t-Inf",
	} {
		if len(wordProblems(bad)) == 0 {
			t.Errorf("%q passes the checks", bad)
		}
	}
	for _, good := range []string{
		"Northbury (E05014066), 2021-06 to 2022-05: 196,715 searches, 22.4 per 1,000 (95% interval 22.3 to 22.5)",
		"Misuse of Drugs Act 1971 (section 23)", "records—searches – none", "population 8,791,152 (Census 2021)",
	} {
		if p := wordProblems(good); len(p) > 0 {
			t.Errorf("%q fails: %v", good, p)
		}
	}
}

// walkStrings calls f with every string value (not key) in a decoded JSON
// document.
func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

// testPlainFigures checks the figures that used to be non-figures: a period
// without data says so, a field the force does not publish says who and in
// how many months, months with the same flags are one note, a run of months
// without data is one gap, and White is marked as the reference.
func testPlainFigures(t *testing.T, s *site) {
	_, _, b := s.get(t, "/?from=2023-01&to=2023-06")
	page := string(b)
	if !strings.Contains(page, `data-figure="no-data"`) || strings.Contains(page, `data-figure="searches"`) || strings.Contains(page, "0.00 to 0.00") {
		t.Error("a period without data shows figures instead of saying there is no data")
	}
	_, _, b = s.get(t, "/")
	page = html.UnescapeString(string(b))
	for _, want := range []string{
		"the Metropolitan Police Service does not publish whether what was found was linked to the object of the search in 11 of the 12 months",
		"<strong>2021-06 to 2021-12, 2022-02 to 2022-05</strong> (Metropolitan Police Service)",
		`<th scope="row">2022-12 to 2024-08</th>`,
		"no data published for these 21 months",
		`White <small>(the reference)</small>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if n := strings.Count(page, `class="gap"`); n != 1 {
		t.Errorf("%d gap rows in the monthly table, want one for the 21 months without data", n)
	}
	if strings.Contains(page, "no data published for this month") {
		t.Error("a month without data inside the gap still has a row of its own")
	}
	if strings.Contains(page, `data-figure="part-period"`) {
		t.Error("the dashboard's default period, with data in every month, warns of a partial period")
	}
	// The City of London Police's data begin in 2021-12: half the default
	// period, which the City's page says above its figures.
	_, _, b = s.get(t, "/boroughs/E09000001")
	if !strings.Contains(string(b), "Data for 6 of the 12 months of this period") {
		t.Error("the City's page does not say that its data cover 6 of the period's 12 months")
	}
}
