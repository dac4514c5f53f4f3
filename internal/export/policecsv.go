// Package export writes stored records in the open formats they came in, so
// that anything Charter publishes can be read by the tools that read
// data.police.uk.
package export

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/stopsearch/charter"
)

// PoliceCSV writes stops as a data.police.uk stop-and-search archive CSV:
// the same columns, the same value spellings (dates as
// 2021-06-01T12:30:00+00:00, coordinates to six decimals, True/False/empty).
type PoliceCSV struct {
	w   *csv.Writer
	rec []string
}

// NewPoliceCSV writes the header and returns the writer.
func NewPoliceCSV(w io.Writer) (*PoliceCSV, error) {
	p := &PoliceCSV{w: csv.NewWriter(w), rec: make([]string, len(charter.PoliceCSVColumns))}
	return p, p.w.Write(charter.PoliceCSVColumns)
}

// Write writes one stop.
func (p *PoliceCSV) Write(s *charter.Stop) error {
	r := p.rec
	r[0] = s.Type
	r[1] = s.Datetime.UTC().Format("2006-01-02T15:04:05+00:00")
	r[2] = s.Operation.CSV()
	r[3] = s.OperationName
	r[4], r[5] = "", ""
	if l := s.Location; l != nil {
		r[4] = strconv.FormatFloat(l.Latitude, 'f', 6, 64)
		r[5] = strconv.FormatFloat(l.Longitude, 'f', 6, 64)
	}
	r[6], r[7] = s.Gender, s.AgeRange
	r[8], r[9] = s.SelfDefinedEthnicity, s.OfficerDefinedEthnicity
	r[10], r[11], r[12] = s.Legislation, s.ObjectOfSearch, s.Outcome
	r[13], r[14] = s.OutcomeLinked.CSV(), s.Removal.CSV()
	return p.w.Write(r)
}

// Flush flushes and reports any write error.
func (p *PoliceCSV) Flush() error {
	p.w.Flush()
	return p.w.Error()
}
