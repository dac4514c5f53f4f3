package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
)

const streetCrimeHead = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"

func streetCrimeFile(month int) string {
	return fmt.Sprintf("../../data/police-uk/2023-%02d-city-of-london-street.csv.gz", month)
}

func collectStreetCrimes(t testing.TB, name string, data []byte) ([]*charter.StreetCrime, []charter.Reject, error) {
	t.Helper()
	var got []*charter.StreetCrime
	rjs, err := ReadStreetCrimes(bytes.NewReader(data), name, func(c *charter.StreetCrime) error {
		got = append(got, c)
		return nil
	})
	checkTableRejects(t, name, rjs)
	return got, rjs, err
}

// checkStreetCrime asserts what every emitted street crime satisfies.
func checkStreetCrime(t testing.TB, c *charter.StreetCrime) {
	t.Helper()
	if c.Category == "" || c.SourceRow < 2 || c.Month.YYYYMM() < 190001 {
		t.Fatalf("invalid street crime %+v", c)
	}
	if l := c.Location; l != nil && !(l.Latitude >= 49 && l.Latitude <= 61.5 && l.Longitude >= -9 && l.Longitude <= 2.5) {
		t.Fatalf("street crime outside the UK: %+v", l)
	}
}

func TestReadStreetCrimesRealFiles(t *testing.T) {
	want := []int{719, 783, 709, 738, 774, 759, 726, 765, 784, 851, 847, 843}
	for i, n := range want {
		name := fmt.Sprintf("2023-%02d-city-of-london-street.csv", i+1)
		got, rjs, err := collectStreetCrimes(t, name, gunzipTable(t, streetCrimeFile(i+1)))
		if err != nil || len(rjs) != 0 {
			t.Fatalf("%s: err %v, rejects %v", name, err, rjs)
		}
		if len(got) != n {
			t.Errorf("%s: %d crimes, want %d", name, len(got), n)
		}
		located := 0
		for k, c := range got {
			checkStreetCrime(t, c)
			if c.Month != charter.NewMonth(2023, 1).Add(i) || c.FallsWithin != "City of London Police" || c.SourceRow != k+2 {
				t.Fatalf("%s: crime %d = %+v", name, k, c)
			}
			if c.Location != nil {
				located++
				// Some points are published as "On or near " with no street.
				if !strings.HasPrefix(c.Location.StreetName, "On or near") {
					t.Fatalf("%s:%d: street %q", name, c.SourceRow, c.Location.StreetName)
				}
			}
		}
		if located == len(got) || located == 0 {
			t.Errorf("%s: %d of %d located; the files have both kinds", name, located, len(got))
		}
	}

	// The first and last rows of January, field by field.
	got, _, _ := collectStreetCrimes(t, "jan", gunzipTable(t, streetCrimeFile(1)))
	first, last := got[0], got[len(got)-1]
	if first.CrimeID != "4a14d4745da0a2219ecf913fdc28a0c84ae8408954cac6a0bf7cc46767bb7d26" || first.ReportedBy != "City of London Police" ||
		first.Location == nil || first.Location.Latitude != 51.518275 || first.Location.Longitude != -0.106220 ||
		first.Location.StreetName != "On or near B500" || first.LSOACode != "E01000916" || first.LSOAName != "Camden 027B" ||
		first.Category != "Other theft" || first.LastOutcome != "Status update unavailable" || first.Context != "" {
		t.Errorf("first = %+v %+v", first, first.Location)
	}
	if last.Location != nil || last.SourceRow != 720 || last.Category != "Other crime" || last.LSOACode != "" {
		t.Errorf("last = %+v", last)
	}
}

// corruptStreetLine sets field f (0-based) of line n (1-based) of a CSV
// without quotes; a negative f removes the field instead.
func corruptStreetLine(lines []string, n, f int, value string) {
	fields := strings.Split(lines[n-1], ",")
	if f < 0 {
		fields = append(fields[:-f], fields[-f+1:]...)
	} else {
		fields[f] = value
	}
	lines[n-1] = strings.Join(fields, ",")
}

func TestStreetCrimesCorruptedCopy(t *testing.T) {
	const name = "2023-01-city-of-london-street.csv"
	lines := strings.Split(strings.TrimSuffix(string(gunzipTable(t, streetCrimeFile(1))), "\n"), "\n")
	if len(lines) != 720 {
		t.Fatalf("%d lines", len(lines))
	}
	corruptStreetLine(lines, 3, 1, "2023-13")   // bad month
	corruptStreetLine(lines, 5, 5, "999")       // latitude 999
	corruptStreetLine(lines, 7, -8, "")         // LSOA name missing: 11 fields
	corruptStreetLine(lines, 9, 5, "")          // longitude without latitude
	corruptStreetLine(lines, 11, 4, "51.5")     // swapped coordinates
	corruptStreetLine(lines, 13, 9, "")         // no crime type
	corruptStreetLine(lines, 15, 1, "202301")   // month in the other spelling
	corruptStreetLine(lines, 17, 1, "2023-+1")  // a sign ParseMonth would let through
	lines[719] = lines[719][:len(lines[719])/2] // truncated last line
	data := strings.Join(lines, "\n")           // and no final newline
	got, rjs, err := collectStreetCrimes(t, name, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []charter.Reject{
		{Line: 3, Column: "Month", Value: "2023-13"},
		{Line: 5, Column: "Latitude", Value: "999"},
		{Line: 7},
		{Line: 9, Column: "Latitude", Value: ""},
		{Line: 11, Column: "Longitude", Value: "51.5"},
		{Line: 13, Column: "Crime type", Value: ""},
		{Line: 15, Column: "Month", Value: "202301"},
		{Line: 17, Column: "Month", Value: "2023-+1"},
		{Line: 720},
	}
	if len(rjs) != len(want) {
		t.Fatalf("rejects %v, want %d", rjs, len(want))
	}
	for i, w := range want {
		if r := rjs[i]; r.Line != w.Line || r.Column != w.Column || (w.Column != "" && r.Value != w.Value) {
			t.Errorf("reject %d = %+v, want line %d column %q value %q", i, r, w.Line, w.Column, w.Value)
		}
	}
	if len(got) != 719-len(want) {
		t.Errorf("%d crimes kept, want %d", len(got), 719-len(want))
	}
	for _, c := range got {
		checkStreetCrime(t, c)
		switch c.SourceRow {
		case 3, 5, 7, 9, 11, 13, 15, 17, 720:
			t.Errorf("rejected line %d was emitted", c.SourceRow)
		}
	}
}

func TestStreetCrimesFatal(t *testing.T) {
	for _, tc := range []struct {
		what, data string
		want       []string
	}{
		{"missing column", strings.Replace(streetCrimeHead, "Crime type,", "", 1), []string{`"Crime type"`}},
		{"outcomes file", "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n", []string{`"Crime type"`, `"Last outcome category"`}},
		{"empty", "", []string{"no header"}},
		{"binary", "PK\x03\x04\x14\x00\x00\x00\x08\x00", []string{"not a CSV"}},
		{"bad header quote", "Crime ID,\"Month\"x,Reported by\n", []string{"not a readable CSV"}},
		{"unclosed quote", streetCrimeHead + ",2023-01,\"City of London Police\n,2023-01,x,x,,,No Location,,,Other crime,,\n", []string{"line 2 on"}},
	} {
		t.Run(tc.what, func(t *testing.T) {
			_, _, err := collectStreetCrimes(t, "s.csv", []byte(tc.data))
			checkTableFatal(t, "s.csv", err, tc.want...)
		})
	}
}

func TestStreetCrimesNoContextColumn(t *testing.T) {
	// Context is the one optional column; the others are found by name in any order.
	data := "Month,Crime type,Crime ID,Reported by,Falls within,Latitude,Longitude,Location,LSOA code,LSOA name,Last outcome category\n" +
		"2023-01,Drugs,,City of London Police,City of London Police,51.5,-0.1,On or near A1,E01000001,City of London 001A,\n"
	got, rjs, err := collectStreetCrimes(t, "s.csv", []byte(data))
	if err != nil || len(rjs) != 0 || len(got) != 1 || got[0].Location.Latitude != 51.5 || got[0].Category != "Drugs" {
		t.Fatalf("got %v, rejects %v, err %v", got, rjs, err)
	}
}

func TestStreetCrimesEmitError(t *testing.T) {
	stop := errors.New("stop")
	row := ",2023-01,City of London Police,City of London Police,,,No Location,,,Other crime,,\n"
	n := 0
	_, err := ReadStreetCrimes(strings.NewReader(streetCrimeHead+row+row), "e.csv", func(*charter.StreetCrime) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err = %v after %d emits", err, n)
	}
}

func FuzzReadStreetCrimes(f *testing.F) {
	f.Add([]byte(streetCrimeHead +
		"4a14d4745da0a2219ecf913fdc28a0c84ae8408954cac6a0bf7cc46767bb7d26,2023-01,City of London Police,City of London Police,-0.106220,51.518275,On or near B500,E01000916,Camden 027B,Other theft,Status update unavailable,\n" +
		",2023-01,City of London Police,City of London Police,-0.097078,51.519045,On or near A1,E01000001,City of London 001A,Anti-social behaviour,,\n" +
		"5f47d6b09393b3ef27437caa1cd2fef24e66a98b7d970cbac9d685be85be3f0e,2023-01,City of London Police,City of London Police,,,No Location,,,Other crime,Offender given a caution,\n"))
	f.Add([]byte(streetCrimeHead +
		",2023-13,City of London Police,City of London Police,-0.1,999,On or near A1,,,Drugs,,\n" +
		",2023-01,City of London Police,City of London Police,NaN,51.5,On or near A1,,,Drugs,,\n" +
		",2023-01,City of London Police,City of London Police,-0.1,,On or near A1,,,,,\n" +
		",2023-01,City of London Police"))
	f.Add([]byte("\ufeff" + streetCrimeHead + "\"a\"b\n\"unclosed,2023-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.csv"
		rjs, err := ReadStreetCrimes(bytes.NewReader(data), name, func(c *charter.StreetCrime) error {
			checkStreetCrime(t, c)
			return nil
		})
		checkTableRejects(t, name, rjs)
		if err != nil {
			checkTableFatal(t, name, err)
		}
	})
}
