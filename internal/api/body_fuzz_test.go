package api

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// FuzzReadBody: any body a handset might send is either refused as a whole
// (not a JSON object) or read into a record whose problems are each named
// by a JSON field of the record or a member the body sent; nothing panics,
// in the reading or in the checks after it.
func FuzzReadBody(f *testing.F) {
	f.Add(`{"type":"Person search","datetime":"2026-03-10T13:00:00Z","latitude":51.46,"longitude":-0.11,"legislation":"Misuse of Drugs Act 1971 (section 23)","object_of_search":"Controlled drugs","grounds":"smell","use_of_force":false}`)
	f.Add(`{"type":3,"gender":null,"outcome_linked_to_object_of_search":"yes","extra":[1,2]}`)
	f.Add(`[]`)
	f.Add(`{"datetime":"not a time","latitude":"north","vehicle_registration":"AB12 CDE"}`)
	f.Add(`{"grounds":"\u0000\ud800","address":"12 Acre Lane, Lambeth"}`)
	names := map[string]bool{}
	for name := range jsonFields(reflect.TypeOf(charter.Record{})) {
		names[name] = true
	}
	now := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/records", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var rec charter.Record
		fe, err := readBody(httptest.NewRecorder(), r, &rec, "a record")
		if err != nil {
			if charter.ErrorCode(err) != charter.EINVALID {
				t.Fatalf("a bad body answered %v, want invalid", err)
			}
			return
		}
		var sent map[string]json.RawMessage
		json.Unmarshal([]byte(body), &sent)
		for _, e := range fe {
			if _, member := sent[e.Field]; !names[e.Field] && !member {
				t.Fatalf("a decoding problem names %q, neither a field of the record nor a member sent", e.Field)
			}
		}
		charter.NormaliseRecord(&rec)
		for _, e := range charter.CheckRecord(rec, now) {
			if !names[e.Field] {
				t.Fatalf("a check names %q, not a field of the record", e.Field)
			}
		}
	})
}
