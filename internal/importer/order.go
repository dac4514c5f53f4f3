package importer

import (
	"bufio"
	"cmp"
	"errors"
	"slices"

	"github.com/stopsearch/charter"
)

// newestCountsFirst reorders the MPS crime-count downloads among srcs so
// that, of each level, the one with the latest final month (its vintage)
// is imported first; every other source keeps its place, and the
// crime-count files take the places crime-count files held.
//
// Why: the store keeps, for each month, the latest download that holds it
// (SetCrimeCountFile). The MPS publishes rolling 24-month downloads, so a
// folder of them overlaps month for month. In name order (oldest first)
// every overlapping month was stored, deleted and stored again; newest
// first, an older download's months that a later one holds are passed over
// unread. The counts and the months they cover are the same in either
// order (an area's name is the first import's that names it: now the
// newest download's). The bundled dataset's four ward downloads import in
// 2.5 s instead of 6.4 s.
//
// A source that cannot be opened or is not a crime-count file keeps its
// place, and the import reports it as it would have. looks are srcs' (see
// lookAll), and come back in the same new order.
func newestCountsFirst(srcs []source, looks []look) ([]source, []look) {
	type counted struct {
		at      int
		vintage charter.Month
	}
	byLevel := map[charter.Level][]counted{}
	for i, l := range looks {
		if l.vintage != 0 {
			byLevel[l.level] = append(byLevel[l.level], counted{i, l.vintage})
		}
	}
	var out []source
	var outLooks []look
	for _, cs := range byLevel {
		if len(cs) < 2 {
			continue
		}
		if out == nil {
			out, outLooks = slices.Clone(srcs), slices.Clone(looks)
		}
		newest := slices.Clone(cs)
		slices.SortStableFunc(newest, func(a, b counted) int { return cmp.Compare(b.vintage, a.vintage) })
		for k, c := range cs {
			out[c.at], outLooks[c.at] = srcs[newest[k].at], looks[newest[k].at]
		}
	}
	if out == nil {
		return srcs, looks
	}
	return out, outLooks
}

// look is what the first bytes of a source say. They are read once, for
// every source of a run before its first file: the progress meter weighs
// each file by its format and size, and crime-count downloads are ordered
// by their last month.
type look struct {
	format format // "" if the source cannot be read or is not recognised
	size   int64  // bytes, decompressed where a gzip file records its size
	// level and vintage are a crime-count file's level and last month
	// column (vintage 0 for any other file, or a header its import refuses),
	// read by ReadCrimeCounts itself, which stops after the header, so that
	// a file is ordered by what its import will make of it.
	level   charter.Level
	vintage charter.Month
}

// lookAll looks at the first bytes of every source.
func lookAll(srcs []source) []look {
	out := make([]look, len(srcs))
	for i, s := range srcs {
		out[i] = lookAt(s)
	}
	return out
}

func lookAt(s source) look {
	l := look{size: s.size}
	o, err := s.reader(nil)
	if err != nil {
		return l
	}
	defer o.Close()
	if o.gzipped {
		l.size = gzipSize(o.raw, l.size)
	}
	r := bufio.NewReaderSize(o, 8192)
	head, _ := r.Peek(8192)
	if l.format, err = detect(s.name, head); err != nil || l.format != fmtCrimeCounts {
		return l
	}
	var file CrimeCountFile
	_, _, err = ReadCrimeCounts(r, s.name, func(f CrimeCountFile) error { file = f; return errHeaderRead }, nil)
	if err == errHeaderRead { // else refused: its import will say why, in its place
		l.level, l.vintage = file.Level, file.Months[len(file.Months)-1]
	}
	return l
}

// errHeaderRead stops ReadCrimeCounts once lookAt has the header.
var errHeaderRead = errors.New("header read")
