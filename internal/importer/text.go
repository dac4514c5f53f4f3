package importer

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stopsearch/charter"
)

// Bounds on what one CSV file may cost. They are far above anything
// published (the longest line of the bundled data is under 1 KB) and keep a
// malformed file from holding gigabytes: csv.Reader keeps a whole line, and
// a whole record, in memory.
const (
	// MaxCSVLine is the longest line a CSV file may have, in bytes.
	MaxCSVLine = 1 << 20
	// MaxCSVRecord is the longest row a CSV file may have, in bytes, counting
	// the lines of quoted fields that hold line breaks.
	MaxCSVRecord = 4 << 20
	// MaxJSONFile is the largest data.police.uk API response read, in bytes
	// (decompressed): a response is read whole, and the Met's largest month
	// is about 15 MB.
	MaxJSONFile = 256 << 20
)

// badText says why s cannot be stored as text, or "" when it can. Both
// databases must store the same rows, and PostgreSQL refuses NUL and bytes
// that are not UTF-8 where SQLite keeps them, so such a field is a reject
// (with its file, line and column), never converted.
func badText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return "holds a NUL byte: text fields must be UTF-8 text without NUL characters"
	}
	if !utf8.ValidString(s) {
		return "holds bytes that are not UTF-8 text (the file may be in another encoding: save it as UTF-8)"
	}
	return ""
}

// printable is s as it can be shown in a reject report: bytes that are not
// UTF-8 become U+FFFD and NUL becomes \0, so the report itself stays text.
func printable(s string) string {
	if badText(s) == "" {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", `\0`)
}

// lineReader sits under csv.Reader. It reads the three line endings (LF,
// CRLF and the old Mac CR) as one, and refuses the file when a line or a
// record grows past MaxCSVLine or MaxCSVRecord, naming the line and the
// limit, before csv.Reader has buffered it.
type lineReader struct {
	r    io.Reader
	name string
	// line is the 1-based line being read; lineLen the bytes of it so far.
	line, lineLen int
	// out counts the bytes handed on; recordStart is where the row being
	// read began (tableReader sets it after each row).
	out, recordStart int64
	prevCR           bool // the last byte read was CR (turned into LF)
	// lastOdd is at or after the offset of the last byte handed on that is
	// NUL or not ASCII, -1 if none: a row that starts after it is text
	// without checking its fields.
	lastOdd int64
	err     error
}

func newLineReader(r io.Reader, name string) *lineReader {
	return &lineReader{r: r, name: name, line: 1, lastOdd: -1}
}

func (l *lineReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	for {
		n, err := l.r.Read(p)
		n = l.filter(p[:n])
		if l.err != nil {
			return 0, l.err
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// filter rewrites b in place (CR and CRLF become LF), checks the bounds,
// notes where bytes that may not be text are, and returns the new length.
func (l *lineReader) filter(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	w := len(b)
	if l.prevCR || bytes.IndexByte(b, '\r') >= 0 {
		w = l.endings(b)
	} else {
		// LF only, the common case: lines inside b are shorter than b,
		// and only the first and last can be longer.
		first := bytes.IndexByte(b, '\n')
		if first < 0 {
			l.lineLen += len(b)
		} else {
			l.lineLen += first
			if l.lineLen > MaxCSVLine {
				l.tooLong("line", MaxCSVLine)
				return 0
			}
			l.line += bytes.Count(b[first:], []byte{'\n'})
			l.lineLen = len(b) - 1 - bytes.LastIndexByte(b, '\n')
		}
		if l.lineLen > MaxCSVLine {
			l.tooLong("line", MaxCSVLine)
			return 0
		}
	}
	if l.err != nil {
		return 0
	}
	if k := lastOdd(b[:w]); k >= 0 {
		l.lastOdd = l.out + int64(k)
	}
	l.out += int64(w)
	if l.out-l.recordStart > MaxCSVRecord {
		l.tooLong("row", MaxCSVRecord)
		return 0
	}
	return w
}

// endings is filter for a piece holding CR: it rewrites CR and CRLF as LF
// and keeps the line count and length.
func (l *lineReader) endings(b []byte) int {
	w := 0
	for r := 0; r < len(b); {
		if l.prevCR {
			l.prevCR = false
			if b[r] == '\n' {
				r++ // the LF of a CRLF whose CR is already an LF
				continue
			}
		}
		seg := b[r:]
		if k := bytes.IndexByte(seg, '\n'); k >= 0 {
			seg = seg[:k+1]
		}
		if k := bytes.IndexByte(seg, '\r'); k >= 0 {
			seg = seg[:k+1]
		}
		n := len(seg)
		copy(b[w:], seg) // w <= r: the copy moves bytes back, never over unread ones
		w += n
		r += n
		l.lineLen += n
		switch b[w-1] {
		case '\r':
			b[w-1] = '\n'
			l.prevCR = true
			fallthrough
		case '\n':
			if l.lineLen-1 > MaxCSVLine {
				l.tooLong("line", MaxCSVLine)
				return 0
			}
			l.line++
			l.lineLen = 0
		default:
			if l.lineLen > MaxCSVLine {
				l.tooLong("line", MaxCSVLine)
				return 0
			}
		}
	}
	return w
}

// lastOdd returns an index at or after the last byte of b that is NUL or
// not ASCII (and so may not be text), or -1 when there is none. It reads
// eight bytes at a time: published files are ASCII, and this runs over
// every byte of every CSV import.
func lastOdd(b []byte) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	last := -1
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if x&hi != 0 || (x-lo)&^x&hi != 0 { // a high bit, or a zero byte
			last = i + 7
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == 0 || c >= 0x80 {
			last = i
		}
	}
	return last
}

func (l *lineReader) tooLong(what string, limit int) {
	l.err = charter.Errorf(charter.EINVALID, "%s: line %d: %s is longer than %s, the limit for one %s of a CSV file; no published file comes near it (a file without line breaks, or not CSV)", l.name, l.line, what, sizeName(limit), what)
}

func sizeName(n int) string {
	if n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// monthWindow is how far outside its file's month a stop may be dated: the
// archive months are London months and the dates UTC, so a month's file
// holds searches from the last evening of the month before; a day either
// side allows that and nothing more.
const monthWindow = 24 * time.Hour

// outsideMonth says why a stop dated t does not belong in a file published
// for month m, or "" when it does.
func outsideMonth(t time.Time, m charter.Month) string {
	start := time.Date(m.Year(), m.Mon(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	if t.Before(start.Add(-monthWindow)) || !t.Before(end.Add(monthWindow)) {
		return fmt.Sprintf("dated outside the file's month %s (more than a day before or after it): a data.police.uk file holds the stops of its own month", m)
	}
	return ""
}

// parseCoord reads a coordinate: a finite decimal number (digits with an
// optional sign, point and exponent). strconv.ParseFloat alone would also
// take NaN, Inf, hexadecimal floats and underscores.
func parseCoord(s string) (float64, bool) {
	if s == "" || len(s) > 40 {
		return 0, false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == 'e' || c == 'E') && digits > 0:
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				j++
			}
			if j == len(s) {
				return 0, false
			}
			for ; j < len(s); j++ {
				if s[j] < '0' || s[j] > '9' {
					return 0, false
				}
			}
			i = len(s)
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
