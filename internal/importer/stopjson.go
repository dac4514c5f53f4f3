package importer

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

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
	data, err := io.ReadAll(io.LimitReader(r, MaxJSONFile+1))
	if err != nil {
		return charter.Errorf(charter.EINVALID, "%s: cannot be read to the end: %v", name, err)
	}
	if len(data) > MaxJSONFile {
		return charter.Errorf(charter.EINVALID, "%s: is larger than %s, the limit for one API response (the largest force-month published is about 15 MB)", name, sizeName(MaxJSONFile))
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
		// encoding/json turns bytes that are not UTF-8 into U+FFFD without a
		// word, so the record's own bytes are checked; NUL can only come
		// from a \u0000 escape, so the decoded text is.
		if raw := data[start:dec.InputOffset()]; !utf8.Valid(raw) {
			field, at := badJSONField(raw)
			bad(field, printable(string(at)), badText(string(at)))
			continue
		}
		if field, v := nulField(&a); field != "" {
			bad(field, printable(v), badText(v))
			continue
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
				bad("location.latitude", string(a.Location.Latitude), "not a decimal number")
				continue
			}
			if !ok2 {
				bad("location.longitude", string(a.Location.Longitude), "not a decimal number")
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
		if finishStop(&st, src, name, line, "datetime", reject) {
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

// nulField names the first text field of a that holds NUL, if one does.
func nulField(a *apiStop) (string, string) {
	has := func(s string) bool { return strings.IndexByte(s, 0) >= 0 }
	for _, f := range [...]struct {
		name string
		v    *string
	}{
		{"operation_name", a.OperationName}, {"gender", a.Gender}, {"age_range", a.AgeRange},
		{"self_defined_ethnicity", a.SelfDefinedEthnicity}, {"officer_defined_ethnicity", a.OfficerDefinedEthnicity},
		{"legislation", a.Legislation}, {"object_of_search", a.ObjectOfSearch},
	} {
		if f.v != nil && has(*f.v) {
			return f.name, *f.v
		}
	}
	switch {
	case has(a.Type):
		return "type", a.Type
	case has(a.Datetime):
		return "datetime", a.Datetime
	case a.Location != nil && a.Location.Street != nil && has(a.Location.Street.Name):
		return "location.street.name", a.Location.Street.Name
	case a.OutcomeObject != nil && has(a.OutcomeObject.ID):
		return "outcome_object.id", a.OutcomeObject.ID
	case a.OutcomeObject != nil && has(a.OutcomeObject.Name):
		return "outcome_object.name", a.OutcomeObject.Name
	}
	for _, f := range [...]struct {
		name string
		raw  json.RawMessage
	}{
		{"outcome", a.Outcome}, {"operation", a.Operation}, {"involved_person", a.InvolvedPerson},
		{"outcome_linked_to_object_of_search", a.OutcomeLinked}, {"removal_of_more_than_outer_clothing", a.Removal},
	} {
		var s string
		if len(f.raw) > 0 && f.raw[0] == '"' && json.Unmarshal(f.raw, &s) == nil && has(s) {
			return f.name, s
		}
	}
	return "", ""
}

// badJSONField finds where a JSON record holds bytes that are not UTF-8: the
// dotted name of the member (location.street.name) and the raw text of the
// string holding them. It walks the record's tokens, keeping the path.
func badJSONField(raw []byte) (string, []byte) {
	bad := len(raw)
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n <= 1 {
			bad = i
			break
		}
		i += n
	}
	// the string around the bad byte, for the reject's value
	from := bytes.LastIndexByte(raw[:bad], '"') + 1
	to := bad + bytes.IndexByte(raw[bad:], '"')
	if to < bad {
		to = len(raw)
	}
	at := raw[from:to]
	type level struct {
		object  bool
		wantKey bool
		key     string
	}
	var stack []level
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		top := len(stack) - 1
		if s, ok := tok.(string); ok && top >= 0 && stack[top].object && stack[top].wantKey {
			stack[top].key, stack[top].wantKey = s, false
			if int(dec.InputOffset()) > bad {
				break // the bad bytes are in a member's name
			}
			continue
		}
		if int(dec.InputOffset()) > bad {
			break
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, level{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, level{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
			if top-1 >= 0 && stack[top-1].object {
				stack[top-1].wantKey = true
			}
		default:
			if top >= 0 && stack[top].object {
				stack[top].wantKey = true
			}
		}
	}
	var path []string
	for _, l := range stack {
		if l.object && l.key != "" {
			path = append(path, l.key)
		}
	}
	if len(path) == 0 {
		return "record", at
	}
	return strings.Join(path, "."), at
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
	return parseCoord(s)
}

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }
