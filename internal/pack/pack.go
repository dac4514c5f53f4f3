// Package pack is the monthly community pack (PRODUCT.md A5): per borough
// and ward, in plain language, the month's figures with intervals, maps,
// precision, feedback, complaints and triggers, panel findings,
// authorisations and deployments, as HTML and as a PDF printed from the
// same HTML by headless Chromium.
//
// A pack is a list of parts, each made by a Section: a function of the
// area and the month that returns a titled block of paragraphs and tables.
// The standard sections are here; other workflows add theirs (complaints,
// panel findings) by appending to Options.Sections, so the command line and
// the site, which both call Standard, never disagree.
package pack

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
)

// Part is one titled block of a pack: plain-language paragraphs, tables and
// at most one drawing. A part with neither paragraphs, tables nor drawing
// says Nothing instead, so that a reader learns a section had nothing that
// month rather than wondering whether it was left out.
type Part struct {
	Title      string
	Paragraphs []string
	Tables     []Table
	// Drawing is an SVG made by this package from stored boundaries (never
	// from user input), inlined in the page.
	Drawing template.HTML
	// Nothing is said when the part holds nothing else.
	Nothing string
	// Notes are caveats printed small under the part.
	Notes []string
}

// Empty reports whether the part holds nothing but its Nothing sentence.
func (p *Part) Empty() bool {
	return len(p.Paragraphs) == 0 && len(p.Tables) == 0 && p.Drawing == ""
}

// Table is a table of a part, every cell already written for people.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
	// Numeric marks the columns to align right (numbers); nil is none.
	Numeric []bool
}

// Section makes one part of the pack for an area (a force id, a borough or
// a ward code) and a month. It returns a part that says in words when it
// has nothing that month; an error stops the pack.
type Section func(ctx context.Context, area string, month charter.Month) (*Part, error)

// Options are what a pack holds.
type Options struct {
	// Sections make the parts, in order.
	Sections []Section
	// Now is when the pack is made (default time.Now).
	Now func() time.Time
}

// Pack is one area's monthly community pack.
type Pack struct {
	Area      report.AreaRef
	Month     charter.Month
	MonthName string // "September 2024"
	Made      time.Time
	Parts     []*Part
}

// MonthName writes a month for people: "September 2024".
func MonthName(m charter.Month) string { return fmt.Sprintf("%s %d", m.Mon(), m.Year()) }

// Build makes the pack of area for month from the sections.
func Build(ctx context.Context, area report.AreaRef, month charter.Month, opts Options) (*Pack, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pack{Area: area, Month: month, MonthName: MonthName(month), Made: opts.Now().UTC()}
	for _, s := range opts.Sections {
		part, err := s(ctx, area.Code, month)
		if err != nil {
			return nil, err
		}
		if part == nil {
			continue
		}
		if part.Empty() && part.Nothing == "" {
			part.Nothing = "Nothing to report for " + p.MonthName + "."
		}
		p.Parts = append(p.Parts, part)
	}
	return p, nil
}

//go:embed templates/pack.html
var templateFS embed.FS

var packTemplate = template.Must(template.New("pack.html").Funcs(template.FuncMap{
	"numeric": func(t Table, i int) bool { return i < len(t.Numeric) && t.Numeric[i] },
	"date":    func(t time.Time) string { return t.In(charter.London).Format("2 January 2006") },
}).ParseFS(templateFS, "templates/pack.html"))

// Render writes the pack as one self-contained HTML page (inline style, no
// script, no fetched resource), laid out for A4: what the site serves and
// what the PDF printer prints.
func Render(w io.Writer, p *Pack) error {
	var buf bytes.Buffer
	if err := packTemplate.Execute(&buf, p); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// HTML is Render into bytes.
func HTML(p *Pack) ([]byte, error) {
	var buf bytes.Buffer
	err := Render(&buf, p)
	return buf.Bytes(), err
}

// Make builds the standard pack of an area (a force id, borough or ward
// code) for a month from src: what `charter report pack` writes and what
// the site serves.
func Make(ctx context.Context, src Sources, code string, month charter.Month, now func() time.Time) (*Pack, error) {
	area, err := Area(ctx, src.Fig, code)
	if err != nil {
		return nil, err
	}
	return Build(ctx, area, month, Options{Sections: Standard(src), Now: now})
}
