package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stopsearch/charter"
)

// tableReader is the CSV plumbing the crime-count, census and street-crime
// readers share: header lookup by name, line numbers, rejects, and the line
// between a bad row (a reject) and an unreadable file (fatal).
type tableReader struct {
	name    string
	cr      *csv.Reader
	lr      *lineReader
	header  []string       // as published, trimmed, BOM removed
	index   map[string]int // normalised header name -> first column with it
	line    int            // line of the current row
	rejects []charter.Reject
	// sink, when set, receives rejects as they happen instead of rejects.
	sink func(charter.Reject)
}

func newTableReader(r io.Reader, name string) *tableReader {
	// A BOM before a quoted first header cell would make csv.Reader see a bare
	// quote, so it is removed from the stream rather than from the cell.
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	lr := newLineReader(br, name)
	cr := csv.NewReader(lr)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // rows of the wrong width are rejects, checked in next
	return &tableReader{name: name, cr: cr, lr: lr}
}

// headerKey is the form header names are matched in.
func (t *tableReader) headerKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// readHeader reads the first row as the header.
func (t *tableReader) readHeader() error {
	rec, err := t.cr.Read()
	t.lr.recordStart = t.cr.InputOffset()
	if err == io.EOF {
		return t.fatalf("is empty: there is no header row")
	}
	if err != nil {
		if t.lr.err != nil {
			return t.lr.err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return t.fatalf("is not a readable CSV file: line %d: %v", pe.Line, pe.Err)
		}
		return t.wrap(err, "cannot be read")
	}
	t.header = make([]string, len(rec))
	t.index = make(map[string]int, len(rec))
	for i, h := range rec {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if !utf8.ValidString(h) || strings.ContainsFunc(h, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			return t.fatalf("is not a CSV text file (the first line holds binary data)")
		}
		h = strings.TrimSpace(h)
		t.header[i] = h
		if _, dup := t.index[t.headerKey(h)]; !dup {
			t.index[t.headerKey(h)] = i
		}
	}
	t.line, _ = t.cr.FieldPos(0)
	return nil
}

// col returns the column of a header name, or -1.
func (t *tableReader) col(name string) int {
	if i, ok := t.index[t.headerKey(name)]; ok {
		return i
	}
	return -1
}

// requireColumns refuses the file, naming every missing column, unless the
// header has all the names. what says what kind of file was expected.
func (t *tableReader) requireColumns(what string, names ...string) error {
	var missing []string
	for _, n := range names {
		if t.col(n) < 0 {
			missing = append(missing, strconv.Quote(n))
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return t.fatalf("is not %s: column %s is missing", what, missing[0])
	}
	return t.fatalf("is not %s: columns %s are missing", what, strings.Join(missing, ", "))
}

// open reads the header, refuses the file unless it has every required
// column, and returns their positions in the order given.
func (t *tableReader) open(what string, required []string) ([]int, error) {
	if err := t.readHeader(); err != nil {
		return nil, err
	}
	if err := t.requireColumns(what, required...); err != nil {
		return nil, err
	}
	cols := make([]int, len(required))
	for i, c := range required {
		cols[i] = t.col(c)
	}
	return cols, nil
}

// next returns the next row that has as many fields as the header, nil at the
// end of the file. Other rows become rejects. A syntax error confined to one
// line is a reject too (csv.Reader goes on at the next line); one that runs
// over several lines, an unclosed quote, has swallowed rows that can no
// longer be counted, so the file is refused.
func (t *tableReader) next() ([]string, error) {
	for {
		start := t.lr.recordStart
		rec, err := t.cr.Read()
		t.lr.recordStart = t.cr.InputOffset()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			if t.lr.err != nil {
				return nil, t.lr.err // a bound: the file is refused
			}
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, t.wrap(err, fmt.Sprintf("cannot be read past line %d", t.line))
			}
			if pe.Line > pe.StartLine {
				return nil, t.fatalf("is not readable CSV from line %d on: a quote mark opened there is not closed properly (by line %d), so the rows after it cannot be told apart", pe.StartLine, pe.Line)
			}
			t.line = pe.StartLine
			reason := "is not valid CSV: a quote mark out of place, or a quoted field cut short"
			if errors.Is(pe.Err, csv.ErrBareQuote) {
				reason = "is not valid CSV: a quote mark inside a field that is not quoted"
			}
			t.reject(-1, "", reason)
			continue
		}
		t.line, _ = t.cr.FieldPos(0)
		if len(rec) != len(t.header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a line of spaces holds no row
			}
			t.reject(-1, t.excerpt(rec), fmt.Sprintf("has %d fields where the header has %d (a truncated or mis-quoted row)", len(rec), len(t.header)))
			continue
		}
		if t.lr.lastOdd >= start && !t.text(rec) {
			continue
		}
		return rec, nil
	}
}

// text rejects the row, naming the first column, unless every field is
// UTF-8 text without NUL (see badText).
func (t *tableReader) text(rec []string) bool {
	for i, f := range rec {
		if why := badText(f); why != "" {
			t.reject(i, t.clipValue(f), why)
			return false
		}
	}
	return true
}

// clipValue is a field as a reject report shows it: printable and short.
func (t *tableReader) clipValue(s string) string {
	s = printable(s)
	if len(s) > 80 {
		cut := 80
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// reject records a refused row or cell of the current line; col is the column
// (its header name is reported), or -1 for the row as a whole.
func (t *tableReader) reject(col int, value, reason string) {
	rj := charter.Reject{File: t.name, Line: t.line, Value: value, Reason: reason}
	if col >= 0 {
		rj.Column = t.header[col]
	}
	if t.sink != nil {
		t.sink(rj)
		return
	}
	t.rejects = append(t.rejects, rj)
}

// nonEmpty rejects the row unless column i has text.
func (t *tableReader) nonEmpty(rec []string, i int, why string) bool {
	if strings.TrimSpace(rec[i]) != "" {
		return true
	}
	t.reject(i, rec[i], "is empty; "+why)
	return false
}

// count reads column i as a count of things (a non-negative whole number),
// rejecting the cell otherwise.
func (t *tableReader) count(rec []string, i int, things string) (int, bool) {
	s := strings.TrimSpace(rec[i])
	digits := strings.TrimPrefix(s, "-")
	allDigits := digits != ""
	for j := 0; j < len(digits); j++ {
		if digits[j] < '0' || digits[j] > '9' {
			allDigits = false
			break
		}
	}
	switch {
	case s == "":
		t.reject(i, rec[i], "is empty; a number of "+things+" is needed")
	case !allDigits:
		t.reject(i, rec[i], "is not a whole number of "+things)
	case len(digits) != len(s):
		t.reject(i, rec[i], "is negative; a number of "+things+" cannot be")
	default:
		n, err := strconv.Atoi(s)
		if err != nil || n > 1<<31-1 {
			t.reject(i, rec[i], "is too large to be a number of "+things)
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// fatalf returns the EINVALID error that refuses the whole file.
func (t *tableReader) fatalf(format string, args ...any) error {
	return charter.Errorf(charter.EINVALID, "%s: %s", t.name, fmt.Sprintf(format, args...))
}

// wrap is fatalf for a failure of the underlying stream (a corrupt archive),
// keeping the cause for logs.
func (t *tableReader) wrap(err error, msg string) error {
	return &charter.Error{Code: charter.EINVALID, Message: t.name + ": " + msg, Err: err}
}

// excerpt is the start of a rejected row as text, enough to find it.
func (t *tableReader) excerpt(rec []string) string {
	var b bytes.Buffer
	for i, f := range rec {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f)
		if b.Len() > 80 {
			break
		}
	}
	return t.clipValue(b.String())
}
