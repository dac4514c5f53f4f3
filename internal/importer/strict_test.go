package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stopsearch/charter"
)

// stopRow is an archive CSV row with the fields the strict tests vary.
func stopRow(date, opName, lat, lng, object string) string {
	return "Person search," + date + ",False," + opName + "," + lat + "," + lng +
		",Male,18-24,,White,Misuse of Drugs Act 1971 (section 23)," + object + ",A no further action disposal,,\n"
}

var stopHead = strings.Join(charter.PoliceCSVColumns, ",") + "\n"

type wantReject struct {
	line   int
	column string
	reason string // a part of the reason
}

func checkRejects(t *testing.T, got []charter.Reject, file string, want []wantReject) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejects %+v, want %d", got, len(want))
	}
	for i, w := range want {
		r := got[i]
		if r.File != file || r.Line != w.line || r.Column != w.column || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("reject %d = %+v, want %s line %d column %q reason with %q", i, r, file, w.line, w.column, w.reason)
		}
		if !strings.Contains(r.Value, "\uFFFD") && badText(r.Value) != "" {
			t.Errorf("reject %d carries bytes that are not text: %q", i, r.Value)
		}
	}
}

// A bad byte in a text field, a date outside the file's month and a
// coordinate that is not a finite decimal are rejects with their line and
// field on either database: the file's other rows are stored and the next
// file is imported.
func TestStrictRowsStored(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "2022-09-metropolitan-stop-and-search.csv")
	writeFile(t, a, []byte(stopHead+
		stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled drugs")+ // 2
		stopRow("2022-08-31T23:30:00+00:00", "", "", "", "Controlled drugs")+ // 3: the evening before, UTC
		stopRow("2100-09-01T10:00:00+00:00", "", "", "", "Controlled drugs")+ // 4
		stopRow("2019-01-15T10:00:00+00:00", "", "", "", "Controlled drugs")+ // 5
		stopRow("2022-09-10T12:00:00+00:00", "Op \xff\xfe", "", "", "Controlled drugs")+ // 6
		stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled\x00drugs")+ // 7
		stopRow("2022-09-10T12:00:00+00:00", "", "NaN", "-0.1", "Controlled drugs")+ // 8
		stopRow("2022-09-10T12:00:00+00:00", "", "0x1p5", "-0.1", "Controlled drugs")+ // 9
		stopRow("2022-09-10T12:00:00+00:00", "", "51.5", "Inf", "Controlled drugs")+ // 10
		stopRow("2022-10-01T23:59:00+00:00", "", "51.5", "-0.1", "Controlled drugs")+ // 11: the day after
		stopRow("2022-10-02T00:00:00+00:00", "", "", "", "Controlled drugs"))) // 12
	b := filepath.Join(dir, "stops-force-metropolitan-2022-10.json")
	writeFile(t, b, []byte("[\n"+
		`{"type":"Person search","datetime":"2022-10-03T09:45:00+00:00","location":null},`+"\n"+
		`{"type":"Person search","datetime":"2022-10-03T09:45:00+00:00","location":{"latitude":"51.5","longitude":"-0.1","street":{"id":1,"name":"On or near `+"\xc3\x28"+` Street"}}},`+"\n"+
		`{"type":"Person search","datetime":"2022-10-03T09:45:00+00:00","legislation":"Act\u0000"},`+"\n"+
		`{"type":"Person search","datetime":"2022-11-05T09:45:00+00:00"},`+"\n"+
		`{"type":"Person search","datetime":"2022-10-03T09:45:00+00:00","location":{"latitude":"NaN","longitude":"-0.1"}}`+"\n]"))
	c := filepath.Join(dir, "2022-11-metropolitan-stop-and-search.csv")
	writeFile(t, c, []byte(stopHead+stopRow("2022-11-10T12:00:00+00:00", "", "", "", "Controlled drugs")))

	s := openStore(t)
	im, rejects := newImporter(t, s)
	rs := mustImport(t, im, a, b, c)
	if len(rs) != 3 {
		t.Fatalf("results %+v", rs)
	}
	for i, want := range []int{3, 1, 1} {
		if rs[i].Err != nil || rs[i].Rows != want {
			t.Fatalf("%s: %+v, want %d rows", rs[i].Source, rs[i], want)
		}
	}
	var csvRjs, jsonRjs []charter.Reject
	for _, r := range *rejects {
		if r.File == a {
			csvRjs = append(csvRjs, r)
		} else {
			jsonRjs = append(jsonRjs, r)
		}
	}
	checkRejects(t, csvRjs, a, []wantReject{
		{4, "Date", "outside the file's month 2022-09"},
		{5, "Date", "outside the file's month 2022-09"},
		{6, "Policing operation", "not UTF-8"},
		{7, "Object of search", "NUL"},
		{8, "Latitude", "not a decimal number"},
		{9, "Latitude", "not a decimal number"},
		{10, "Longitude", "not a decimal number"},
		{12, "Date", "outside the file's month"},
	})
	checkRejects(t, jsonRjs, b, []wantReject{
		{3, "location.street.name", "not UTF-8"},
		{4, "legislation", "NUL"},
		{5, "datetime", "outside the file's month 2022-10"},
		{6, "location.latitude", "not a decimal number"},
	})
	mc := monthCounts(t, s)
	if mc["metropolitan/2022-09"].Count != 3 || mc["metropolitan/2022-10"].Count != 1 || mc["metropolitan/2022-11"].Count != 1 {
		t.Errorf("month counts %+v", mc)
	}
}

// Lines ended by CR alone (old Mac files) are lines.
func TestCROnlyLineEndings(t *testing.T) {
	data := strings.ReplaceAll(stopHead+
		stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled drugs")+
		stopRow("2022-09-10T12:00:00+00:00", "", "NaN", "0", "Controlled drugs")+
		stopRow("2022-09-11T12:00:00+00:00", "", "", "", "Controlled drugs"), "\n", "\r")
	for _, ending := range []string{"\r", "\r\n", "\n"} {
		d := strings.ReplaceAll(data, "\r", ending)
		m, _ := charter.ParseMonth("2022-09")
		var lines []int
		var rjs []charter.Reject
		err := ReadPoliceCSV(strings.NewReader(d), "cr.csv", StopSource{Force: "metropolitan", Month: m},
			func(st *charter.Stop) error { lines = append(lines, st.SourceRow); return nil },
			func(r charter.Reject) { rjs = append(rjs, r) })
		if err != nil || len(lines) != 2 || lines[0] != 2 || lines[1] != 4 || len(rjs) != 1 || rjs[0].Line != 3 {
			t.Errorf("ending %q: err %v, rows at lines %v, rejects %+v", ending, err, lines, rjs)
		}
	}
	// and detection sees the header
	dir := t.TempDir()
	p := filepath.Join(dir, "2022-09-metropolitan-stop-and-search.csv")
	writeFile(t, p, []byte(data))
	s := openStore(t)
	im, _ := newImporter(t, s)
	rs := mustImport(t, im, p)
	if rs[0].Err != nil || rs[0].Rows != 2 || rs[0].Rejects != 1 {
		t.Fatalf("%+v", rs[0])
	}
}

// A file that is not data is described, never quoted: its first line may be
// anything (here a link to a file like /etc/passwd).
func TestRefusalDoesNotEchoContent(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "passwd")
	writeFile(t, secret, []byte("root:x:0:0:secret-word:/root:/bin/bash\nother:x:1:1::/:/bin/sh\n"))
	link := filepath.Join(dir, "data.csv")
	if err := os.Symlink(secret, link); err != nil {
		t.Skip(err)
	}
	other := filepath.Join(dir, "b.csv")
	writeFile(t, other, []byte("secret-a,secret-b,secret-c\n1,2,3\n"))
	s := openStore(t)
	im, _ := newImporter(t, s)
	for _, r := range mustImport(t, im, link, other) {
		if r.Err == nil || strings.Contains(r.Err.Error(), "secret") || strings.Contains(r.Err.Error(), "root") {
			t.Errorf("%s: %v", r.Source, r.Err)
		}
		if !strings.Contains(r.Err.Error(), "first line (") {
			t.Errorf("%s: the refusal does not describe the first line: %v", r.Source, r.Err)
		}
	}
}

// A line or a row past the bound refuses the file, naming the bound; nothing
// of it is stored and the next file is imported.
func TestCSVLineBound(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "2022-09-metropolitan-stop-and-search.csv")
	writeFile(t, long, []byte(stopHead+
		stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled drugs")+
		stopRow("2022-09-10T12:00:00+00:00", strings.Repeat("x", MaxCSVLine+10), "", "", "Controlled drugs")))
	// a quoted field of many short lines
	tall := filepath.Join(dir, "2022-10-metropolitan-stop-and-search.csv")
	writeFile(t, tall, []byte(stopHead+
		stopRow("2022-10-10T12:00:00+00:00", `"`+strings.Repeat("yyyyyyyyy\n", MaxCSVRecord/10+10)+`"`, "", "", "Controlled drugs")))
	ok := filepath.Join(dir, "2022-11-metropolitan-stop-and-search.csv")
	writeFile(t, ok, []byte(stopHead+stopRow("2022-11-10T12:00:00+00:00", "", "", "", "Controlled drugs")))
	s := openStore(t)
	im, _ := newImporter(t, s)
	rs := mustImport(t, im, long, tall, ok)
	if len(rs) != 3 {
		t.Fatalf("%+v", rs)
	}
	for i, want := range []string{"line 3: line is longer than 1 MB", "row is longer than 4 MB"} {
		if rs[i].Err == nil || charter.ErrorCode(rs[i].Err) != charter.EINVALID || !strings.Contains(rs[i].Err.Error(), want) {
			t.Errorf("%s: %v, want a refusal with %q", rs[i].Source, rs[i].Err, want)
		}
	}
	if rs[2].Err != nil || rs[2].Rows != 1 {
		t.Errorf("the next file: %+v", rs[2])
	}
	mc := monthCounts(t, s)
	if len(mc) != 1 || mc["metropolitan/2022-11"].Count != 1 {
		t.Errorf("stored %+v", mc)
	}
}

// Every reader rejects a text field holding bytes that are not UTF-8 or
// NUL, naming the line and column.
func TestTextFieldsEveryReader(t *testing.T) {
	for _, bad := range []struct{ what, s string }{{"not UTF-8", "\xe9t\xe9"}, {"NUL", "a\x00b"}} {
		t.Run("street "+bad.what, func(t *testing.T) {
			data := streetCrimeHead +
				"abc,2023-01,City of London Police,City of London Police,-0.1,51.5,On or near " + bad.s + ",E01000001,City of London 001A,Robbery,Under investigation,\n" +
				",2023-01,City of London Police,City of London Police,-0.1,NaN,On or near X,E01000001,City of London 001A,Robbery,Under investigation,\n" +
				",2023-01,City of London Police,City of London Police,0x1p-3,51.5,On or near X,E01000001,City of London 001A,Robbery,Under investigation,\n"
			got, rjs, err := collectStreetCrimes(t, "s.csv", []byte(data))
			if err != nil || len(got) != 0 {
				t.Fatalf("err %v, got %d", err, len(got))
			}
			checkRejects(t, rjs, "s.csv", []wantReject{{2, "Location", bad.what}, {3, "Latitude", "not a latitude"}, {4, "Longitude", "not a longitude"}})
		})
		t.Run("counts "+bad.what, func(t *testing.T) {
			data := crimeCountHead +
				"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,North" + bad.s + ",E05014066,Barking and Dagenham,7,1\n"
			_, got, rjs, err := collectCrimeCounts(t, "c.csv", []byte(data))
			if err != nil || len(got) != 0 {
				t.Fatalf("err %v, got %d", err, len(got))
			}
			checkRejects(t, rjs, "c.csv", []wantReject{{2, "WardName", bad.what}})
		})
		t.Run("census "+bad.what, func(t *testing.T) {
			data := "LAD,LAD_code,Asian,Black,Mixed,Other,White\n" +
				"Lamb" + bad.s + ",E09000022,23051,88499,13276,19729,173095\n"
			got, rjs, err := collectPopulation(t, "p.csv", []byte(data))
			if err != nil || len(got) != 0 {
				t.Fatalf("err %v, got %d", err, len(got))
			}
			checkRejects(t, rjs, "p.csv", []wantReject{{2, "LAD", bad.what}})
		})
		t.Run("flat "+bad.what, func(t *testing.T) {
			head := `"force","date","time","age_range","gender","self_defined_ethnicity","officer_defined_ethnicity","object_of_search","legislation","outcome","location.longitude","location.latitude","location.street.id","location.street.name","involved_person","outcome_linked_to_object_of_search","removal_of_more_than_outer_clothing","type","operation"` + "\n"
			row := func(street, lat string) string {
				return `"London, City of","2022-11-08","09:40:00","over 34","Male","Other ethnic group - Not stated","Asian","Controlled drugs","Misuse of Drugs Act 1971 (section 23)","A no further action disposal","-0.089062","` + lat + `","2342774","` + street + `","TRUE","FALSE","FALSE","Person search",` + "\n"
			}
			data := head + row("Bank "+bad.s, "51.513249") + row("Bank", "NaN") + row("Bank", "0x1p5") + row("Bank", "51.513249")
			var n int
			var rjs []charter.Reject
			err := ReadFlatCSV(strings.NewReader(data), "f.csv", StopSource{}, func(*charter.Stop) error { n++; return nil }, func(r charter.Reject) { rjs = append(rjs, r) })
			if err != nil || n != 1 {
				t.Fatalf("err %v, %d stops", err, n)
			}
			checkRejects(t, rjs, "f.csv", []wantReject{{2, "location.street.name", bad.what}, {3, "location.latitude", "not a decimal"}, {4, "location.latitude", "not a decimal"}})
		})
	}
}

func TestParseCoord(t *testing.T) {
	for s, ok := range map[string]bool{
		"51.5": true, "-0.1": true, "+1": true, "1e-3": true, "1.5E2": true, ".5": true, "5.": true,
		"NaN": false, "nan": false, "Inf": false, "-Infinity": false, "0x1p5": false, "1_000": false,
		"": false, ".": false, "-": false, "1e": false, "e5": false, "1.2.3": false, " 1": false, "1e+": false,
	} {
		if _, got := parseCoord(s); got != ok {
			t.Errorf("parseCoord(%q) ok = %v, want %v", s, got, ok)
		}
	}
}

// Members of an archive that are passed over are reported with why.
func TestZipMembersPassedOver(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"2022-09/2022-09-metropolitan-stop-and-search.csv":            stopHead + stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled drugs"),
		"__MACOSX/2022-09/._2022-09-metropolitan-stop-and-search.csv": "\x00\x05\x16\x07",
		".DS_Store": "\x00\x00\x00\x01Bud1",
		"2022-09/.hidden/2022-09-metropolitan-stop-and-search.csv": stopHead,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "archive.zip")
	writeFile(t, p, buf.Bytes())
	s := openStore(t)
	im, _ := newImporter(t, s)
	var progressed []Result
	im.Progress = func(r Result) { progressed = append(progressed, r) }
	rs := mustImport(t, im, p)
	got := map[string]string{}
	for _, r := range rs {
		got[strings.TrimPrefix(r.Source, p+"!")] = r.Ignored
		if r.Err != nil {
			t.Errorf("%s: %v", r.Source, r.Err)
		}
	}
	want := map[string]string{
		"2022-09/2022-09-metropolitan-stop-and-search.csv":            "",
		"__MACOSX/2022-09/._2022-09-metropolitan-stop-and-search.csv": "macOS metadata",
		".DS_Store": "hidden file",
		"2022-09/.hidden/2022-09-metropolitan-stop-and-search.csv": "hidden file",
	}
	if len(got) != len(want) || len(progressed) != len(rs) {
		t.Fatalf("results %+v (progress %d)", rs, len(progressed))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || (w == "") != (g == "") || !strings.Contains(g, w) {
			t.Errorf("%s: ignored %q, want %q", k, g, w)
		}
	}
	if sum := Summarise(rs); sum.Ignored != 3 || sum.Imported != 1 || sum.Rows != 1 {
		t.Errorf("summary %+v", sum)
	}
}

// A boundary file refused for its cost (one zig-zag outline whose spatial
// index would take gigabytes) or for a self-crossing polygon stores nothing
// and costs later imports nothing: the next boundary file and records import
// and are placed.
func TestRefusedBoundariesStoreNothing(t *testing.T) {
	dir := t.TempDir()
	var zig strings.Builder
	zig.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LAD22CD":"E09000099","LAD22NM":"Zig"},"geometry":{"type":"Polygon","coordinates":[[`)
	x0, x1, y0, y1 := -0.5, 0.3, 51.3, 51.7
	const teeth = 20000
	for i := 0; i < teeth; i++ {
		x := x0 + (x1-x0)*float64(i)/teeth
		w := (x1 - x0) / teeth / 2
		fmt.Fprintf(&zig, "[%g,%g],[%g,%g],[%g,%g],[%g,%g],", x, y0, x, y1, x+w, y1, x+w, y0+0.01)
	}
	fmt.Fprintf(&zig, "[%g,%g],[%g,%g],[%g,%g]]]}}]}", x1, y0-0.01, x0, y0-0.01, x0, y0)
	zigPath := filepath.Join(dir, "a-zig.geojson")
	writeFile(t, zigPath, []byte(zig.String()))
	tiePath := filepath.Join(dir, "b-tie.geojson")
	writeFile(t, tiePath, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LAD22CD":"E09000098"},"geometry":{"type":"Polygon","coordinates":[[[-0.1,51.5],[-0.09,51.51],[-0.09,51.5],[-0.1,51.51],[-0.1,51.5]]]}}]}`))
	stops := filepath.Join(dir, "2022-09-metropolitan-stop-and-search.csv")
	writeFile(t, stops, []byte(stopHead+stopRow("2022-09-10T12:00:00+00:00", "", "51.5155", "-0.0922", "Controlled drugs")))

	s := openStore(t)
	im, _ := newImporter(t, s)
	rs := mustImport(t, im, zigPath, tiePath, boundaryDir+"london-lad22.geojson.gz", stops)
	if len(rs) != 4 {
		t.Fatalf("%+v", rs)
	}
	for i, want := range []string{"too intricate", "crosses itself"} {
		if rs[i].Err == nil || charter.ErrorCode(rs[i].Err) != charter.EINVALID || !strings.Contains(rs[i].Err.Error(), want) {
			t.Errorf("%s: %v, want a refusal saying %q", rs[i].Source, rs[i].Err, want)
		}
	}
	if rs[2].Err != nil || rs[3].Err != nil || rs[3].Rows != 1 {
		t.Fatalf("later files: %+v %+v", rs[2], rs[3])
	}
	areas, err := s.Areas(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	boroughs := 0
	for _, a := range areas {
		if a.Code == "E09000099" || a.Code == "E09000098" {
			t.Errorf("a refused file's area was stored: %s", a.Code)
		}
		if a.Level == charter.LevelBorough {
			boroughs++
		}
	}
	if boroughs != 33 {
		t.Errorf("%d boroughs stored, want London's 33", boroughs)
	}
}

// A line just within the bound is read, and text that is not ASCII but is
// UTF-8 is text, whatever line ending and wherever the reads split.
func TestLineReaderWithinBounds(t *testing.T) {
	long := strings.Repeat("z", MaxCSVLine-200)
	m, _ := charter.ParseMonth("2022-09")
	for _, ending := range []string{"\n", "\r\n", "\r"} {
		data := strings.ReplaceAll(stopHead+
			stopRow("2022-09-10T12:00:00+00:00", "Opération Café", "", "", "Controlled drugs")+
			stopRow("2022-09-10T12:00:00+00:00", long, "", "", "Controlled drugs")+
			stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled\x00drugs")+
			stopRow("2022-09-11T12:00:00+00:00", "", "", "", "Controlled drugs"), "\n", ending)
		var got []string
		var rjs []charter.Reject
		err := ReadPoliceCSV(strings.NewReader(data), "w.csv", StopSource{Force: "metropolitan", Month: m},
			func(st *charter.Stop) error { got = append(got, st.OperationName); return nil },
			func(r charter.Reject) { rjs = append(rjs, r) })
		if err != nil || len(got) != 2 || got[0] != "Opération Café" || len(rjs) != 2 ||
			rjs[0].Line != 3 || rjs[0].Column != "Policing operation" || !strings.Contains(rjs[0].Reason, "200") ||
			rjs[1].Line != 4 || rjs[1].Column != "Object of search" {
			t.Errorf("ending %q: err %v, stops %d, rejects %+v", ending, err, len(got), rjs)
		}
	}
}

// A file or zip member whose name is not UTF-8 text is refused by name (the
// name is stored with the import, and PostgreSQL takes only UTF-8); the
// files after it are imported.
func TestNameNotText(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "2022-09-metropolitan-stop-and-search-\xe9t\xe9.csv")
	writeFile(t, bad, []byte(stopHead+stopRow("2022-09-10T12:00:00+00:00", "", "", "", "Controlled drugs")))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "2022-10-metropolitan-stop-and-search-\x82.csv", NonUTF8: true})
	w.Write([]byte(stopHead + stopRow("2022-10-10T12:00:00+00:00", "", "", "", "Controlled drugs")))
	zw.Close()
	zipPath := filepath.Join(dir, "a.zip")
	writeFile(t, zipPath, buf.Bytes())
	ok := filepath.Join(dir, "2022-11-metropolitan-stop-and-search.csv")
	writeFile(t, ok, []byte(stopHead+stopRow("2022-11-10T12:00:00+00:00", "", "", "", "Controlled drugs")))
	s := openStore(t)
	im, _ := newImporter(t, s)
	rs, err := im.Import(context.Background(), bad, zipPath, ok)
	if err != nil {
		t.Fatalf("the run failed: %v", err)
	}
	if len(rs) != 3 {
		t.Fatalf("%+v", rs)
	}
	for _, r := range rs[:2] {
		if r.Err == nil || charter.ErrorCode(r.Err) != charter.EINVALID || !strings.Contains(r.Err.Error(), "name is not UTF-8") || !utf8.ValidString(r.Err.Error()) || !utf8.ValidString(r.Source) {
			t.Errorf("%q: %v", r.Source, r.Err)
		}
	}
	if rs[2].Err != nil || rs[2].Rows != 1 {
		t.Errorf("%+v", rs[2])
	}
}
