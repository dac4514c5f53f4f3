package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
)

// The person's receipt (PRODUCT E2): their own record, what GOWISELY gives
// about the officer, their rights, and the ways to give feedback or to
// complain. The token in the address is the only key, so the page is
// never cached (the server's cache skips /r/ too), never sent on in a
// Referer, and not indexed.

// receiptPage is what the receipt shows.
type receiptPage struct {
	Token     string
	Reference string
	Date      string
	Time      string
	Place     string
	Type      string
	Power     string
	Object    string
	Outcome   string
	Grounds   string
	Officer   string
	Station   string
	Expires   string
	// CopyBy is the last day to ask for a full copy of the record (three
	// months from the search, PACE Code A 4.10A).
	CopyBy        string
	FeedbackGiven bool
	Thanks        bool
}

// receiptOf is the receipt in words.
func receiptOf(rc record.Receipt) receiptPage {
	rec := rc.Record
	t := rec.Datetime.In(charter.London)
	return receiptPage{
		Token: rc.Token, Reference: rc.Reference,
		Date: t.Format("Monday 2 January 2006"), Time: t.Format("15:04"),
		Place: placeWords(rc), Type: rec.Type, Power: rec.Legislation, Object: rec.ObjectOfSearch,
		Outcome: rec.Outcome, Grounds: rec.Grounds, Officer: rc.OfficerName, Station: rc.OfficerStation,
		Expires: day(rc.Expires), CopyBy: day(rec.Datetime.AddDate(0, 3, 0)), FeedbackGiven: rc.FeedbackGiven,
	}
}

// placeWords is where the search happened, in words: the address the
// officer typed, else the nearest published street with the ward and
// borough, else the pin rounded to about a hundred metres.
func placeWords(rc record.Receipt) string {
	r := rc.Record
	if r.Address != "" {
		return r.Address
	}
	if rc.Place != "" {
		return rc.Place
	}
	if r.Latitude == 0 && r.Longitude == 0 {
		return "not recorded"
	}
	return "near " + strconv.FormatFloat(r.Latitude, 'f', 3, 64) + ", " + strconv.FormatFloat(r.Longitude, 'f', 3, 64) + " (latitude, longitude)"
}

// day writes a date as "5 December 2026".
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(charter.London).Format("2 January 2006")
}

// noStorePrivate marks an answer that a token opened: kept by no cache,
// its address sent on to no other page, indexed by no search engine.
func noStorePrivate(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// receipt shows the receipt of a token; an unknown or expired one is the
// site's not-found page.
func (s *Site) receipt(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	rc, err := s.enc.Records.Receipt(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := receiptOf(rc)
	d.Thanks = r.URL.Query().Get("thanks") != ""
	s.render(w, r, "receipt", &page{Title: "Your stop and search receipt", Data: d})
}
