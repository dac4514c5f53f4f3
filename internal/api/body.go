package api

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// maxBody bounds a request body: a record's longest text (grounds, 4,000
// characters of up to 4 bytes) fits many times over.
const maxBody = 64 << 10

// readBody decodes the JSON object of r's body into dst, a pointer to a
// struct, one member at a time, so that every member that is not one of
// dst's fields, and every value of the wrong type, is named (a decoder
// stops at the first). Those come back as field errors, by their JSON
// names; a body that is not a JSON object is EINVALID (400).
func readBody(w http.ResponseWriter, r *http.Request, dst any, what string) (charter.FieldErrors, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") {
			return nil, charter.Errorf(charter.EINVALID, "send the body as JSON with \"Content-Type: application/json\", not %q", ct)
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, charter.Errorf(charter.EINVALID, "the body is larger than %d KB", maxBody>>10)
		}
		return nil, charter.Errorf(charter.EINVALID, "cannot read the body: %v", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil || members == nil {
		if _, ok := errors.AsType[*json.SyntaxError](err); ok || len(strings.TrimSpace(string(b))) == 0 {
			return nil, charter.Errorf(charter.EINVALID, "the body is not JSON: send %s as a JSON object", what)
		}
		return nil, charter.Errorf(charter.EINVALID, "the body is not a JSON object: send %s as one", what)
	}
	v := reflect.ValueOf(dst).Elem()
	fields := jsonFields(v.Type())
	var fe charter.FieldErrors
	for _, name := range slices.Sorted(maps.Keys(members)) {
		idx, ok := fields[name]
		if !ok {
			fe = append(fe, charter.FieldError{Field: name, Reason: "not a field of " + what + " (field names are case-sensitive; see /api/openapi.json)"})
			continue
		}
		f := v.FieldByIndex(idx)
		if err := json.Unmarshal(members[name], f.Addr().Interface()); err != nil {
			fe = append(fe, charter.FieldError{Field: name, Value: string(members[name]), Reason: want(f.Type())})
		}
	}
	return fe, nil
}

// jsonFields maps the JSON names of a struct's fields to their indexes.
func jsonFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if tag == "-" || !f.IsExported() || f.Anonymous {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Index
	}
	return out
}

// want says what a field of type t takes, for a value of the wrong type.
func want(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "want a time in RFC 3339, e.g. \"2026-12-05T14:30:00Z\""
	}
	switch t.Kind() {
	case reflect.Pointer:
		return want(t.Elem()) + ", or null when not recorded"
	case reflect.String:
		return "want a string"
	case reflect.Bool:
		return "want true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "want a whole number"
	case reflect.Float64, reflect.Float32:
		return "want a number"
	case reflect.Slice:
		return "want a list: " + strings.TrimPrefix(want(t.Elem()), "want ") + " each"
	}
	return "not a value this field takes"
}

// withChecks adds to the field errors of decoding those the record
// service's checks find in what did decode, but only for fields not
// already named, so that one answer names every bad field.
func withChecks(decoding, checks charter.FieldErrors) charter.FieldErrors {
	out := slices.Clone(decoding)
	for _, c := range checks {
		if !slices.ContainsFunc(decoding, func(d charter.FieldError) bool { return d.Field == c.Field }) {
			out = append(out, c)
		}
	}
	return out
}
