package importer

import (
	"path/filepath"
	"testing"
	"time"
)

func TestEstimate(t *testing.T) {
	for _, c := range []struct {
		name          string
		done, total   float64
		elapsed, want time.Duration
	}{
		{"nothing done yet: the expected work", 0, 20, 0, 20 * time.Second},
		{"all done", 20, 20, 30 * time.Second, 0},
		{"more than planned", 25, 20, 30 * time.Second, 0},
		{"at the expected speed", 8, 20, 8 * time.Second, 12 * time.Second},
		// Twice as slow as expected: (16+2)/(8+2) = 1.8 times the 12 s left.
		{"twice as slow", 8, 20, 16 * time.Second, 21600 * time.Millisecond},
		// A slow start on little work is tempered by the prior:
		// 19.9 s × (1+2)/(0.1+2), not 19.9 s × 10.
		{"slow first second", 0.1, 20, time.Second, 28428571 * time.Microsecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := estimate(c.done, c.total, c.elapsed)
			if d := got - c.want; d < -time.Millisecond || d > time.Millisecond {
				t.Fatalf("estimate(%v, %v, %v) = %v, want %v", c.done, c.total, c.elapsed, got, c.want)
			}
		})
	}
}

// The meter plans every source of a run with its decompressed size and
// counts each one's bytes and rows as it is read, zip members and gzip files
// alike; a second run plans the same and passes everything over.
func TestMeter(t *testing.T) {
	st := openStore(t)
	apiFiles, _ := filepath.Glob(apiJSONGlob)
	paths := []string{boundaryDir + "london-lad22.geojson.gz", metZip, apiFiles[0]}
	clock := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	m := &Meter{Now: func() time.Time { return clock }}
	im, _ := newImporter(t, st)
	im.Meter = m
	var snaps []Snapshot
	var read []int64
	var planned []time.Duration // the work left as planned, after each source
	im.Progress = func(r Result) {
		// Each source takes the time planned for it, so the estimate holds.
		clock = clock.Add(time.Duration(m.plan[len(snaps)].work * float64(time.Second)))
		snaps = append(snaps, m.Snapshot())
		read = append(read, m.read.Load())
		planned = append(planned, time.Duration((m.total-m.doneWork)*float64(time.Second)))
	}
	rs := mustImport(t, im, paths...)
	if len(rs) != 15 { // boundaries, 13 archive months, one API month
		t.Fatalf("%d results", len(rs))
	}
	var rows int64
	for i, r := range rs {
		rows += int64(r.Rows)
		s := snaps[i]
		if s.Files != 15 || s.Finished != i+1 || s.Source != "" {
			t.Fatalf("after %s: %+v", r.Source, s)
		}
		if m.plan[i].name != r.Source || m.plan[i].size <= 0 || m.plan[i].work <= 0 {
			t.Fatalf("plan %d: %+v for %s", i, m.plan[i], r.Source)
		}
		if read[i] != m.plan[i].size {
			t.Errorf("%s: %d bytes counted, %d planned", r.Source, read[i], m.plan[i].size)
		}
		if d := s.Left - planned[i]; d > time.Millisecond || d < -time.Millisecond {
			t.Errorf("after %s: %v left, %v planned", r.Source, s.Left, planned[i])
		}
		if i > 0 && (s.Done <= snaps[i-1].Done || s.Left >= snaps[i-1].Left) {
			t.Errorf("after %s: %.3f done, %v left; before: %.3f, %v", r.Source, s.Done, s.Left, snaps[i-1].Done, snaps[i-1].Left)
		}
	}
	// Rows are what the readers yield: the records, not the areas.
	if last := snaps[len(snaps)-1]; last.Done != 1 || last.Left != 0 || last.Rows != rows-int64(rs[0].Rows) {
		t.Errorf("at the end: %+v, %d rows stored", last, rows)
	}
	if got, want := m.plan[0].size, int64(len(gunzipTable(t, paths[0]))); got != want {
		t.Errorf("gzip planned at %d bytes, %d decompressed", got, want)
	}
	if got, want := m.plan[14].size, int64(len(gunzipTable(t, paths[2]))); got != want {
		t.Errorf("gzip planned at %d bytes, %d decompressed", got, want)
	}

	// Again: all unchanged, so the plan empties and nothing is left.
	m2 := &Meter{}
	im.Meter, im.Progress = m2, nil
	mustImport(t, im, paths...)
	if s := m2.Snapshot(); s.Files != 15 || s.Finished != 15 || s.Left != 0 || m2.total > 1e-9 {
		t.Errorf("second run: %+v, %v s of work planned", s, m2.total)
	}
}

// The meter costs the run nothing when there is none.
func TestMeterNil(t *testing.T) {
	var m *Meter
	if m.counter() != nil {
		t.Fatal("a nil meter counts")
	}
	emit := func(int) error { return nil }
	if counting(m, emit) == nil {
		t.Fatal("no emit")
	}
}
