package pack

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
)

// pdfText prints a one-line page and reads the PDF's text back.
func pdfText(t *testing.T, line string) string {
	t.Helper()
	return printedText(t, "<!doctype html><title>t</title><p>"+line)
}

// printedText prints a document and reads the PDF's text back.
func printedText(t *testing.T, doc string) string {
	t.Helper()
	b, err := PDF(context.Background(), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("reading the PDF back needs pdftotext (apt-get install poppler-utils): %v", err)
	}
	file := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// idleTabs lists the tabs the printer keeps.
func idleTabs() []*printTab {
	printer.Lock()
	defer printer.Unlock()
	return slices.Clone(printer.tabs)
}

// Prints share one browser, each in a tab of its own, side by side, kept
// for later prints; a browser that died is replaced at the next print; an
// idle one closes, and ClosePrinter closes it at once.
func TestPrinter(t *testing.T) {
	if _, err := chromium(); err != nil {
		t.Fatalf("printing packs needs chromium (apt-get install chromium): %v", err)
	}
	ClosePrinter()
	t.Cleanup(ClosePrinter)
	current := func() context.Context {
		printer.Lock()
		defer printer.Unlock()
		return printer.browser
	}

	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range got {
		wg.Go(func() { got[i] = pdfText(t, fmt.Sprintf("Pack number %d", i)) })
	}
	wg.Wait()
	for i, g := range got {
		if g != fmt.Sprintf("Pack number %d", i) {
			t.Errorf("print %d reads %q", i, g)
		}
	}
	first := current()
	if first == nil {
		t.Fatal("no browser kept after printing")
	}
	if pdfText(t, "again"); current() != first {
		t.Error("a second print started another browser")
	}

	// Tabs are kept for later prints, and a kept tab runs no script: a
	// document can leave nothing behind for the next pack to find.
	kept := idleTabs()
	if len(kept) == 0 || len(kept) > maxIdleTabs {
		t.Fatalf("%d tabs kept after prints side by side, want 1 to %d", len(kept), maxIdleTabs)
	}
	const scripted = `<!doctype html><title>t</title><p id="p">as written</p>` +
		`<script>localStorage.setItem("left", "behind"); document.getElementById("p").textContent = "changed by a script"</script>`
	for range 2 { // the second time in a tab that printed before
		if g := printedText(t, scripted); g != "as written" {
			t.Errorf("a script ran in the printer: the page reads %q", g)
		}
	}
	if now := idleTabs(); len(now) != len(kept) || !slices.Contains(kept, now[len(now)-1]) {
		t.Errorf("the prints did not reuse a kept tab: %d kept before, %d after", len(kept), len(now))
	}

	// A print whose caller has gone fails at once and takes no tab; a
	// print that fails has its tab closed, not kept.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	before := idleTabs()
	if _, err := PDF(gone, []byte("<!doctype html><title>t</title><p>never")); err == nil {
		t.Error("a print for a caller that has gone succeeded")
	}
	if after := idleTabs(); len(after) != len(before) {
		t.Errorf("a print for a caller that has gone changed the kept tabs from %d to %d", len(before), len(after))
	}
	if _, err := openTab(gone, first); err == nil {
		t.Error("a tab was opened for a caller that has gone")
	}
	failed, err := acquireTab(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	releaseTab(failed, false)
	if after := idleTabs(); len(after) != len(before)-1 || slices.Contains(after, failed) {
		t.Errorf("after a failed print %d tabs are kept, want %d (its tab closed)", len(after), len(before)-1)
	}
	if failed.ctx.Err() == nil {
		t.Error("a failed print's tab is still open")
	}
	if g := pdfText(t, "after a failed print"); g != "after a failed print" {
		t.Errorf("after a failed print: %q", g)
	}

	// A tab that shows anything but the file it was given prints nothing.
	tab, err := openTab(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.close()
	if err := showing(tab.ctx, "/charter-pack/pack.html"); err == nil {
		t.Error("a blank tab passed as showing the pack")
	}

	// A temporary folder whose name needs escaping in an address (a
	// space) prints as well.
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "a folder"))
	if err := os.MkdirAll(os.Getenv("TMPDIR"), 0o755); err != nil {
		t.Fatal(err)
	}
	if g := pdfText(t, "from a spaced folder"); g != "from a spaced folder" {
		t.Errorf("printed from a folder with a space: %q", g)
	}

	// The browser dies (its process gone): the next print starts another.
	printer.Lock()
	printer.cancel()
	printer.Unlock()
	if g := pdfText(t, "after a crash"); g != "after a crash" || current() == first || current() == nil {
		t.Errorf("after the browser died: %q", g)
	}

	ClosePrinter()
	if current() != nil {
		t.Fatal("ClosePrinter left the browser running")
	}
	old := printerIdle
	printerIdle = 50 * time.Millisecond
	t.Cleanup(func() { printerIdle = old })
	if g := pdfText(t, "then idle"); g != "then idle" {
		t.Errorf("after ClosePrinter: %q", g)
	}
	for end := time.Now().Add(10 * time.Second); current() != nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the idle browser did not close")
		}
	}
}

// BenchmarkPDF prints a four-page pack (a title, paragraphs and four tables
// of forty rows) with the browser already running, as a server's second and
// later packs are printed. Each print opened a tab of its own until kept tabs
// were reused (docs/operations.md, "Packs").
func BenchmarkPDF(b *testing.B) {
	area := report.AreaRef{Code: "E09000022", Name: "Lambeth", Level: "borough"}
	section := func(context.Context, string, charter.Month) (*Part, error) {
		p := &Part{Title: "Searches by week", Paragraphs: []string{"Every search the force recorded in the borough, by week and by what was found."}}
		for range 4 {
			tb := Table{Head: []string{"Week", "Searches", "Found"}, Numeric: []bool{false, true, true}}
			for r := range 40 {
				tb.Rows = append(tb.Rows, []string{fmt.Sprintf("Week %d", r+1), strconv.Itoa(100 + r), strconv.Itoa(20 + r%7)})
			}
			p.Tables = append(p.Tables, tb)
		}
		return p, nil
	}
	p, err := Build(context.Background(), area, charter.NewMonth(2024, time.September), Options{Sections: []Section{section}})
	if err != nil {
		b.Fatal(err)
	}
	html, err := HTML(p)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ClosePrinter)
	if _, err := PDF(context.Background(), html); err != nil { // the browser's start
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PDF(context.Background(), html); err != nil {
			b.Fatal(err)
		}
	}
}
