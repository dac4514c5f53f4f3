package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// The hand-over: right after a record is stored, the officer shows the
// person a QR code of their receipt and its short reference, or sends the
// link to their phone or email.
//
// The service tells the receipt's address (its token) only in the answer
// to the submission. It reaches this page in a cookie, not in the
// redirect's address: an address is kept in the browser's history, the
// server's logs and Referer headers, where a token that opens a person's
// record must not be. The cookie is HttpOnly, SameSite=Strict, scoped to
// this record's pages and lasts an hour: long enough to show the code
// again while the person is still there.

// receiptCookie is the cookie carrying the receipt's address.
const receiptCookie = "charter_receipt"

// receiptCookieAge is how long the hand-over can show the code.
const receiptCookieAge = 3600

func recordPath(id int64) string { return "/officer/records/" + strconv.FormatInt(id, 10) }

// keepReceiptURL keeps the receipt's address for the hand-over of record
// id. An address the service gives from the root ("/r/…", when no base
// URL is set) is made whole from the request's own.
func (s *Site) keepReceiptURL(w http.ResponseWriter, r *http.Request, id int64, u string) {
	if u == "" {
		return
	}
	if strings.HasPrefix(u, "/") {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		u = scheme + "://" + r.Host + u
	}
	http.SetCookie(w, &http.Cookie{Name: receiptCookie, Value: url.QueryEscape(u), Path: recordPath(id) + "/",
		MaxAge: receiptCookieAge, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

// receiptURL is the receipt's address kept for the hand-over, or "".
func receiptURL(r *http.Request) string {
	c, err := r.Cookie(receiptCookie)
	if err != nil {
		return ""
	}
	u, err := url.QueryUnescape(c.Value)
	if err != nil || !strings.Contains(u, "/r/") {
		return ""
	}
	return u
}

// handOverPage is what the hand-over shows.
type handOverPage struct {
	ID        int64
	Reference string
	URL       string        // the receipt's address; "" once the code can no longer be shown
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
	d.ID, d.Reference, d.URL = id, rec.Reference, receiptURL(r)
	if d.URL != "" {
		if d.QR, err = QRSVG(d.URL); err != nil {
			s.fail(w, r, err)
			return
		}
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
