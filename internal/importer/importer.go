// Package importer takes open data into the store: data.police.uk archive
// CSVs, zips and API JSON, flattened API extractions, street-level crime,
// MPS crime counts, census populations and GeoJSON boundaries. Every source
// file is read as a stream, validated row by row, assigned to areas and
// written in one transaction, so a file is either stored whole (less its
// rejected rows) or not at all.
package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/store"
)

// Importer imports source files into a store.
type Importer struct {
	Store *store.Store
	// Force overrides the force of stop files (otherwise taken from the file
	// name, or from each row of an extraction).
	Force string
	// Coverage overrides which stops a stop file holds (see charter.Coverage).
	Coverage charter.Coverage
	// Boundary options for GeoJSON files (level, property names, year).
	Boundary geo.Options
	// Reject receives every rejected row; nil discards them (they are counted).
	Reject func(charter.Reject)
	// Progress receives one line per source as it finishes; nil is silent.
	Progress func(Result)
	// Meter, if not nil, follows each run as it happens (bytes and rows
	// read, the work planned and left), for a progress display.
	Meter *Meter
	// Now is the clock (tests fix it).
	Now func() time.Time

	locator    *geo.Locator
	locVersion int64
}

// Result is what happened to one source.
type Result struct {
	Source   string
	Kind     charter.ImportKind
	Rows     int           // records stored
	Rejects  int           // rows refused
	Skipped  bool          // already imported: nothing added
	Ignored  string        // why a recognised file was passed over (e.g. outcomes), if it was
	Err      error         // the file was refused whole
	Duration time.Duration // wall time
}

// Summary totals a run.
type Summary struct {
	Sources, Imported, Skipped, Ignored, Refused int
	Rows, Rejects                                int
}

// Summarise totals results.
func Summarise(rs []Result) Summary {
	var s Summary
	for _, r := range rs {
		s.Sources++
		switch {
		case r.Err != nil:
			s.Refused++
		case r.Skipped:
			s.Skipped++
		case r.Ignored != "":
			s.Ignored++
		default:
			s.Imported++
		}
		s.Rows += r.Rows
		s.Rejects += r.Rejects
	}
	return s
}

// source is one file to import: a plain file, a member of a zip, or an
// embedded file; gzip is undone by open.
type source struct {
	name string
	size int64 // bytes as stored (a zip member's decompressed), 0 if unknown
	open func() (io.ReadCloser, error)
}

// Import imports files, folders (recursively, in name order) and zip archives;
// MPS crime-count downloads come newest first (see newestCountsFirst).
// It carries on past a refused file, so one bad file does not block the rest;
// each file's fate is in its Result. The error is only for a failure of the
// store or a cancelled context.
func (im *Importer) Import(ctx context.Context, paths ...string) ([]Result, error) {
	var srcs []source
	var results []Result
	for _, p := range paths {
		ss, refused := expand(p)
		for _, r := range refused {
			results = append(results, r)
			im.progress(r)
		}
		srcs = append(srcs, ss...)
	}
	rs, err := im.importSources(ctx, srcs)
	return append(results, rs...), err
}

// ImportFS imports named files of fsys (the bundled dataset), zips included.
func (im *Importer) ImportFS(ctx context.Context, fsys fs.FS, names []string) ([]Result, error) {
	var srcs []source
	var results []Result
	for _, n := range names {
		n := n
		if r := nameNotText(n); r != nil {
			results = append(results, *r)
			continue
		}
		if strings.HasSuffix(strings.ToLower(n), ".zip") {
			data, err := fs.ReadFile(fsys, n)
			if err != nil {
				return nil, err
			}
			ss, passed, err := zipSources(n, bytes.NewReader(data), int64(len(data)))
			if err != nil {
				results = append(results, Result{Source: n, Err: err})
				continue
			}
			for _, r := range passed {
				results = append(results, r)
				im.progress(r)
			}
			srcs = append(srcs, ss...)
			continue
		}
		var size int64
		if fi, err := fs.Stat(fsys, n); err == nil {
			size = fi.Size()
		}
		srcs = append(srcs, source{name: n, size: size, open: func() (io.ReadCloser, error) { return fsys.Open(n) }})
	}
	rs, err := im.importSources(ctx, srcs)
	return append(results, rs...), err
}

// importSources imports srcs in order, the crime-count downloads among them
// newest first, and returns each one's Result in the order imported.
func (im *Importer) importSources(ctx context.Context, srcs []source) ([]Result, error) {
	srcs, looks := newestCountsFirst(srcs, lookAll(srcs))
	// The checksum pass of the next source runs while this one imports, on
	// the core the store's writer leaves free: once this source's rows have
	// all been read (read returns; the writer still has rows to insert and
	// the commit to make), not at its start, when it would take the core
	// the reader needs and leave the writer waiting for its first rows.
	sums := make(chan summed, 1)
	next := make(chan struct{}, 1) // at most one outstanding: see read below
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(sums)
		for i, s := range srcs {
			if i > 0 {
				select {
				case <-next:
				case <-stop:
					return
				}
			}
			sum, head, err := s.checksum()
			select {
			case sums <- summed{sum, head, err}:
			case <-stop:
				return
			}
		}
	}()
	if im.Meter != nil {
		im.Meter.begin(plan(srcs, looks))
	}
	// The read model follows each committed source while the next is read;
	// the run is done when it has followed the last (announcements keep
	// commit order, so the last one done means all are).
	var announced func()
	defer func() {
		if announced != nil {
			announced()
		}
	}()
	var results []Result
	for i, s := range srcs {
		sm := <-sums
		if err := ctx.Err(); err != nil {
			return results, err
		}
		if im.Meter != nil {
			im.Meter.enter(i)
		}
		start := time.Now()
		read := sync.OnceFunc(func() { next <- struct{}{} })
		r, err := im.importOne(ctx, s, sm, read, &announced)
		read()
		r.Duration = time.Since(start)
		if err != nil {
			// The store failed (or the context ended): stop here. The file's
			// transaction has been rolled back.
			r.Err = err
		}
		if im.Meter != nil {
			im.Meter.leave(i, r)
		}
		results = append(results, r)
		im.progress(r)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// summed is the outcome of a source's checksum pass.
type summed struct {
	sum  string
	head []byte
	err  error
}

func (im *Importer) progress(r Result) {
	if im.Progress != nil {
		im.Progress(r)
	}
}

// expand turns a path into sources; paths that cannot be read (a missing
// file, a corrupt zip) come back as refused results, so one bad file in a
// folder does not stop the rest, and zip members passed over come back as
// results saying why.
func expand(p string) ([]source, []Result) {
	refuse := func(err error) ([]source, []Result) { return nil, []Result{{Source: p, Err: err}} }
	fi, err := os.Stat(p)
	if err != nil {
		return refuse(charter.Errorf(charter.EINVALID, "%s: cannot be opened: %v", p, errors.Unwrap(err)))
	}
	if fi.IsDir() {
		var files []string
		err := filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				files = append(files, q)
			}
			return nil
		})
		if err != nil {
			return refuse(charter.Errorf(charter.EINVALID, "%s: %v", p, err))
		}
		sort.Strings(files)
		var out []source
		var refused []Result
		for _, f := range files {
			ss, rs := expand(f)
			out = append(out, ss...)
			refused = append(refused, rs...)
		}
		return out, refused
	}
	if r := nameNotText(p); r != nil {
		return nil, []Result{*r}
	}
	if strings.HasSuffix(strings.ToLower(p), ".zip") {
		f, err := os.Open(p)
		if err != nil {
			return refuse(charter.Errorf(charter.EINVALID, "%s: cannot be opened: %v", p, err))
		}
		// The zip is read through ReaderAt; it stays open for the run (the
		// process is short-lived).
		ss, passed, err := zipSources(p, f, fi.Size())
		if err != nil {
			f.Close()
			return refuse(err)
		}
		return ss, passed
	}
	return []source{{name: p, size: fi.Size(), open: func() (io.ReadCloser, error) { return os.Open(p) }}}, nil
}

// zipSources lists the data files inside a zip archive as sources named
// archive.zip!member, and the members it passes over as results saying why
// (Result.Ignored, or Err for a name that is not text), so that nothing in
// an archive is left out without a word. A truncated or corrupt archive is refused whole.
func zipSources(name string, r io.ReaderAt, size int64) ([]source, []Result, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, charter.Errorf(charter.EINVALID, "%s: not a readable zip archive (truncated or corrupt): %v", name, err)
	}
	var out []source
	var passed []Result
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		f := f
		if f.FileInfo().IsDir() {
			continue // a folder holds nothing itself; its files are listed
		}
		if why := passOver(f.Name); why != "" {
			passed = append(passed, Result{Source: printable(name + "!" + f.Name), Ignored: why})
			continue
		}
		if r := nameNotText(name + "!" + f.Name); r != nil {
			passed = append(passed, *r)
			continue
		}
		out = append(out, source{name: name + "!" + f.Name, size: int64(f.UncompressedSize64), open: func() (io.ReadCloser, error) { return f.Open() }})
	}
	return out, passed, nil
}

// nameNotText refuses a source whose name is not UTF-8 text, or returns
// nil: the name is stored with the import, and both databases must take it.
func nameNotText(name string) *Result {
	if badText(name) == "" {
		return nil
	}
	n := printable(name)
	return &Result{Source: n, Err: charter.Errorf(charter.EINVALID, "%s: the file's name is not UTF-8 text (it is stored with the import): rename the file", n)}
}

// passOver says why a zip member is not data, or "" when it may be.
func passOver(member string) string {
	parts := strings.Split(member, "/")
	for _, p := range parts {
		if p == "__MACOSX" {
			return "not read: macOS metadata (__MACOSX), not data"
		}
	}
	for _, p := range parts {
		if strings.HasPrefix(p, ".") {
			return "not read: a hidden file (a name starting with a dot), not data"
		}
	}
	return ""
}

// opened is a source opened for reading, with gzip undone.
type opened struct {
	io.Reader
	raw     io.Reader // the source as stored
	gzipped bool
	closers []io.Closer
}

func (o *opened) Close() error {
	for i := len(o.closers) - 1; i >= 0; i-- {
		o.closers[i].Close()
	}
	return nil
}

// reader opens the source; read, if not nil, counts the bytes read from it
// (decompressed), for the meter.
func (s source) reader(read *atomic.Int64) (*opened, error) {
	rc, err := s.open()
	if err != nil {
		return nil, charter.Errorf(charter.EINVALID, "%s: cannot be opened: %v", s.name, err)
	}
	o := &opened{Reader: rc, raw: rc, closers: []io.Closer{rc}}
	br := bufio.NewReaderSize(rc, 1<<16)
	o.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			o.Close()
			return nil, charter.Errorf(charter.EINVALID, "%s: not a readable gzip file: %v", s.name, err)
		}
		o.closers = append(o.closers, zr)
		o.Reader, o.gzipped = bufio.NewReaderSize(zr, 1<<16), true
	}
	if read != nil {
		o.Reader = countReader{o.Reader, read}
	}
	return o, nil
}

// checksum hashes the decompressed bytes of a source. It is a separate pass
// so that a source already imported costs one read and no parsing.
func (s source) checksum() (string, []byte, error) {
	o, err := s.reader(nil)
	if err != nil {
		return "", nil, err
	}
	defer o.Close()
	h := sha256.New()
	head := make([]byte, 8192)
	n, err := io.ReadFull(o, head)
	head = head[:n]
	h.Write(head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", nil, charter.Errorf(charter.EINVALID, "%s: cannot be read to the end: %v", s.name, err)
	}
	if err == nil {
		if _, err := io.Copy(h, o); err != nil {
			return "", nil, charter.Errorf(charter.EINVALID, "%s: cannot be read to the end (truncated?): %v", s.name, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), head, nil
}

var (
	monthInName = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})-(0[1-9]|1[0-2])(?:[^0-9]|$)`)
)

// forceInName finds a data.police.uk force id in a file name, the longest
// that matches ("city-of-london" rather than a shorter id inside it).
func forceInName(name string) string {
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	best := ""
	for _, f := range charter.Forces {
		if strings.Contains(base, f.ID) && len(f.ID) > len(best) {
			best = f.ID
		}
	}
	return best
}

func monthFromName(name string) charter.Month {
	m := monthInName.FindStringSubmatch(path.Base(filepath.ToSlash(name)))
	if m == nil {
		return 0
	}
	mo, err := charter.ParseMonth(m[1] + "-" + m[2])
	if err != nil {
		return 0
	}
	return mo
}
