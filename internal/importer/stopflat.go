package importer

import (
	"io"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// flatColumns are the columns of a stop-and-search CSV made by flattening API
// responses (as R's jsonlite and the ExtractSS package do): the API field names
// with dots for nesting, a force name, and date and time in two columns.
var flatColumns = []string{"force", "date", "time", "age_range", "gender", "self_defined_ethnicity",
	"officer_defined_ethnicity", "object_of_search", "legislation", "outcome",
	"location.longitude", "location.latitude", "location.street.id", "location.street.name",
	"involved_person", "outcome_linked_to_object_of_search", "removal_of_more_than_outer_clothing", "type", "operation"}

// ReadFlatCSV reads a flattened API extraction such as ExtractSS's London
// file. Each row names its force; the month is the London month of the search.
// Such extractions come from stops-street, so they hold located stops only.
func ReadFlatCSV(r io.Reader, name string, src StopSource, emit func(*charter.Stop) error, reject func(charter.Reject)) error {
	t := newTableReader(r, name)
	t.sink = reject
	col, err := t.open("a flattened stop-and-search extraction", flatColumns)
	if err != nil {
		return err
	}
	opName := t.col("operation_name")
	forces := map[string]string{}
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
		line := t.line
		bad := func(c int, reason string) { t.reject(col[c], rec[col[c]], reason) }
		st = charter.Stop{SourceRow: line, Force: src.Force}
		if st.Force == "" {
			fname := rec[col[0]]
			id, ok := forces[fname]
			if !ok {
				if f, found := charter.LookupForce(fname); found {
					id = f.ID
				}
				forces[fname] = id
			}
			if id == "" {
				bad(0, "unknown force (name it with --force)")
				continue
			}
			st.Force = id
		}
		date, tm := rec[col[1]], rec[col[2]]
		if len(tm) == 5 {
			tm += ":00"
		}
		if tm == "" {
			tm = "00:00:00"
		}
		when, ok := parseDatetime(date + "T" + tm + "+00:00")
		if !ok {
			bad(1, "not a date (YYYY-MM-DD) and time (HH:MM:SS)")
			continue
		}
		st.Datetime = when
		st.AgeRange, st.Gender = na(rec[col[3]]), na(rec[col[4]])
		st.SelfDefinedEthnicity, st.OfficerDefinedEthnicity = na(rec[col[5]]), na(rec[col[6]])
		st.ObjectOfSearch, st.Legislation, st.Outcome = na(rec[col[7]]), na(rec[col[8]]), na(rec[col[9]])
		if o, ok := charter.LookupOutcome(st.Outcome); ok {
			st.OutcomeID = o.ID
		}
		lng, lat := na(rec[col[10]]), na(rec[col[11]])
		if lat != "" || lng != "" {
			la, ok1 := parseCoord(lat)
			lo, ok2 := parseCoord(lng)
			if !ok1 {
				bad(11, "not a decimal number")
				continue
			}
			if !ok2 {
				bad(10, "not a decimal number")
				continue
			}
			loc = charter.Location{Latitude: la, Longitude: lo, StreetName: na(rec[col[13]])}
			if id := na(rec[col[12]]); id != "" {
				if loc.StreetID, err = strconv.ParseInt(id, 10, 64); err != nil {
					bad(12, "not a street id")
					continue
				}
			}
			st.Location = &loc
		}
		okAll := true
		for i, dst := range []*charter.Tristate{&st.InvolvedPerson, &st.OutcomeLinked, &st.Removal} {
			v, ok := charter.ParseTristate(rec[col[14+i]])
			if !ok {
				bad(14+i, "want TRUE, FALSE or empty")
				okAll = false
				break
			}
			*dst = v
		}
		if !okAll {
			continue
		}
		st.Type = na(rec[col[17]])
		if st.Operation, ok = charter.ParseTristate(rec[col[18]]); !ok {
			bad(18, "want TRUE, FALSE or empty")
			continue
		}
		if opName >= 0 {
			st.OperationName = na(rec[opName])
		}
		if finishStop(&st, src, name, line, t.header[col[1]], reject) {
			if err := emit(&st); err != nil {
				return err
			}
		}
	}
}

// na maps R's missing-value spelling to empty.
func na(s string) string {
	if s == "NA" || strings.EqualFold(s, "null") {
		return ""
	}
	return s
}
