package web

import (
	"net/http"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
)

// The internal figures (signed-in supervisors, analysts and administrators):
// the force's first-hand records month by month at once, before their
// months are published (methodology section 11.1).

type internalRow struct {
	Month    string
	Searches string
	Shares   []internalShare
	ByGroup  []record.GroupCount
}

type internalShare struct{ What, Value string }

// shareWords is "12 of 40 (30.0%; 95% interval 17.9% to 45.6%)".
func shareWords(s record.Share) string {
	if s.Of == 0 {
		return "none recorded"
	}
	out := FormatInt(s.Count) + " of " + FormatInt(s.Of)
	if f := s.Figure(charter.ScaleShare); f.HasValue() {
		out += " (" + f.String()
		if f.HasInterval() {
			out += "; 95% interval " + f.Interval()
		}
		out += ")"
	}
	return out
}

func (s *Site) internalFigures(w http.ResponseWriter, r *http.Request) {
	months, err := s.enc.Records.Internal(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []internalRow
	for _, m := range months {
		row := internalRow{Month: time.Date(m.Month.Year(), m.Month.Mon(), 1, 0, 0, 0, 0, time.UTC).Format("January 2006"), Searches: FormatInt(m.Searches), ByGroup: m.ByGroup}
		for _, sh := range []struct {
			what string
			s    record.Share
		}{{"Arrests", m.Arrests}, {"Outcome linked to what was searched for", m.Linked},
			{"More than outer clothing removed", m.Removal}, {"Force used", m.Force}, {"Body-worn video recording", m.Video},
			{"GOWISELY given before the search", m.Gowisely}, {"Grounds explained", m.Explained},
			{"The person listened to", m.Listened}, {"De-briefed afterwards", m.Debriefed}} {
			row.Shares = append(row.Shares, internalShare{sh.what, shareWords(sh.s)})
		}
		rows = append(rows, row)
	}
	s.renderStatus(w, r, http.StatusOK, "internal", &page{Title: "Internal figures", Data: rows})
}
