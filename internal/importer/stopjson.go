package importer

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/stopsearch/charter"
)

// apiStop is a stop as the data.police.uk API returns it (stops-force,
// stops-street, stops-no-location, stops-at-location). Three-state fields and
// the outcome are raw: they have been booleans, null and strings over the years.
type apiStop struct {
	Type                    string          `json:"type"`
	InvolvedPerson          json.RawMessage `json:"involved_person"`
	Datetime                string          `json:"datetime"`
	Operation               json.RawMessage `json:"operation"`
	OperationName           *string         `json:"operation_name"`
	Location                *apiLocation    `json:"location"`
	Gender                  *string         `json:"gender"`
	AgeRange                *string         `json:"age_range"`
	SelfDefinedEthnicity    *string         `json:"self_defined_ethnicity"`
	OfficerDefinedEthnicity *string         `json:"officer_defined_ethnicity"`
	Legislation             *string         `json:"legislation"`
	ObjectOfSearch          *string         `json:"object_of_search"`
	Outcome                 json.RawMessage `json:"outcome"`
	OutcomeObject           *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"outcome_object"`
	OutcomeLinked json.RawMessage `json:"outcome_linked_to_object_of_search"`
	Removal       json.RawMessage `json:"removal_of_more_than_outer_clothing"`
}

type apiLocation struct {
	Latitude  json.RawMessage `json:"latitude"`
	Longitude json.RawMessage `json:"longitude"`
	Street    *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"street"`
}

// ReadPoliceJSON reads a data.police.uk API response: a JSON array of stops.
// The whole response is read into memory (a force-month is at most a few
// megabytes) so that a rejected record can be named by its line. A document
// that is not a JSON array of objects is refused whole.
func ReadPoliceJSON(r io.Reader, name string, src StopSource, emit func(*charter.Stop) error, reject func(charter.Reject)) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return charter.Errorf(charter.EINVALID, "%s: cannot be read to the end: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return charter.Errorf(charter.EINVALID, "%s: not a data.police.uk API response (want a JSON array of stops)", name)
	}
	lines, lastOff := 1, 0
	lineAt := func(off int) int {
		if off > len(data) {
			off = len(data)
		}
		if off >= lastOff {
			lines += bytes.Count(data[lastOff:off], []byte{'\n'})
		} else {
			lines = 1 + bytes.Count(data[:off], []byte{'\n'})
		}
		lastOff = off
		return lines
	}
	var st charter.Stop
	var loc charter.Location
	for n := 1; dec.More(); n++ {
		// Skip the separator and spaces so the offset is the record's first byte.
		start := int(dec.InputOffset())
		for start < len(data) && (data[start] == ',' || data[start] == ' ' || data[start] == '\n' || data[start] == '\r' || data[start] == '\t') {
			start++
		}
		line := lineAt(start)
		var a apiStop
		if err := dec.Decode(&a); err != nil {
			if _, ok := err.(*json.UnmarshalTypeError); ok {
				reject(charter.Reject{File: name, Line: line, Column: "record " + strconv.Itoa(n), Reason: "wrong JSON type: " + err.Error()})
				continue
			}
			return charter.Errorf(charter.EINVALID, "%s: line %d: not valid JSON (truncated?): %v", name, line, err)
		}
		bad := func(field, value, reason string) {
			reject(charter.Reject{File: name, Line: line, Column: field, Value: value, Reason: reason})
		}
		st = charter.Stop{Force: src.Force, SourceRow: n, Type: a.Type}
		t, ok := parseDatetime(a.Datetime)
		if !ok {
			bad("datetime", a.Datetime, "not a date and time like 2024-09-27T09:45:00+00:00")
			continue
		}
		st.Datetime = t
		var fields = [...]struct {
			name string
			raw  json.RawMessage
			dst  *charter.Tristate
		}{
			{"operation", a.Operation, &st.Operation},
			{"outcome_linked_to_object_of_search", a.OutcomeLinked, &st.OutcomeLinked},
			{"removal_of_more_than_outer_clothing", a.Removal, &st.Removal},
			{"involved_person", a.InvolvedPerson, &st.InvolvedPerson},
		}
		okAll := true
		for _, f := range fields {
			v, ok := rawTristate(f.raw)
			if !ok {
				bad(f.name, string(f.raw), "want true, false or null")
				okAll = false
				break
			}
			*f.dst = v
		}
		if !okAll {
			continue
		}
		if a.InvolvedPerson == nil {
			st.InvolvedPerson = charter.InvolvedPerson(st.Type)
		}
		if a.Location != nil && !(isNull(a.Location.Latitude) && isNull(a.Location.Longitude)) {
			la, ok1 := rawFloat(a.Location.Latitude)
			lo, ok2 := rawFloat(a.Location.Longitude)
			if !ok1 {
				bad("location.latitude", string(a.Location.Latitude), "not a number")
				continue
			}
			if !ok2 {
				bad("location.longitude", string(a.Location.Longitude), "not a number")
				continue
			}
			loc = charter.Location{Latitude: la, Longitude: lo}
			if s := a.Location.Street; s != nil {
				loc.StreetID, loc.StreetName = s.ID, s.Name
			}
			st.Location = &loc
		}
		st.OperationName = str(a.OperationName)
		st.Gender, st.AgeRange = str(a.Gender), str(a.AgeRange)
		st.SelfDefinedEthnicity, st.OfficerDefinedEthnicity = str(a.SelfDefinedEthnicity), str(a.OfficerDefinedEthnicity)
		st.Legislation, st.ObjectOfSearch = str(a.Legislation), str(a.ObjectOfSearch)
		// outcome is a label now; in old responses it was false ("not
		// searched" / nothing) or an object.
		var label string
		if len(a.Outcome) > 0 && a.Outcome[0] == '"' {
			json.Unmarshal(a.Outcome, &label)
		}
		st.Outcome = label
		if o := a.OutcomeObject; o != nil {
			st.OutcomeID = o.ID
			if st.Outcome == "" {
				st.Outcome = o.Name
			}
		} else if o, ok := charter.LookupOutcome(st.Outcome); ok {
			st.OutcomeID = o.ID
		}
		if finishStop(&st, src, name, line, reject) {
			if err := emit(&st); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return charter.Errorf(charter.EINVALID, "%s: not valid JSON at the end (truncated?): %v", name, err)
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func rawTristate(raw json.RawMessage) (charter.Tristate, bool) {
	switch string(raw) {
	case "", "null":
		return charter.Unknown, true
	case "true":
		return charter.True, true
	case "false":
		return charter.False, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return charter.ParseTristate(s)
	}
	return charter.Unknown, false
}

// rawFloat reads a coordinate given as a JSON string (as the API does) or number.
func rawFloat(raw json.RawMessage) (float64, bool) {
	s := string(raw)
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }
