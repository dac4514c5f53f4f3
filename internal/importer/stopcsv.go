package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

var policeCSVColumns = charter.PoliceCSVColumns

// StopSource says whose stops a file holds, when the file itself does not:
// archive CSVs and API responses carry no force, and the month they were
// published under comes from the file name.
type StopSource struct {
	Force string        // data.police.uk force id
	Month charter.Month // publication month; 0 to take the London month of each record
}

// columnIndex maps the header of a CSV to column positions by name,
// case-insensitively, and names the required columns that are missing.
func columnIndex(name string, header []string, required []string) (map[string]int, error) {
	idx := make(map[string]int, len(header))
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		idx[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := idx[strings.ToLower(c)]; !ok {
			missing = append(missing, `"`+c+`"`)
		}
	}
	if len(missing) > 0 {
		return nil, charter.Errorf(charter.EINVALID, "%s: not a readable file: missing column %s", name, strings.Join(missing, ", "))
	}
	return idx, nil
}

// rowReader wraps csv.Reader with the error handling all the CSV readers
// share: a row with the wrong number of fields is a reject of that line; a
// syntax error the reader cannot pass is fatal only when it is in the header.
type rowReader struct {
	name   string
	r      *csv.Reader
	width  int
	line   int
	reject func(charter.Reject)
}

func newRowReader(r io.Reader, name string) *rowReader {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	return &rowReader{name: name, r: cr}
}

// header reads the first row.
func (rr *rowReader) header() ([]string, error) {
	h, err := rr.r.Read()
	if err == io.EOF {
		return nil, charter.Errorf(charter.EINVALID, "%s: not a readable file: empty, no header row", rr.name)
	}
	if err != nil {
		return nil, charter.Errorf(charter.EINVALID, "%s: not a readable CSV file: %v", rr.name, err)
	}
	rr.width = len(h)
	rr.line = 1
	return append([]string(nil), h...), nil
}

// next returns the next row of the header's width, rejecting others; nil at
// the end. A read error of the underlying stream (a truncated archive) is
// returned as is: the whole file must then be refused.
func (rr *rowReader) next() ([]string, error) {
	for {
		rec, err := rr.r.Read()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// csv.Reader resumes at the next line after a syntax error.
				rr.line = pe.StartLine
				rr.reject(charter.Reject{File: rr.name, Line: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()})
				continue
			}
			return nil, charter.Errorf(charter.EINVALID, "%s: cannot be read to the end: %v", rr.name, err)
		}
		line, _ := rr.r.FieldPos(0)
		rr.line = line
		if len(rec) != rr.width {
			if len(rec) == 1 && rec[0] == "" {
				continue
			}
			rr.reject(charter.Reject{File: rr.name, Line: line, Reason: "has " + strconv.Itoa(len(rec)) + " fields, the header has " + strconv.Itoa(rr.width) + " (truncated or mis-quoted row)"})
			continue
		}
		return rec, nil
	}
}

// ReadPoliceCSV streams a data.police.uk stop-and-search archive CSV, calling
// emit for each valid stop (emit may keep the pointer only until it returns)
// and reject for each refused row. A file without the archive columns is
// refused whole with an EINVALID error naming what is missing.
func ReadPoliceCSV(r io.Reader, name string, src StopSource, emit func(*charter.Stop) error, reject func(charter.Reject)) error {
	rr := newRowReader(r, name)
	rr.reject = reject
	h, err := rr.header()
	if err != nil {
		return err
	}
	idx, err := columnIndex(name, h, policeCSVColumns)
	if err != nil {
		return err
	}
	var col [15]int
	for i, c := range policeCSVColumns {
		col[i] = idx[strings.ToLower(c)]
	}
	var st charter.Stop
	var loc charter.Location
	for {
		rec, err := rr.next()
		if err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		st = charter.Stop{Force: src.Force, SourceRow: rr.line}
		bad := func(c int, reason string) {
			reject(charter.Reject{File: name, Line: rr.line, Column: policeCSVColumns[c], Value: rec[col[c]], Reason: reason})
		}
		st.Type = rec[col[0]]
		t, ok := parseDatetime(rec[col[1]])
		if !ok {
			bad(1, "not a date and time like 2021-06-01T12:30:00+00:00")
			continue
		}
		st.Datetime = t
		var tok bool
		if st.Operation, tok = charter.ParseTristate(rec[col[2]]); !tok {
			bad(2, "want True, False or empty")
			continue
		}
		st.OperationName = rec[col[3]]
		lat, lng := rec[col[4]], rec[col[5]]
		switch {
		case lat == "" && lng == "":
		case lat == "" || lng == "":
			c := 4
			if lat != "" {
				c = 5
			}
			bad(c, "latitude and longitude must both be given or both be empty")
			continue
		default:
			la, err1 := strconv.ParseFloat(lat, 64)
			lo, err2 := strconv.ParseFloat(lng, 64)
			if err1 != nil {
				bad(4, "not a number")
				continue
			}
			if err2 != nil {
				bad(5, "not a number")
				continue
			}
			loc = charter.Location{Latitude: la, Longitude: lo}
			st.Location = &loc
		}
		st.Gender, st.AgeRange = rec[col[6]], rec[col[7]]
		st.SelfDefinedEthnicity, st.OfficerDefinedEthnicity = rec[col[8]], rec[col[9]]
		st.Legislation, st.ObjectOfSearch, st.Outcome = rec[col[10]], rec[col[11]], rec[col[12]]
		if st.OutcomeLinked, tok = charter.ParseTristate(rec[col[13]]); !tok {
			bad(13, "want True, False or empty")
			continue
		}
		if st.Removal, tok = charter.ParseTristate(rec[col[14]]); !tok {
			bad(14, "want True, False or empty")
			continue
		}
		if o, ok := charter.LookupOutcome(st.Outcome); ok {
			st.OutcomeID = o.ID
		}
		st.InvolvedPerson = charter.InvolvedPerson(st.Type)
		if finishStop(&st, src, name, rr.line, reject) {
			if err := emit(&st); err != nil {
				return err
			}
		}
	}
}

// finishStop sets the month and validates; it reports false after rejecting.
func finishStop(st *charter.Stop, src StopSource, name string, line int, reject func(charter.Reject)) bool {
	st.Month = src.Month
	if st.Month == 0 && !st.Datetime.IsZero() {
		st.Month = charter.MonthOf(st.Datetime.In(charter.London))
	}
	if fe := st.Validate(); fe != nil {
		reject(charter.Reject{File: name, Line: line, Column: fe.Field, Value: fe.Value, Reason: fe.Reason})
		return false
	}
	return true
}
