package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/storetest"
)

// newDocsServer serves the site over HTTP on an empty store: the
// documentation pages need no figures, the 404 page copes without them.
func newDocsServer(t *testing.T) *httptest.Server {
	t.Helper()
	st := storetest.Open(t)
	snap, err := readmodel.Read(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	site, err := New(public.New(st, snap, "metropolitan"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	site.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

var (
	idRE   = regexp.MustCompile(`\sid="([^"]+)"`)
	hrefRE = regexp.MustCompile(`\shref="([^"]*)"`)
	mainRE = regexp.MustCompile(`(?s)<main.*</main>`)
)

// The methodology and the API guide are pages of the site, over HTTP: in
// the layout, with their numbered sections linkable, no file names or
// section marks a reader of the site could not follow, every link into a
// page landing on an id it has, an ETag, and no script of their own.
func TestDocPagesHTTP(t *testing.T) {
	srv := newDocsServer(t)
	c := srv.Client()
	pages := map[string]string{}
	for _, tc := range []struct {
		path  string
		title string
		want  []string
	}{
		{"/methodology", "Methodology", []string{
			`<h1 id="methodology">Methodology</h1>`,
			`<h2 id="s1"><span id="1-what-is-counted"></span>1. What is counted</h2>`,
			`<h3 id="s1-3"><span id="13-which-source-counts"></span>1.3 Which source counts</h3>`,
			`<h2 id="s8">`, `<h2 id="s10">`,
			`<nav class="toc" aria-label="On this page">`, `<a href="#s5">5. Disproportionality`,
			`<a href="#s4">section 4</a>`,           // §4
			`<a href="/docs/api">the API guide</a>`, // [api.md](api.md)
			`<div class="table-wrap" tabindex="0" role="region" aria-label="Table: 4. Data-quality flags">`,
			`<table class="data">`, `<th scope="col">`,
			`&lt;measure&gt; in the treated wards`, // a placeholder, not HTML
			`<a href="/methodology" aria-current="page">Methodology</a>`,
		}},
		{"/docs/api", "Charter&#39;s APIs", []string{
			`<h2 id="the-datapoliceuk-compatible-api">`,
			`<a href="/methodology#s3">three-state facts</a>`, // methodology.md#3-three-state-facts
			`<a href="/methodology#s8">precision</a>`,
			`<a href="/methodology#s10">the public pages and Charter`,
			`<div class="table-wrap" tabindex="0" role="region" aria-label="Example (json)">`,
			`operations guide`, // its link dropped: the site does not serve it
		}},
	} {
		resp, body := get(t, c, srv.URL+tc.path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("GET %s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		pages[tc.path] = body
		for _, want := range append(tc.want,
			`<html lang="en-GB">`, `<header class="site">`, `<footer class="site">`, "/css/charter.css",
			`<meta name="viewport" content="width=device-width, initial-scale=1">`, `<main id="main" tabindex="-1">`,
		) {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: no %q", tc.path, want)
			}
		}
		if !strings.Contains(body, "<title>"+tc.title+" · Charter</title>") {
			t.Errorf("GET %s: title is not %q: %s", tc.path, tc.title, regexp.MustCompile(`<title>.*</title>`).FindString(body))
		}
		for _, not := range []string{"§", ".md", "raw HTML omitted", "<script>", " style=", " docs/", ">docs/", "README"} {
			if i := strings.Index(body, not); i >= 0 {
				t.Errorf("GET %s: the page has %q: …%s…", tc.path, not, body[max(0, i-80):min(len(body), i+80)])
			}
		}
		if n := strings.Count(mainRE.FindString(body), "<h1"); n != 1 {
			t.Errorf("GET %s: %d h1", tc.path, n)
		}

		// Conditional requests: the page's ETag answers 304.
		etag := resp.Header.Get("ETag")
		if etag == "" || resp.Header.Get("Cache-Control") == "" {
			t.Errorf("GET %s: ETag %q, Cache-Control %q", tc.path, etag, resp.Header.Get("Cache-Control"))
		}
		if resp, _ := get(t, c, srv.URL+tc.path, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s If-None-Match: %d", tc.path, resp.StatusCode)
		}
		if resp, again := get(t, c, srv.URL+tc.path); again != body || resp.Header.Get("ETag") != etag {
			t.Errorf("GET %s: the page changed between requests", tc.path)
		}
	}

	// Every id once per page; every link into a documentation page lands
	// on an id it has, and no site link points outside the site's pages.
	ids := map[string]map[string]bool{}
	for path, body := range pages {
		ids[path] = map[string]bool{}
		for _, m := range idRE.FindAllStringSubmatch(body, -1) {
			if ids[path][m[1]] {
				t.Errorf("%s: id %q twice", path, m[1])
			}
			ids[path][m[1]] = true
		}
	}
	sectionLinks := 0
	for path, body := range pages {
		for _, m := range hrefRE.FindAllStringSubmatch(mainRE.FindString(body), -1) {
			href := m[1]
			if strings.Contains(href, "://") || strings.HasPrefix(href, "/static/") {
				continue
			}
			page, frag, _ := strings.Cut(href, "#")
			if page == "" {
				page = path
			}
			if ids[page] == nil {
				if !strings.HasPrefix(page, "/api/") && page != "/" {
					t.Errorf("%s: a link to %q, which is not a documentation page", path, href)
				}
				continue
			}
			if frag != "" && !ids[page][frag] {
				t.Errorf("%s: a link to %q, which has no such id", path, href)
			}
			if strings.HasPrefix(frag, "s") {
				sectionLinks++
			}
		}
	}
	if sectionLinks < 10 {
		t.Errorf("only %d links to numbered sections", sectionLinks)
	}

	// MethodologyURL's addresses land on ids the page has.
	for _, sec := range []string{"1", "1.3", "5", "8", "10", "5.1", "§8"} {
		u := MethodologyURL(sec)
		_, frag, ok := strings.Cut(u, "#")
		if !ok || !ids["/methodology"][frag] {
			t.Errorf("MethodologyURL(%q) = %q: no such id on the page", sec, u)
		}
	}

	// Another path under /docs/ is the site's 404 page.
	for _, p := range []string{"/docs/x", "/docs/", "/docs/methodology.md", "/methodology/x"} {
		resp, body := get(t, c, srv.URL+p)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `<header class="site">`) {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	if resp, err := c.Head(srv.URL + "/docs/api"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD /docs/api: %v %v", resp, err)
	}
}

func TestMethodologyURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "/methodology"},
		{"8", "/methodology#s8"},
		{"§8", "/methodology#s8"},
		{" 1.3 ", "/methodology#s1-3"},
		{"1.3.", "/methodology#s1-3"},
		{"99", "/methodology"},         // no such section: the page
		{"1.99", "/methodology#s1"},    // the nearest section above it
		{"five", "/methodology"},       // not a section number
		{`"><script>`, "/methodology"}, // nothing of it reaches the page
		{"10", "/methodology#s10"},     // not s1
		{"1.3.9", "/methodology#s1-3"}, // two levels up at most as needed
		{"§ 4", "/methodology#s4"},
	} {
		if got := MethodologyURL(c.in); got != c.want {
			t.Errorf("MethodologyURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Every {{methodologyURL "…"}} in the templates and MethodologyURL("…") in
// this package names a section the methodology has, not one that falls back.
func TestMethodologyURLCallsResolve(t *testing.T) {
	d, err := renderedDocs()
	if err != nil {
		t.Fatal(err)
	}
	calls := regexp.MustCompile(`(?:methodologyURL\s+|MethodologyURL\()"([^"]*)"`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") || f == "docs.go" || f == "funcs.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range calls.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "" && !d[methodologyPath].IDs[sectionID(strings.TrimPrefix(m[1], "§"))] {
				t.Errorf("%s: methodology section %q does not exist", f, m[1])
			}
		}
	}
}

// The rewriting on documents made for the purpose: file names in text, in
// code and in links, fragments, section marks of this page, of the
// methodology and of files the site does not serve.
func TestRenderDocsRewrites(t *testing.T) {
	fsys := fstest.MapFS{
		"methodology.md": {Data: []byte(`# Method

Intro (§2.1; see docs/api.md, ` + "`docs/operations.md`" + `, README.md and [the data](../data/README.md)).

## 1. One

Text with §§1–2, a lone § mark, (domain.md §3.1), ` + "`../shared/reference/domain.md`" + ` §1.7;
[section two](#2-two-and-more) and [§2](methodology.md#2-two-and-more), ` + "`charter report x`" + `.

| a | n |
|---|--:|
| x (§1) | 1 |

## 2. Two and more

### 2.1 Sub

## 2. Again

Unknown: SOURCES.md.
`)},
		"api.md": {Data: []byte(`# API

See [methodology](methodology.md#21-sub), methodology.md §2, §1 and [ops](operations.md#load).

` + "```sh\ncurl x\n```\n")},
	}
	d, err := renderDocs(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m, a := string(d["/methodology"].Intro+d["/methodology"].Body), string(d["/docs/api"].Intro+d["/docs/api"].Body)
	for _, c := range []struct{ in, want string }{
		{m, `Intro (<a href="#s2-1">section 2.1</a>; see <a href="/docs/api">the API guide</a>, the operator guide, the project overview and the data).`},
		{m, `<h2 id="s1"><span id="1-one"></span>1. One</h2>`},
		{m, `<h3 id="s2-1"><span id="21-sub"></span>2.1 Sub</h3>`},
		{m, `<h2 id="2-again">2. Again</h2>`}, // a number used twice keeps goldmark's id
		{m, `Text with <a href="#s1">sections 1–2</a>, a lone section mark, (the project's domain notes, section 3.1), the project's domain notes, section 1.7;`},
		{m, `<a href="#s2">section two</a> and <a href="#s2">section 2</a>, <code>charter report x</code>.`},
		{m, `<td>x (<a href="#s1">section 1</a>)</td>`},
		{m, `<th class="num" scope="col">n</th>`},
		{m, `Unknown: the project's sources notes.`},
		{a, `See <a href="/methodology#s2-1">methodology</a>, <a href="/methodology#s2">the methodology, section 2</a>, <a href="/methodology#s1">section 1</a> and ops.`},
		{a, `<div class="table-wrap" tabindex="0" role="region" aria-label="Example (sh)">
<pre><code class="language-sh">curl x`},
	} {
		if !strings.Contains(c.in, c.want) {
			t.Errorf("no %q in\n%s", c.want, c.in)
		}
	}
	if got := d["/methodology"].TOC; len(got) != 3 || got[0] != (tocEntry{"s1", "1. One"}) || got[2].ID != "2-again" {
		t.Errorf("contents: %+v", got)
	}
	if d["/methodology"].Title != "Method" || d["/docs/api"].Title != "API" {
		t.Errorf("titles %q %q", d["/methodology"].Title, d["/docs/api"].Title)
	}
	if !strings.HasPrefix(string(d["/methodology"].Body), "<h2") || strings.Contains(string(d["/methodology"].Intro), "<h2") {
		t.Errorf("the intro is not what comes before the first section")
	}
}
