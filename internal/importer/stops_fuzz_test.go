package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
)

// checkStops asserts what every stop reader promises, whatever the input:
// every emitted stop is valid, every reject names the file and a line.
func checkStops(t *testing.T, name string, read func(emit func(*charter.Stop) error, reject func(charter.Reject)) error) {
	err := read(func(st *charter.Stop) error {
		if fe := st.Validate(); fe != nil {
			t.Fatalf("emitted an invalid stop (%v): %+v", fe, st)
		}
		if st.Month == 0 {
			t.Fatalf("emitted a stop without a month: %+v", st)
		}
		if why := outsideMonth(st.Datetime, st.Month); why != "" {
			t.Fatalf("emitted a stop %s: %+v", why, st)
		}
		text := []string{st.Type, st.OperationName, st.Gender, st.AgeRange, st.SelfDefinedEthnicity, st.OfficerDefinedEthnicity,
			st.Legislation, st.ObjectOfSearch, st.Outcome, st.OutcomeID}
		if st.Location != nil {
			text = append(text, st.Location.StreetName)
		}
		for _, s := range text {
			if badText(s) != "" {
				t.Fatalf("emitted a stop with a field that is not text (%q): %+v", s, st)
			}
		}
		return nil
	}, func(r charter.Reject) {
		if r.File != name || r.Line < 1 || r.Reason == "" {
			t.Fatalf("bad reject %+v", r)
		}
	})
	if err != nil && charter.ErrorCode(err) != charter.EINVALID {
		t.Fatalf("error is not EINVALID: %v", err)
	}
	if err != nil && !strings.HasPrefix(charter.ErrorMessage(err), name+":") {
		t.Fatalf("error does not start with the file name: %v", err)
	}
}

func FuzzReadPoliceCSV(f *testing.F) {
	head := strings.Join(charter.PoliceCSVColumns, ",") + "\n"
	f.Add([]byte(head + "Person search,2021-05-31T23:00:00+00:00,False,,51.484282,-0.106707,Male,18-24,White - English/Welsh/Scottish/Northern Irish/British,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,\n"))
	f.Add([]byte(head + "Vehicle search,2021-06-31T25:00:00+00:00,False,,999,-0.1,,,,,,,,,\n"))
	f.Add([]byte(head + "Person search,2021-06-01T10:00:00+00:00,maybe,,,,Other,over 34,Other ethnic group - Not stated,Other,x,y,z,True,False\n\"unterminated"))
	f.Add([]byte("Type,Date\nPerson search,2021-06-01\n"))
	f.Add([]byte{0x1f, 0x8b, 0, 1, 2})
	f.Add([]byte(strings.ReplaceAll(head+"Person search,2021-06-03T10:00:00+00:00,False,Op \xff,,,Male,18-24,,White,,Controlled\x00drugs,,,\n", "\n", "\r")))
	f.Add([]byte(head + "Person search,2100-06-03T10:00:00+00:00,False,,0x1p5,NaN,Male,18-24,,White,,,,,\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := charter.ParseMonth("2021-06")
		checkStops(t, "f.csv", func(emit func(*charter.Stop) error, reject func(charter.Reject)) error {
			return ReadPoliceCSV(bytes.NewReader(data), "f.csv", StopSource{Force: "metropolitan", Month: m}, emit, reject)
		})
	})
}

func FuzzReadPoliceJSON(f *testing.F) {
	f.Add([]byte(`[{"age_range":"over 34","outcome":"A no further action disposal","involved_person":true,"self_defined_ethnicity":"White - Irish","gender":"Male","legislation":"Police and Criminal Evidence Act 1984 (section 1)","outcome_linked_to_object_of_search":false,"datetime":"2024-09-27T09:45:00+00:00","removal_of_more_than_outer_clothing":false,"outcome_object":{"id":"bu-no-further-action","name":"A no further action disposal"},"location":{"latitude":"51.452468","street":{"id":1708284,"name":"On or near Waterside"},"longitude":"0.178992"},"operation":false,"officer_defined_ethnicity":"White","type":"Person and Vehicle search","operation_name":null,"object_of_search":"Stolen goods"}]`))
	f.Add([]byte(`[{"type":"Person search","datetime":"2017-01-01T00:00:00","outcome":false,"location":null,"operation":null}]`))
	f.Add([]byte(`[{"type":"Person search","datetime":"x","location":{"latitude":999,"longitude":"0"}}, {"type":1}]`))
	f.Add([]byte(`[{"type":"Person search"`))
	f.Add([]byte(`{"not":"an array"}`))
	f.Add([]byte("[{\"type\":\"Person search\",\"datetime\":\"2024-09-27T09:45:00+00:00\",\"location\":{\"latitude\":\"51.5\",\"longitude\":\"0x1p-3\",\"street\":{\"id\":1,\"na\xffme\":\"On or near \xc3\x28\"}},\"gender\":\"M\\u0000\"}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStops(t, "f.json", func(emit func(*charter.Stop) error, reject func(charter.Reject)) error {
			return ReadPoliceJSON(bytes.NewReader(data), "f.json", StopSource{Force: "metropolitan"}, emit, reject)
		})
	})
}

func FuzzReadFlatCSV(f *testing.F) {
	head := `"index","la_name","la_code","county","region","country","force","date","time","age_range","gender","self_defined_ethnicity","officer_defined_ethnicity","object_of_search","legislation","outcome","location.longitude","location.latitude","location.street.id","location.street.name","involved_person","outcome_linked_to_object_of_search","removal_of_more_than_outer_clothing","type","coord_set","operation","number_months_acquired","proportion_months_acquired"` + "\n"
	f.Add([]byte(head + `1,"City of London","E09000001","Inner London","London","England","London, City of","2022-11-08","09:40:00","over 34","Male","Other ethnic group - Not stated","Asian","Controlled drugs","Misuse of Drugs Act 1971 (section 23)","A no further action disposal","-0.089062","51.513249","2342774","Bank (Dlr)","TRUE","FALSE","FALSE","Person search",1,,12,1` + "\n"))
	f.Add([]byte(head + `1,x,x,x,x,x,"Gotham","2022-13-08","25:00","x","x","x","x","x","x","x","abc","51","x","x","maybe","","","Person search",1,NA,12,1` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkStops(t, "f.csv", func(emit func(*charter.Stop) error, reject func(charter.Reject)) error {
			return ReadFlatCSV(bytes.NewReader(data), "f.csv", StopSource{}, emit, reject)
		})
	})
}

// Bad rows of an API response are named by their line and field.
func TestPoliceJSONRejects(t *testing.T) {
	doc := "[\n" +
		`{"type":"Person search","datetime":"2024-09-27T09:45:00+00:00","location":null},` + "\n" +
		`{"type":"Person search","datetime":"2024-09-31T09:45:00+00:00","location":null},` + "\n" +
		`{"type":"Person search","datetime":"2024-09-27T09:45:00+00:00","location":{"latitude":"999","longitude":"0.1"}},` + "\n" +
		`{"type":"Person search","datetime":"2024-09-27T09:45:00+00:00","removal_of_more_than_outer_clothing":"perhaps"}` + "\n]"
	var got []charter.Reject
	n := 0
	err := ReadPoliceJSON(strings.NewReader(doc), "s.json", StopSource{Force: "metropolitan"}, func(*charter.Stop) error { n++; return nil },
		func(r charter.Reject) { got = append(got, r) })
	if err != nil || n != 1 || len(got) != 3 {
		t.Fatalf("err %v, %d stops, rejects %+v", err, n, got)
	}
	want := []struct {
		line  int
		field string
	}{{3, "datetime"}, {4, "Latitude"}, {5, "removal_of_more_than_outer_clothing"}}
	for i, w := range want {
		if got[i].Line != w.line || got[i].Column != w.field {
			t.Errorf("reject %d = %+v, want line %d field %s", i, got[i], w.line, w.field)
		}
	}
	// A truncated response is refused whole.
	err = ReadPoliceJSON(strings.NewReader(doc[:len(doc)/2]), "t.json", StopSource{Force: "metropolitan"}, func(*charter.Stop) error { return nil }, func(charter.Reject) {})
	if charter.ErrorCode(err) != charter.EINVALID || !strings.Contains(err.Error(), "t.json") {
		t.Fatalf("truncated response: %v", err)
	}
}
