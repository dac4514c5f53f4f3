package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// The hand-over: right after a record is stored, the officer shows the
// person a QR code of their receipt and its short reference, or sends the
// link to their phone or email. The receipt's address is asked of the
// service each time (Service.ReceiptURL, for the record's own officer
// only), so it is never put in an address of ours, where browser history,
// logs and Referer headers would keep a token that opens a person's
// record.

func recordPath(id int64) string { return "/officer/records/" + strconv.FormatInt(id, 10) }

// absolute makes an address the service gives from the root ("/r/…",
// when no base address is configured) whole, from the request's own.
func absolute(r *http.Request, u string) string {
	if !strings.HasPrefix(u, "/") {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + u
}

// handOverPage is what the hand-over shows.
type handOverPage struct {
	ID        int64
	Reference string
	URL       string        // the receipt's address
	QR        template.HTML // the code of URL
	To        string        // the contact typed, kept after a refusal
	Sent      bool
	Message   string
}

func (s *Site) handOver(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderHandOver(w, r, id, http.StatusOK, handOverPage{Sent: r.URL.Query().Get("sent") != ""})
}

func (s *Site) renderHandOver(w http.ResponseWriter, r *http.Request, id int64, status int, d handOverPage) {
	rec, err := s.enc.Records.Get(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.enc.Records.ReceiptURL(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.ID, d.Reference, d.URL = id, rec.Reference, absolute(r, u)
	if d.QR, err = QRSVG(d.URL); err != nil {
		s.fail(w, r, err)
		return
	}
	// The page holds the receipt's address: never cached, never sent on.
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.renderStatus(w, r, status, "handover", &page{Title: "Receipt " + rec.Reference, Data: d})
}

// sendReceipt sends the receipt's link to the email or phone typed.
func (s *Site) sendReceipt(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	to := strings.TrimSpace(v.Get("to"))
	err := s.enc.Records.SendReceipt(r.Context(), user(r), id, to)
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, recordPath(id)+"/receipt?sent=1", http.StatusSeeOther)
	case charter.EINVALID, charter.EFIELDS:
		msg := charter.ErrorMessage(err)
		if fe, ok := fieldErrors(err); ok && len(fe) > 0 {
			msg = fe[0].Reason
		}
		s.renderHandOver(w, r, id, http.StatusUnprocessableEntity, handOverPage{To: to, Message: msg})
	default:
		s.fail(w, r, err)
	}
}
