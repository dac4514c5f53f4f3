package api

import "github.com/stopsearch/charter/internal/complaint"

// wireComplaintFigures is complaint.Figures on the wire (getComplaintFigures).
type wireComplaintFigures struct {
	Area     string                `json:"area"`
	From     string                `json:"from"`
	To       string                `json:"to"`
	MinCount int                   `json:"min_count"`
	Months   []wireComplaintFigure `json:"months"`
	Boroughs []wireComplaintFigure `json:"boroughs"`
}

func complaintFiguresWire(f complaint.Figures) wireComplaintFigures {
	return wireComplaintFigures{Area: f.Area, From: f.From, To: f.To, MinCount: f.MinCount,
		Months: each(f.Months, complaintFigureWire), Boroughs: each(f.Boroughs, complaintFigureWire)}
}

// wireComplaintFigure is complaint.Figure on the wire: the upheld share as
// value, low and high, or null when it is not published.
type wireComplaintFigure struct {
	Area        string              `json:"area"`
	Month       string              `json:"month,omitempty"`
	Lodged      wireComplaintCount  `json:"lodged"`
	Linked      wireComplaintCount  `json:"linked"`
	Decided     wireComplaintCount  `json:"decided"`
	Upheld      wireComplaintCount  `json:"upheld"`
	UpheldShare *wireComplaintShare `json:"upheld_share"`
}

// wireComplaintCount is complaint.Count on the wire.
type wireComplaintCount struct {
	Count      int  `json:"count"`
	Suppressed bool `json:"suppressed"`
}

// wireComplaintShare is the upheld share with its 95% Wilson interval.
type wireComplaintShare struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

func complaintFigureWire(f complaint.Figure) wireComplaintFigure {
	count := func(c complaint.Count) wireComplaintCount {
		return wireComplaintCount{Count: c.Count, Suppressed: c.Suppressed}
	}
	w := wireComplaintFigure{Area: f.Area, Month: f.Month, Lodged: count(f.Lodged), Linked: count(f.Linked), Decided: count(f.Decided), Upheld: count(f.Upheld)}
	if s := f.UpheldShare; s.HasInterval() {
		w.UpheldShare = &wireComplaintShare{Value: s.Value, Low: s.Lower, High: s.Upper}
	}
	return w
}
