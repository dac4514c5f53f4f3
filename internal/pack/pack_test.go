package pack

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
)

// Sections plug in: each makes its titled part in order; a part with
// nothing says so in words; the page is escaped and self-contained; an
// error of a section stops the pack.
func TestBuildRender(t *testing.T) {
	ctx := context.Background()
	m := charter.NewMonth(2024, time.September)
	area := report.AreaRef{Code: "E09000022", Name: "Lambeth", Level: "borough"}
	var asked []string
	complaints := func(ctx context.Context, code string, month charter.Month) (*Part, error) {
		asked = append(asked, code+" "+month.String())
		return &Part{Title: "Complaints and community triggers"}, nil
	}
	findings := func(ctx context.Context, code string, month charter.Month) (*Part, error) {
		return &Part{Title: "Panel findings", Paragraphs: []string{"The panel found <script>x</script> grounds too thin."},
			Tables: []Table{{Head: []string{"Rated", "Records"}, Rows: [][]string{{"Sufficient", "12"}}, Numeric: []bool{false, true}}}}, nil
	}
	skipped := func(context.Context, string, charter.Month) (*Part, error) { return nil, nil }
	p, err := Build(ctx, area, m, Options{Sections: []Section{complaints, skipped, findings}, Now: func() time.Time { return time.Date(2024, 10, 3, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != "E09000022 2024-09" || len(p.Parts) != 2 {
		t.Fatalf("sections asked %v, parts %d", asked, len(p.Parts))
	}
	b, err := HTML(p)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"<title>Stop and search in Lambeth: September 2024</title>", "Made on 3 October 2024",
		"<h2>Complaints and community triggers</h2>", "Nothing to report for September 2024.",
		"&lt;script&gt;x&lt;/script&gt;", `<td class="n">12</td>`, "@page { size: A4"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Index(page, "Complaints and community") > strings.Index(page, "Panel findings") {
		t.Error("the parts are out of order")
	}
	if strings.Contains(page, "<script>") {
		t.Error("a section's text is not escaped")
	}
	boom := errors.New("boom")
	if _, err := Build(ctx, area, m, Options{Sections: []Section{func(context.Context, string, charter.Month) (*Part, error) { return nil, boom }}}); !errors.Is(err, boom) {
		t.Errorf("a failing section: %v", err)
	}
}

// Without Chromium the PDF printer says what to install.
func TestPDFWithoutChromium(t *testing.T) {
	ClosePrinter() // a browser already running would print
	old := ChromiumPath
	ChromiumPath = "/nonexistent/chromium"
	t.Cleanup(func() { ChromiumPath = old })
	t.Setenv("PATH", t.TempDir())
	_, err := PDF(context.Background(), []byte("<!doctype html><title>x</title>"))
	if err == nil || !strings.Contains(charter.ErrorMessage(err), "apt-get install chromium") {
		t.Errorf("PDF without chromium: %v", err)
	}
}
