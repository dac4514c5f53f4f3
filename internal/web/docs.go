package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/stopsearch/charter/docs"
)

// The documentation pages: the methodology and the API guide, rendered once
// per process from the Markdown in docs/ (embedded in the binary) into the
// site's layout. The Markdown is written for readers of the source, so the
// rendering turns what only they could follow into what a reader of the site
// can: section marks (§5.1) become linked words ("section 5.1"), and the
// project's file names become links to the pages that serve them, or words
// for those the site does not serve.

// methodologyPath is the methodology's page.
const methodologyPath = "/methodology"

// docPages are the pages made from Markdown files: path on the site → file
// in docs.FS.
var docPages = []struct{ path, file string }{
	{methodologyPath, "methodology.md"},
	{"/docs/api", "api.md"},
}

// docFile is what a mention of one of the project's files becomes on the
// site: a link to the page that serves it, or, for a file the site does not
// serve (its readers have no source tree), words.
type docFile struct {
	url   string
	words string
}

// docFiles are the files the documentation names, by path from the
// repository's root.
var docFiles = map[string]docFile{
	"docs/methodology.md": {methodologyPath, "the methodology"},
	"docs/api.md":         {"/docs/api", "the API guide"},
	"docs/operations.md":  {"", "the operator guide"},
	"README.md":           {"", "the project overview"},
	"data/README.md":      {"", "the notes on the bundled data"},
}

// lookupFile finds a file the Markdown names, as written from the root
// (docs/api.md) or from docs/ (api.md, ../README.md); a file not listed is
// named by its base name in words.
func lookupFile(name string) docFile {
	p := path.Clean(name)
	for strings.HasPrefix(p, "../") {
		p = strings.TrimPrefix(p, "../")
	}
	for _, k := range []string{p, "docs/" + p, path.Base(p)} {
		if f, ok := docFiles[k]; ok {
			return f
		}
	}
	base := strings.NewReplacer("-", " ", "_", " ").Replace(strings.TrimSuffix(path.Base(p), ".md"))
	return docFile{words: "the project's " + strings.ToLower(base) + " notes"}
}

var (
	// refRE finds, in text, a mention of a Markdown file (with a fragment,
	// and a section mark after it that belongs to that file) or a section
	// mark alone (§5, §§5–6). Groups: 1 file, 2 fragment, 3 the file's
	// section, 4 the marks, 5 their section, 6 the end of their range.
	refRE = regexp.MustCompile(`((?:[\w.-]+/)*[\w-][\w.-]*\.md)\b(#[\w-]+)?(?:\s*§\s*(\d+(?:\.\d+)*))?|(§+)(?:\s*(\d+(?:\.\d+)*)(?:\s*(?:–|-)\s*(\d+(?:\.\d+)*))?)?`)
	// fileRE is a code span that is only a file name, and leadingMarkRE a
	// section mark at the start of the text after it.
	fileRE        = regexp.MustCompile(`^\s*((?:[\w.-]+/)*[\w-][\w.-]*\.md)(#[\w-]+)?\s*$`)
	leadingMarkRE = regexp.MustCompile(`^\s*§\s*(\d+(?:\.\d+)*)`)
	// numberedRE is a numbered heading: "5. Disproportionality", "5.1 Rates".
	numberedRE = regexp.MustCompile(`^\s*(?:(\d+)\.|(\d+(?:\.\d+)+)\.?)\s`)
	sectionRE  = regexp.MustCompile(`^\d+(?:\.\d+)*$`)
)

// sectionID is the stable id of a numbered section: 5.1 → s5-1.
func sectionID(num string) string { return "s" + strings.ReplaceAll(num, ".", "-") }

// nearestSection is the id of section num in a page with ids, or of the
// nearest section above it that the page has (5.1 → s5); "" if none.
func nearestSection(ids map[string]bool, num string) string {
	for num != "" {
		if id := sectionID(num); ids[id] {
			return id
		}
		i := strings.LastIndexByte(num, '.')
		if i < 0 {
			break
		}
		num = num[:i]
	}
	return ""
}

// MethodologyURL is the address of a section of the methodology, for pages
// that say how a figure is computed: MethodologyURL("8") is
// "/methodology#s8", MethodologyURL("5.1") "/methodology#s5-1" and
// MethodologyURL("") "/methodology". A section the methodology does not
// have links to the nearest section above it that it has (5.1 → s5), or to
// the page, so that a link never points at nothing. "§8" is taken as "8".
func MethodologyURL(section string) string {
	num := strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(section), "§")), ".")
	if !sectionRE.MatchString(num) {
		return methodologyPath
	}
	d, err := renderedDocs()
	if err != nil { // the page itself answers 500; the id is still the right one
		return methodologyPath + "#" + sectionID(num)
	}
	if id := nearestSection(d[methodologyPath].IDs, num); id != "" {
		return methodologyPath + "#" + id
	}
	return methodologyPath
}

// renderedDoc is a documentation page rendered from Markdown, for doc.html.
type renderedDoc struct {
	Title string
	Intro template.HTML   // what comes before the first section (the title and the lede)
	Body  template.HTML   // the sections
	TOC   []tocEntry      // the sections, for the contents
	IDs   map[string]bool // every id on the page
}

// tocEntry is a section in the contents.
type tocEntry struct{ ID, Text string }

// renderedDocs are the documentation pages by path, rendered once per
// process from the embedded Markdown.
var renderedDocs = sync.OnceValues(func() (map[string]*renderedDoc, error) { return renderDocs(docs.FS) })

// renderDocs renders the pages of docPages from the files in fsys. All are
// parsed before any is rendered, so that a link into another page can use
// that page's section ids.
func renderDocs(fsys fs.FS) (map[string]*renderedDoc, error) {
	md := goldmark.New(
		goldmark.WithExtensions(extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone))),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(regionRenderer{}, 500))),
	)
	parsed := map[string]*docTree{}
	for _, p := range docPages {
		src, err := fs.ReadFile(fsys, p.file)
		if err != nil {
			return nil, err
		}
		t := &docTree{path: p.path, src: src, root: md.Parser().Parse(text.NewReader(src)), ids: map[string]bool{}, stable: map[string]string{}}
		t.numberHeadings()
		parsed[p.path] = t
	}
	out := map[string]*renderedDoc{}
	for _, p := range docPages {
		t := parsed[p.path]
		t.rewrite(parsed)
		var buf bytes.Buffer
		if err := md.Renderer().Render(&buf, t.src, t.root); err != nil {
			return nil, fmt.Errorf("render %s: %w", p.file, err)
		}
		d := &renderedDoc{Title: t.title, TOC: t.toc, IDs: t.ids}
		b := buf.String()
		// The contents go after the lede. Text is escaped, so "<h2" is
		// only ever a heading.
		i := strings.Index(b, "<h2")
		if i < 0 {
			i = len(b)
		}
		d.Intro, d.Body = template.HTML(b[:i]), template.HTML(b[i:]) // goldmark's safe mode: no raw HTML from the Markdown
		if d.Title == "" {
			d.Title = "Documentation"
		}
		out[p.path] = d
	}
	return out, nil
}

// docTree is one page's Markdown while it is rewritten for the site.
type docTree struct {
	path   string
	src    []byte
	root   ast.Node
	ids    map[string]bool   // every id on the page
	stable map[string]string // goldmark's id of a numbered heading → its section id
	title  string
	toc    []tocEntry
}

// numberHeadings gives each numbered heading its section id (s5, s5-1) and
// keeps goldmark's own id (5-disproportionality-…, the id GitHub gives it
// too) on an empty span at its start, so that links of either kind land.
func (t *docTree) numberHeadings() {
	for _, n := range collect(t.root, ast.KindHeading) {
		h := n.(*ast.Heading)
		auto := attr(h, "id")
		t.ids[auto] = true
		if h.Lines().Len() == 0 {
			continue
		}
		line := h.Lines().At(0)
		m := numberedRE.FindStringSubmatch(string(line.Value(t.src)))
		if m == nil {
			continue
		}
		id := sectionID(m[1] + m[2])
		if t.ids[id] { // a number used twice keeps goldmark's ids only
			continue
		}
		t.ids[id], t.stable[auto] = true, id
		h.SetAttributeString("id", []byte(id))
		span := ast.NewString([]byte(`<span id="` + html.EscapeString(auto) + `"></span>`))
		span.SetCode(true) // written as it is
		if h.FirstChild() != nil {
			h.InsertBefore(h, h.FirstChild(), span)
		} else {
			h.AppendChild(h, span)
		}
	}
}

// anchor is the id a link's fragment names on this page: a numbered
// section's id for goldmark's (or GitHub's) id of its heading, the fragment
// itself if the page has it, else "".
func (t *docTree) anchor(frag string) string {
	if id, ok := t.stable[frag]; ok {
		return id
	}
	if t.ids[frag] {
		return frag
	}
	return ""
}

// rewrite makes the tree fit for the site (see the top of this file), then
// wraps tables and code in regions that scroll sideways on a phone and
// takes the title and contents from the headings.
func (t *docTree) rewrite(all map[string]*docTree) {
	for _, n := range collect(t.root, ast.KindLink) {
		t.link(n.(*ast.Link), all)
	}
	for _, n := range collect(t.root, ast.KindCodeSpan) {
		t.codeSpan(n, all)
	}
	for _, n := range collect(t.root, ast.KindRawHTML) {
		// Inline "HTML" in the docs is a placeholder ("<measure> changed
		// by …"): show it, where safe mode would drop it.
		raw := n.(*ast.RawHTML)
		var v []byte
		for i := range raw.Segments.Len() {
			seg := raw.Segments.At(i)
			v = append(v, seg.Value(t.src)...)
		}
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(v))
	}
	for _, n := range collect(t.root, ast.KindText) {
		if n.Parent().Kind() != ast.KindCodeSpan { // a code span holds text only; file-name spans are done
			t.text(n.(*ast.Text), all)
		}
	}
	heading, tables := "", map[string]int{}
	for _, n := range collect(t.root, ast.KindHeading, east.KindTable, ast.KindFencedCodeBlock, ast.KindCodeBlock) {
		switch n := n.(type) {
		case *ast.Heading:
			heading = plainText(n, t.src)
			if n.Level == 1 && t.title == "" {
				t.title = heading
			}
			if n.Level == 2 {
				t.toc = append(t.toc, tocEntry{ID: attr(n, "id"), Text: heading})
			}
		case *east.Table:
			n.SetAttributeString("class", []byte("data"))
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				for cell := c.FirstChild(); cell != nil; cell = cell.NextSibling() {
					if tc, ok := cell.(*east.TableCell); ok && tc.Alignment == east.AlignRight {
						tc.SetAttributeString("class", []byte("num"))
					}
					if c.Kind() == east.KindTableHeader {
						cell.SetAttributeString("scope", []byte("col"))
					}
				}
			}
			label := "Table"
			if heading != "" {
				label = "Table: " + heading
			}
			if tables[heading]++; tables[heading] > 1 {
				label += fmt.Sprintf(" (%d)", tables[heading])
			}
			wrap(n, label)
		default:
			label := "Example"
			if fc, ok := n.(*ast.FencedCodeBlock); ok && fc.Language(t.src) != nil {
				label += " (" + string(fc.Language(t.src)) + ")"
			}
			wrap(n, label)
		}
	}
}

// link points a link to one of the project's files at the page that serves
// it (with the section its fragment names), and unwraps one to a file the
// site does not serve, keeping its words: the site has no source tree.
func (t *docTree) link(l *ast.Link, all map[string]*docTree) {
	dest := string(l.Destination)
	if frag, ok := strings.CutPrefix(dest, "#"); ok {
		if id := t.anchor(frag); id != "" {
			l.Destination = []byte("#" + id)
		}
		return
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") || u.Path == "" {
		return // the web, or one of the site's own paths
	}
	f := lookupFile(u.Path)
	if f.url == "" || !strings.HasSuffix(u.Path, ".md") {
		unwrap(l)
		return
	}
	id := ""
	if target := all[f.url]; target != nil {
		id = target.anchor(u.Fragment)
	}
	l.Destination = []byte(t.href(f.url, id))
}

// codeSpan replaces a code span that is only a file name (`docs/api.md`)
// with what text naming it becomes, taking a section mark after it
// (`domain.md` §1.7) as that file's.
func (t *docTree) codeSpan(n ast.Node, all map[string]*docTree) {
	var v []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if tx, ok := c.(*ast.Text); ok {
			v = append(v, tx.Segment.Value(t.src)...)
		}
	}
	m := fileRE.FindSubmatch(v)
	if m == nil {
		return
	}
	section := ""
	if next, ok := n.NextSibling().(*ast.Text); ok && next.Segment.Padding == 0 {
		if s := leadingMarkRE.FindSubmatch(next.Segment.Value(t.src)); s != nil {
			section = string(s[1])
			next.Segment = next.Segment.WithStart(next.Segment.Start + len(s[0]))
		}
	}
	n.Parent().ReplaceChild(n.Parent(), n, t.fileRef(string(m[1]), strings.TrimPrefix(string(m[2]), "#"), section, insideLink(n), all))
}

// text replaces the file names and section marks in a text node.
func (t *docTree) text(n *ast.Text, all map[string]*docTree) {
	if n.IsRaw() || n.Segment.Padding != 0 {
		return
	}
	seg, v := n.Segment, n.Segment.Value(t.src)
	ms := refRE.FindAllSubmatchIndex(v, -1)
	if ms == nil {
		return
	}
	parent, inLink, at := n.Parent(), insideLink(n), 0
	group := func(m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return string(v[m[2*i]:m[2*i+1]])
	}
	for _, m := range ms {
		if m[0] > at {
			parent.InsertBefore(parent, n, ast.NewTextSegment(text.NewSegment(seg.Start+at, seg.Start+m[0])))
		}
		var r ast.Node
		switch marks, num := group(m, 4), group(m, 5); {
		case group(m, 1) != "":
			r = t.fileRef(group(m, 1), strings.TrimPrefix(group(m, 2), "#"), group(m, 3), inLink, all)
		case num == "":
			r = ast.NewString([]byte("section"))
		default:
			words := "section " + num
			if end := group(m, 6); end != "" || strings.Count(marks, "§") > 1 {
				words = "sections " + num + ifEmpty(end, "–"+end)
			}
			r = linkOrWords(t.sectionHref(num, all), words, inLink)
		}
		parent.InsertBefore(parent, n, r)
		at = m[1]
	}
	// What is left stays in n, with its line break.
	n.Segment = seg.WithStart(seg.Start + at)
}

// fileRef is what a mention of a file (with a fragment or section of it)
// becomes: a link to the page that serves it, or words.
func (t *docTree) fileRef(name, frag, section string, inLink bool, all map[string]*docTree) ast.Node {
	f := lookupFile(name)
	words := f.words
	if section != "" {
		words += ", section " + section
	}
	if f.url == "" {
		return ast.NewString([]byte(words))
	}
	id := ""
	if target := all[f.url]; target != nil {
		if section != "" {
			id = nearestSection(target.ids, section)
		} else {
			id = target.anchor(frag)
		}
	}
	return linkOrWords(t.href(f.url, id), words, inLink)
}

// sectionHref is the address of section num named by a bare section mark:
// this page's section, else the methodology's (the API guide's marks are
// the methodology's), else "".
func (t *docTree) sectionHref(num string, all map[string]*docTree) string {
	if id := nearestSection(t.ids, num); id != "" {
		return "#" + id
	}
	if m := all[methodologyPath]; m != nil && m != t {
		if id := nearestSection(m.ids, num); id != "" {
			return methodologyPath + "#" + id
		}
	}
	return ""
}

// href is the address of id on the page at pagePath, from this page.
func (t *docTree) href(pagePath, id string) string {
	switch {
	case id == "":
		return pagePath
	case pagePath == t.path:
		return "#" + id
	}
	return pagePath + "#" + id
}

// linkOrWords is a link with words, or the words alone where there is no
// address or the words are already inside a link.
func linkOrWords(href, words string, inLink bool) ast.Node {
	s := ast.NewString([]byte(words))
	if href == "" || inLink {
		return s
	}
	l := ast.NewLink()
	l.Destination = []byte(href)
	l.AppendChild(l, s)
	return l
}

// unwrap replaces a link with its contents.
func unwrap(l *ast.Link) {
	p := l.Parent()
	for c := l.FirstChild(); c != nil; {
		next := c.NextSibling()
		p.InsertBefore(p, l, c)
		c = next
	}
	p.RemoveChild(p, l)
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink {
			return true
		}
	}
	return false
}

// collect lists the nodes of the given kinds in document order, so that
// they can be changed after the walk.
func collect(root ast.Node, kinds ...ast.NodeKind) []ast.Node {
	var out []ast.Node
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			for _, k := range kinds {
				if n.Kind() == k {
					out = append(out, n)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

func attr(n ast.Node, name string) string {
	v, _ := n.AttributeString(name)
	b, _ := v.([]byte)
	return string(b)
}

// plainText is the words of a heading as a reader sees them.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			if !c.IsCode() {
				b.Write(c.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// region is a block that scrolls sideways on a narrow screen (the site's
// .table-wrap), around a table or a code example: the one place the site
// lets content be wider than a phone. It can take the keyboard's focus, so
// that it can be scrolled without a pointer, and is named for that.
type region struct {
	ast.BaseBlock
	label string
}

var kindRegion = ast.NewNodeKind("Region")

func (n *region) Kind() ast.NodeKind { return kindRegion }

func (n *region) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Label": n.label}, nil)
}

// wrap puts n in a region.
func wrap(n ast.Node, label string) {
	r := &region{label: label}
	p := n.Parent()
	p.ReplaceChild(p, n, r)
	r.AppendChild(r, n)
}

type regionRenderer struct{}

func (regionRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindRegion, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = fmt.Fprintf(w, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">\n", html.EscapeString(n.(*region).label))
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}

// registerDocs adds the documentation pages to mux. Another path under
// /docs/ is the site's 404.
func (s *Site) registerDocs(mux *http.ServeMux) {
	for _, p := range docPages {
		mux.Handle("GET "+p.path, &docHandler{site: s, path: p.path})
	}
}

// docHandler answers one documentation page: the whole page is made once,
// at the first request, and sent with an ETag of its content.
type docHandler struct {
	site *Site
	path string

	once sync.Once
	body []byte
	etag string
	err  error
}

func (h *docHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(h.build)
	if h.err != nil {
		h.site.fail(w, r, h.err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	// Behind the server's answer cache, which has already set its own ETag
	// (and answered a matching If-None-Match), that one stays: an answer
	// has one ETag.
	if hd.Get("ETag") == "" {
		hd.Set("ETag", h.etag)
	}
	if hd.Get("Cache-Control") == "" {
		hd.Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.body))
}

func (h *docHandler) build() {
	docs, err := renderedDocs()
	if err != nil {
		h.err = err // a 500; the cause goes to the log
		return
	}
	t, ok := h.site.pages["doc"]
	if !ok {
		h.err = fmt.Errorf("no page template doc")
		return
	}
	d := docs[h.path]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", &page{Title: d.Title, Path: h.path, Data: d}); err != nil {
		h.err = err
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h.body, h.etag = buf.Bytes(), `"`+hex.EncodeToString(sum[:12])+`"`
}
