package importer

import (
	"io"
	"time"

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

// ReadPoliceCSV streams a data.police.uk stop-and-search archive CSV, calling
// emit for each valid stop (emit may keep the pointer only until it returns)
// and reject for each refused row. A file without the archive columns is
// refused whole with an EINVALID error naming what is missing.
func ReadPoliceCSV(r io.Reader, name string, src StopSource, emit func(*charter.Stop) error, reject func(charter.Reject)) error {
	t := newTableReader(r, name)
	t.sink = reject
	col, err := t.open("a data.police.uk stop-and-search CSV", policeCSVColumns)
	if err != nil {
		return err
	}
	var st charter.Stop
	var loc charter.Location
	for {
		rec, err := t.next()
		if err != nil {
			return err
		}
		if rec == nil {
			return nil
		}
		st = charter.Stop{Force: src.Force, SourceRow: t.line}
		bad := func(c int, reason string) { t.reject(col[c], rec[col[c]], reason) }
		st.Type = rec[col[0]]
		when, ok := parseDatetime(rec[col[1]])
		if !ok {
			bad(1, "not a date and time like 2021-06-01T12:30:00+00:00")
			continue
		}
		st.Datetime = when
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
			la, ok1 := parseCoord(lat)
			lo, ok2 := parseCoord(lng)
			if !ok1 {
				bad(4, "not a decimal number")
				continue
			}
			if !ok2 {
				bad(5, "not a decimal number")
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
		if finishStop(&st, src, name, t.line, t.header[col[1]], reject) {
			if err := emit(&st); err != nil {
				return err
			}
		}
	}
}

// finishStop sets the month and validates; it reports false after rejecting.
// dateCol is the name of the date column, for a stop dated outside its
// file's month.
func finishStop(st *charter.Stop, src StopSource, name string, line int, dateCol string, reject func(charter.Reject)) bool {
	st.Month = src.Month
	if st.Month == 0 && !st.Datetime.IsZero() {
		st.Month = charter.MonthOf(st.Datetime.In(charter.London))
	} else if why := outsideMonth(st.Datetime, st.Month); why != "" {
		reject(charter.Reject{File: name, Line: line, Column: dateCol, Value: st.Datetime.Format(time.RFC3339), Reason: why})
		return false
	}
	if fe := st.Validate(); fe != nil {
		reject(charter.Reject{File: name, Line: line, Column: fe.Field, Value: fe.Value, Reason: fe.Reason})
		return false
	}
	return true
}
