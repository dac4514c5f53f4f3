package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// randomQuery is a query over any dimensions, hex grids included: filters
// on random values (some not held), a random month range, 0–3 group-by
// dimensions.
func randomQuery(rng *rand.Rand, ix *Index) Query {
	all := make([]Dim, NumDims)
	for d := range all {
		all[d] = Dim(d)
	}
	return queryOf(rng, ix, all)
}

// queryOf is a random query over some dimensions only.
func queryOf(rng *rand.Rand, ix *Index, dims []Dim) Query {
	var q Query
	ix.mu.RLock()
	months := append([]string(nil), ix.dicts[DimMonth].values[1:]...)
	ix.mu.RUnlock()
	if len(months) > 0 && rng.IntN(3) > 0 {
		q.From, _ = charter.ParseMonth(months[rng.IntN(len(months))])
		if rng.IntN(2) == 0 {
			q.To = q.From + charter.Month(rng.IntN(6))
		}
	}
	for _, d := range dims {
		if rng.IntN(len(dims)/2+1) != 0 {
			continue
		}
		vals := dimValues(ix, d)
		var pick []string
		for _, v := range vals {
			if rng.IntN(3) == 0 {
				pick = append(pick, v)
			}
		}
		if rng.IntN(4) == 0 {
			pick = append(pick, "no such value")
		}
		q.Where = append(q.Where, Cond{Dim: d, Values: pick})
	}
	for _, p := range rng.Perm(len(dims))[:rng.IntN(min(4, len(dims)+1))] {
		q.GroupBy = append(q.GroupBy, dims[p])
	}
	return q
}

// dimValues are the values a dimension holds, the hex grids' included.
func dimValues(ix *Index, d Dim) []string {
	if d >= numStored {
		rows, _ := ix.Count(Query{GroupBy: []Dim{d}})
		var vs []string
		for _, r := range rows {
			vs = append(vs, r.Values[0])
		}
		return vs
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return append([]string(nil), ix.dicts[d].values...)
}

// assertSameAnswers runs n random queries on both indexes and fails at the
// first answer that differs; it returns how many had more than one group.
func assertSameAnswers(t *testing.T, want, got *Index, n int, seed uint64) (nonTrivial int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < n; i++ {
		q := randomQuery(rng, want)
		a, errA := want.Count(q)
		b, errB := got.Count(q)
		if fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
			t.Fatalf("query %d %+v:\n want %d groups %.300v (%v)\n got  %d groups %.300v (%v)", i, q, len(a), a, errA, len(b), b, errB)
		}
		if len(a) > 1 {
			nonTrivial++
		}
	}
	return nonTrivial
}

func roundTrip(t testing.TB, ix *Index) (*Index, []byte) {
	t.Helper()
	return writeRead(t, ix, ReadIndex)
}

// writeRead writes v to a file's bytes and reads them back.
func writeRead[T io.WriterTo](t testing.TB, v T, read func(io.Reader) (T, error)) (T, []byte) {
	t.Helper()
	var buf bytes.Buffer
	n, err := v.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("write: %d bytes reported, %d written: %v", n, buf.Len(), err)
	}
	out, err := read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return out, buf.Bytes()
}

// An index read back from its file answers every query as the loaded one
// does, and still follows the store.
func TestIndexFileRoundTrip(t *testing.T) {
	s, ix := loadMet(t)
	read, file := roundTrip(t, ix)
	if read.Len() != ix.Len() || read.Bytes() > ix.Bytes() {
		t.Fatalf("read %d stops in %d bytes; written %d in %d", read.Len(), read.Bytes(), ix.Len(), ix.Bytes())
	}
	if per := float64(len(file)) / float64(ix.Len()); per > 48 {
		t.Errorf("the file takes %.1f bytes per stop", per)
	}
	if nonTrivial := assertSameAnswers(t, ix, read, 200, 1); nonTrivial < 50 {
		t.Fatalf("only %d of the random queries had more than one group", nonTrivial)
	}
	// Written again, the file is the same bytes.
	var again bytes.Buffer
	if _, err := read.WriteTo(&again); err != nil || !bytes.Equal(again.Bytes(), file) {
		t.Fatalf("rewritten file differs (%v)", err)
	}
	// Told which state it holds, it follows the store without a rebuild and
	// takes the next write.
	read.SetLoadedAt(s.Commits())
	stop, err := read.Follow(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	importAll(t, s, extractionMonths(t, 100, "2022-10"))
	fresh, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if read.Len() != fresh.Len() || read.Len() == ix.Len() {
		t.Fatalf("followed %d stops, the store holds %d (was %d)", read.Len(), fresh.Len(), ix.Len())
	}
	assertSameAnswers(t, fresh, read, 50, 2)
}

// An empty index round-trips too.
func TestIndexFileEmpty(t *testing.T) {
	read, _ := roundTrip(t, New())
	if rows, err := read.Count(Query{GroupBy: []Dim{DimHex250}}); err != nil || read.Len() != 0 || len(rows) != 0 {
		t.Fatalf("empty index read back: %d stops, %v %v", read.Len(), rows, err)
	}
}

// smallIndex is a real index of a few hundred stops (the API month's first,
// with boroughs), small enough to seed fuzzing.
func smallIndex(t testing.TB, n int) (*store.Store, *Index) {
	t.Helper()
	s := storetest.Open(t)
	if _, err := (&importer.Importer{Store: s}).Import(context.Background(), lad, apiMonth); err != nil {
		t.Fatal(err)
	}
	ix := New()
	errEnough := errors.New("enough")
	err := s.FindStops(context.Background(), charter.StopFilter{}, func(st *charter.Stop) error {
		if ix.Len() == n {
			return errEnough
		}
		return ix.Add(st)
	})
	if err != nil && !errors.Is(err, errEnough) {
		t.Fatal(err)
	}
	return s, ix
}

// Every truncation and every damaged byte of a file is an EINVALID error.
func TestIndexFileDamaged(t *testing.T) {
	_, ix := smallIndex(t, 300)
	_, file := roundTrip(t, ix)
	assertDamageRefused(t, file, indexMagic, func(b []byte) error { _, err := ReadIndex(bytes.NewReader(b)); return err })

	// Another format number is refused with a message that says so.
	other := append([]byte(nil), file...)
	other[len(indexMagic)]++
	if _, err := ReadIndex(bytes.NewReader(other)); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("format %d", indexFormat+1)) {
		t.Fatalf("other format: %v", err)
	}
}

func assertDamageRefused(t *testing.T, file []byte, magic string, read func([]byte) error) {
	t.Helper()
	for cut := 0; cut < len(file); cut += 1 + cut/50 {
		if err := read(file[:cut]); charter.ErrorCode(err) != charter.EINVALID || !errors.Is(err, errDamaged) {
			t.Fatalf("cut at %d of %d bytes: %v", cut, len(file), err)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 200; i++ {
		bad := append([]byte(nil), file...)
		at := rng.IntN(len(bad) - 4)
		if at >= len(magic) && at < len(magic)+4 {
			continue // the format number: its own error
		}
		bad[at] ^= byte(1 + rng.IntN(255))
		if err := read(bad); charter.ErrorCode(err) != charter.EINVALID {
			t.Fatalf("byte %d of %d damaged: %v", at, len(bad), err)
		}
	}
	if err := read(file); err != nil {
		t.Fatalf("undamaged: %v", err)
	}
}

// FuzzReadIndex: whatever the input, ReadIndex returns an index or an error,
// never panics, and an index it returns answers queries.
func FuzzReadIndex(f *testing.F) {
	_, ix := smallIndex(f, 40)
	_, file := roundTrip(f, ix)
	f.Add(file)
	f.Add(file[:len(file)/2])
	f.Add([]byte(indexMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := ReadIndex(bytes.NewReader(b))
		if err != nil {
			if charter.ErrorCode(err) != charter.EINVALID {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		if _, err := ix.Count(Query{GroupBy: []Dim{DimHex500, DimSelfGroup}}); err != nil {
			t.Fatal(err)
		}
	})
}

// crimeStore imports the MPS ward counts (the downloads named) and the
// first streetMonths months of City of London street crimes, with
// boroughs and wards, failing on any refusal or reject. The import is done
// once per test process for each set of files, and its callers, which only
// read, share one copy of the store (storetest.Shared).
func crimeStore(t testing.TB, streetMonths int, counts ...string) *store.Store {
	t.Helper()
	files := []string{lad, wards}
	for _, c := range counts {
		files = append(files, "../../data/crime/"+c)
	}
	for m := 1; m <= streetMonths; m++ {
		files = append(files, fmt.Sprintf("../../data/police-uk/2023-%02d-city-of-london-street.csv.gz", m))
	}
	return storetest.Shared(t, "crimes "+strings.Join(files, " "), func(ctx context.Context, s *store.Store) error {
		rs, err := (&importer.Importer{Store: s}).Import(ctx, files...)
		if err != nil {
			return err
		}
		if sum := importer.Summarise(rs); sum.Refused > 0 || sum.Rejects > 0 {
			return fmt.Errorf("import: %+v", sum)
		}
		return nil
	})
}

func crimesRoundTrip(t testing.TB, c *Crimes) (*Crimes, []byte) {
	t.Helper()
	return writeRead(t, c, ReadCrimes)
}

// A crime index read back from its file answers every query as the loaded
// one does.
func TestCrimesFileRoundTrip(t *testing.T) {
	s := crimeStore(t, 12, "MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
		"MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz")
	c, err := LoadCrimes(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	read, _ := crimesRoundTrip(t, c)
	if read.StreetLen() != c.StreetLen() || read.CountLen() != c.CountLen() || c.StreetLen() == 0 || c.CountLen() == 0 {
		t.Fatalf("read %d street crimes, %d counts; written %d, %d", read.StreetLen(), read.CountLen(), c.StreetLen(), c.CountLen())
	}
	for l := charter.Level(0); l < charter.NumLevels; l++ {
		if fmt.Sprint(read.CountMonths(l)) != fmt.Sprint(c.CountMonths(l)) {
			t.Fatalf("%s months differ", l)
		}
	}
	for _, f := range []string{"", "City of London Police", "no such force"} {
		if fmt.Sprint(read.StreetMonths(f)) != fmt.Sprint(c.StreetMonths(f)) {
			t.Fatalf("street months of %q differ", f)
		}
	}
	assertSameCrimes(t, c, read, 100)
}

// assertSameCrimes compares the two crime indexes over n random count and
// street queries.
func assertSameCrimes(t *testing.T, want, got *Crimes, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(8, 9))
	w := charter.DefaultWeaponCrime
	var areas []string
	for _, r := range want.Counts(CountQuery{Level: charter.LevelWard}) {
		areas = append(areas, r.Area)
	}
	var boroughs, wardIDs []int64
	for _, r := range want.street {
		boroughs, wardIDs = append(boroughs, r.borough), append(wardIDs, r.ward)
	}
	nonEmpty := 0
	for i := 0; i < n; i++ {
		from := charter.NewMonth(2021+rng.IntN(5), 1) + charter.Month(rng.IntN(12))
		cq := CountQuery{Level: charter.Level(rng.IntN(int(charter.NumLevels))), ByMonth: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			cq.From, cq.To = from, from+charter.Month(rng.IntN(12))
			cq.Level = charter.LevelWard
		}
		if rng.IntN(2) == 0 {
			cq.Match = w.MatchCount
		}
		for _, a := range areas {
			if rng.IntN(20) == 0 {
				cq.Areas = append(cq.Areas, a)
			}
		}
		a, b := want.Counts(cq), got.Counts(cq)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("counts %+v differ:\n want %.200v\n got  %.200v", cq, a, b)
		}
		by := []Dim{DimHex250, DimHex500, DimHex1000, DimBorough, DimWard}[rng.IntN(5)]
		sq := StreetQuery{By: by, ByMonth: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			sq.From, sq.To = charter.NewMonth(2023, 1)+charter.Month(rng.IntN(12)), charter.NewMonth(2023, 6)+charter.Month(rng.IntN(12))
		}
		if rng.IntN(2) == 0 {
			sq.Match = w.MatchStreet
		}
		if len(boroughs) > 0 && rng.IntN(3) == 0 {
			sq.Borough = boroughs[rng.IntN(len(boroughs))]
		}
		if len(wardIDs) > 0 && rng.IntN(3) == 0 {
			sq.Ward = wardIDs[rng.IntN(len(wardIDs))]
		}
		if rng.IntN(4) == 0 {
			sq.Force = "City of London Police"
		}
		sa, errA := want.Street(sq)
		sb, errB := got.Street(sq)
		if fmt.Sprint(sa, errA) != fmt.Sprint(sb, errB) {
			t.Fatalf("street %+v differs:\n want %.200v\n got  %.200v", sq, sa, sb)
		}
		if len(a) > 0 && len(sa) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < n/10 {
		t.Fatalf("only %d of %d query pairs had answers", nonEmpty, n)
	}
}

// smallCrimes is a real crime index cut to a few rows, to seed fuzzing (of
// the store the other crime tests import).
func smallCrimes(t testing.TB) *Crimes {
	s := crimeStore(t, 12, "MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
		"MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz")
	c, err := LoadCrimes(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	c.street = c.street[:min(len(c.street), 30)]
	c.cArea, c.cMonth, c.cCat, c.cCount = c.cArea[:30], c.cMonth[:30], c.cCat[:30], c.cCount[:30]
	c.careas, c.ccats = cutDict(c.careas, c.cArea), cutDict(c.ccats, c.cCat)
	c.orderByArea()
	return c
}

// cutDict is d reduced to the values codes use, codes renumbered in place.
func cutDict(d *dict, codes []uint16) *dict {
	out := newDict()
	for i, c := range codes {
		codes[i], _ = out.code(d.values[c])
	}
	return out
}

func TestCrimesFileDamaged(t *testing.T) {
	_, file := crimesRoundTrip(t, smallCrimes(t))
	assertDamageRefused(t, file, crimesMagic, func(b []byte) error { _, err := ReadCrimes(bytes.NewReader(b)); return err })
}

// FuzzReadCrimes: whatever the input, ReadCrimes returns a crime index or
// an error, never panics, and a crime index it returns answers queries.
func FuzzReadCrimes(f *testing.F) {
	_, file := crimesRoundTrip(f, smallCrimes(f))
	f.Add(file)
	f.Add(file[:len(file)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ReadCrimes(bytes.NewReader(b))
		if err != nil {
			if charter.ErrorCode(err) != charter.EINVALID {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		c.Counts(CountQuery{Level: charter.LevelWard, ByMonth: true})
		if _, err := c.Street(StreetQuery{By: DimHex250, ByMonth: true}); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkReadIndex1M reads the file of a 1M-stop index from the page
// cache: a server's start.
func BenchmarkReadIndex1M(b *testing.B) {
	ix := resampled(b, 1_000_000)
	path := filepath.Join(b.TempDir(), "index")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	size, err := ix.WriteTo(f)
	if err != nil || f.Close() != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		read, err := ReadIndex(f)
		f.Close()
		if err != nil || read.Len() != ix.Len() {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/read")
}
