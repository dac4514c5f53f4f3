package importer

import (
	"encoding/binary"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Meter follows a run while it happens, for a progress display: the work the
// run plans (every source with its size, weighted by what its format costs
// to import), the bytes of the source being read and the rows read so far.
// The importer writes it; a display reads Snapshot from any goroutine.
type Meter struct {
	// Now is the clock (tests fix it); nil is time.Now.
	Now func() time.Time

	mu       sync.Mutex
	start    time.Time
	plan     []planned
	cur      int     // the source being imported, -1 between sources
	finished int     // sources done, whatever became of them
	doneWork float64 // expected seconds of the sources imported
	total    float64 // expected seconds of the run, less sources passed over
	rows     int64   // rows read by finished sources

	read    atomic.Int64 // bytes of the current source read (decompressed)
	curRows atomic.Int64 // rows of the current source read
}

// planned is a source as the run plans it.
type planned struct {
	name string
	size int64   // bytes, decompressed where the size is known
	work float64 // expected seconds to import it
}

// Snapshot is a run's progress at one moment.
type Snapshot struct {
	Files    int    // sources in the run
	Finished int    // sources done (imported, unchanged, passed over or refused)
	Source   string // the source being read; empty between sources
	// Read and Size are the bytes of Source read so far and its size
	// (decompressed; Size is 0 when unknown).
	Read, Size int64
	Rows       int64   // rows read in the run so far
	Done       float64 // share of the run's expected work done, 0 to 1
	Elapsed    time.Duration
	// Left is the estimated time to the end of the run.
	Left time.Duration
}

// costs are what a byte of each format costs to import, and a fixed cost
// per file, in seconds, as measured on the bundled data (2 cores, SQLite).
// They only need to be right relative to each other: the estimate scales
// them by the speed the run itself shows (measured again on 2026-12-06,
// after crime-count files became three times cheaper). An MPS crime-count
// byte costs about forty times a stop record's byte, because each CSV line
// fans out into one count per month; a boundary file re-places what is
// stored.
var costs = map[format]struct{ perByte, perFile float64 }{
	fmtPoliceCSV:   {16e-9, 0.005},
	fmtPoliceJSON:  {20e-9, 0.005},
	fmtFlatCSV:     {31e-9, 0.005},
	fmtStreetCSV:   {45e-9, 0.005},
	fmtCrimeCounts: {650e-9, 0.005},
	fmtPopulation:  {150e-9, 0.005},
	fmtGeoJSON:     {100e-9, 0.25},
	fmtOutcomes:    {1e-9, 0},
}

// estimatePrior is how many seconds of expected work the estimate assumes
// went at the expected speed before the run began: it keeps the first
// seconds' estimate from swinging on a few measurements.
const estimatePrior = 2.0

// estimate is the time left when done of total expected seconds of work
// took elapsed: the work left at the speed the run has shown so far, tempered
// by the prior.
func estimate(done, total float64, elapsed time.Duration) time.Duration {
	left := total - done
	if left <= 0 {
		return 0
	}
	speed := (elapsed.Seconds() + estimatePrior) / (max(done, 0) + estimatePrior)
	return time.Duration(left * speed * float64(time.Second))
}

func (m *Meter) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// begin starts the clock on a planned run.
func (m *Meter) begin(plan []planned) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.plan, m.cur, m.start = plan, -1, m.now()
	for _, p := range plan {
		m.total += p.work
	}
}

// enter marks source i as the one being imported.
func (m *Meter) enter(i int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.read.Store(0)
	m.curRows.Store(0)
	m.cur = i
}

// leave marks source i done. A source passed over (unchanged, refused,
// ignored) leaves the plan, so that its near-free skip does not make the
// rest look faster than it is.
func (m *Meter) leave(i int, r Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i < len(m.plan) {
		if r.Err != nil || r.Skipped || r.Ignored != "" {
			m.total -= m.plan[i].work
		} else {
			m.doneWork += m.plan[i].work
		}
	}
	m.rows += m.curRows.Swap(0)
	m.finished++
	m.cur = -1
}

// counter is where the current source's bytes are counted; nil without a
// meter.
func (m *Meter) counter() *atomic.Int64 {
	if m == nil {
		return nil
	}
	return &m.read
}

// Snapshot reads the run's progress so far.
func (m *Meter) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Snapshot{Files: len(m.plan), Finished: m.finished, Rows: m.rows + m.curRows.Load()}
	if m.start.IsZero() {
		return s
	}
	s.Elapsed = m.now().Sub(m.start)
	done := m.doneWork
	if m.cur >= 0 && m.cur < len(m.plan) {
		p := m.plan[m.cur]
		s.Source, s.Read, s.Size = p.name, m.read.Load(), p.size
		if p.size > 0 {
			done += p.work * min(float64(s.Read)/float64(p.size), 1)
		}
	}
	if m.total > 0 {
		s.Done = min(done/m.total, 1)
	}
	s.Left = estimate(done, m.total, s.Elapsed)
	return s
}

// counting passes emit through, counting the rows the current source yields.
func counting[T any](m *Meter, emit func(T) error) func(T) error {
	if m == nil {
		return emit
	}
	return func(v T) error {
		m.curRows.Add(1)
		return emit(v)
	}
}

// plan sizes and weighs every source of a run from its first bytes (looks,
// read before the first is imported), so that the run's estimate covers
// all of them. A source that cannot be read plans no work: it will be
// refused at once.
func plan(srcs []source, looks []look) []planned {
	out := make([]planned, len(srcs))
	for i, s := range srcs {
		out[i] = planned{name: s.name, size: looks[i].size}
		if f := looks[i].format; f != "" {
			c := costs[f]
			out[i].work = c.perFile + c.perByte*float64(out[i].size)
		}
	}
	return out
}

// gzipSize is the decompressed size a gzip file records in its last four
// bytes, read when the file allows it; otherwise the compressed size. Both
// can be short (the record is modulo 4 GiB, and a gzip inside a zip cannot
// be read from its end): the meter caps a source's share at its size.
func gzipSize(f io.Reader, compressed int64) int64 {
	ra, ok := f.(io.ReaderAt)
	if !ok || compressed < 18 {
		return compressed
	}
	var b [4]byte
	if _, err := ra.ReadAt(b[:], compressed-4); err != nil {
		return compressed
	}
	if n := int64(binary.LittleEndian.Uint32(b[:])); n > 0 {
		return n
	}
	return compressed
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
