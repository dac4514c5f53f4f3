package importer

import (
	"bufio"
	"errors"
	"sort"

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
// place, and the import reports it as it would have.
func newestCountsFirst(srcs []source) []source {
	type counted struct {
		at      int
		vintage charter.Month
	}
	byLevel := map[charter.Level][]counted{}
	for i, s := range srcs {
		if level, vintage, ok := crimeCountVintage(s); ok {
			byLevel[level] = append(byLevel[level], counted{i, vintage})
		}
	}
	var out []source
	for _, cs := range byLevel {
		if len(cs) < 2 {
			continue
		}
		if out == nil {
			out = append([]source(nil), srcs...)
		}
		newest := append([]counted(nil), cs...)
		sort.SliceStable(newest, func(i, j int) bool { return newest[i].vintage > newest[j].vintage })
		for k, c := range cs {
			out[c.at] = srcs[newest[k].at]
		}
	}
	if out == nil {
		return srcs
	}
	return out
}

// crimeCountVintage reads the header of a source and, when it is an MPS
// crime-count file, returns its level and its last month column: read by
// ReadCrimeCounts itself, which stops after the header, so that a file is
// ordered by what its import will make of it.
func crimeCountVintage(s source) (charter.Level, charter.Month, bool) {
	o, err := s.reader(nil)
	if err != nil {
		return 0, 0, false
	}
	defer o.Close()
	r := bufio.NewReaderSize(o, 8192)
	head, _ := r.Peek(8192)
	if f, err := detect(s.name, head); err != nil || f != fmtCrimeCounts {
		return 0, 0, false
	}
	var file CrimeCountFile
	_, _, err = ReadCrimeCounts(r, s.name, func(f CrimeCountFile) error { file = f; return errHeaderRead }, nil)
	if err != errHeaderRead {
		return 0, 0, false // refused: its import will say why, in its place
	}
	return file.Level, file.Months[len(file.Months)-1], true
}

// errHeaderRead stops ReadCrimeCounts once crimeCountVintage has the header.
var errHeaderRead = errors.New("header read")
