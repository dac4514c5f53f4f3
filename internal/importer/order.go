package importer

import (
	"bytes"
	"encoding/csv"
	"io"
	"sort"
	"strings"

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
// unread. What is stored is the same in either order; the bundled
// dataset's four ward downloads import in 3.5 s instead of 6.4 s.
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
// crime-count file, returns its level and its last month column. Only CSV
// files are opened (the other formats are never crime counts), and only
// their first bytes are read.
func crimeCountVintage(s source) (charter.Level, charter.Month, bool) {
	name := strings.TrimSuffix(strings.ToLower(s.name), ".gz")
	if !strings.HasSuffix(name, ".csv") {
		return 0, 0, false
	}
	o, err := s.reader(nil)
	if err != nil {
		return 0, 0, false
	}
	defer o.Close()
	head := make([]byte, 8192)
	n, _ := io.ReadFull(o, head)
	head = head[:n]
	if f, err := detect(s.name, head); err != nil || f != fmtCrimeCounts {
		return 0, 0, false
	}
	line := bytes.TrimPrefix(head, []byte("\ufeff"))
	i := bytes.IndexAny(line, "\r\n")
	if i < 0 {
		return 0, 0, false // a header longer than the head: left where it is
	}
	header, err := csv.NewReader(bytes.NewReader(line[:i])).Read()
	if err != nil {
		return 0, 0, false
	}
	level, last := charter.LevelBorough, charter.Month(0)
	for _, h := range header {
		switch h = strings.TrimSpace(h); h {
		case mpsWard, mpsCode:
			level = charter.LevelWard
		default:
			if m, err := charter.ParseMonth(h); err == nil && len(h) == 6 && m > last {
				last = m
			}
		}
	}
	return level, last, last != 0
}
