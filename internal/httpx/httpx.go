// Package httpx holds what every HTTP surface of Charter shares: the one
// mapping of domain error codes to HTTP statuses, and JSON answers.
package httpx

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/stopsearch/charter"
)

// StatusOf maps an error to its HTTP status. It is the only place the
// codes become statuses (the CLI maps them to exit statuses likewise).
func StatusOf(err error) int {
	switch charter.ErrorCode(err) {
	case "":
		return http.StatusOK
	case charter.EINVALID:
		return http.StatusBadRequest
	case charter.ENOTFOUND:
		return http.StatusNotFound
	case charter.EFORBIDDEN:
		return http.StatusForbidden
	case charter.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case charter.EFIELDS:
		return http.StatusUnprocessableEntity
	case charter.ECONFLICT:
		return http.StatusConflict
	case charter.ETOOLARGE:
		// data.police.uk answers 503 when a custom area holds more than
		// 10,000 records, and its clients expect that status.
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Problem is the JSON body of an error answer (RFC 9457 problem details).
type Problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	// RequestID is the answer's X-Request-Id: the key to the server's log
	// line, which keeps the cause of an internal error.
	RequestID string `json:"request_id,omitempty"`
	// Errors names every bad field of a submitted body (422 answers).
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is one bad field of a submitted body: its JSON name and why.
type FieldProblem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// RequestIDHeader names the id the server gives every request; it is sent
// with every answer and written in the request's log line.
const RequestIDHeader = "X-Request-Id"

// RequestID is the id of the request w answers ("" outside the server).
func RequestID(w http.ResponseWriter) string { return w.Header().Get(RequestIDHeader) }

// ErrorNoter is implemented by the server's response writer: the error an
// answer was made from is handed to it, and the request's log line keeps
// the cause of an internal one beside the request id.
type ErrorNoter interface{ NoteError(error) }

// NoteError hands err to the request log of the server answering w, found
// through response writers that wrap others (Unwrap, as
// http.ResponseController finds them), so that an internal cause is
// logged once, with the request id, and never shown. Without a server (a
// handler tested alone) an internal cause goes to slog's default logger.
// Every surface calls it where it maps an error to a status.
func NoteError(w http.ResponseWriter, err error) {
	if err == nil {
		return
	}
	for rw := w; rw != nil; {
		if n, ok := rw.(ErrorNoter); ok {
			n.NoteError(err)
			return
		}
		u, ok := rw.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		rw = u.Unwrap()
	}
	if charter.ErrorCode(err) == charter.EINTERNAL {
		slog.Error("internal error", "request_id", RequestID(w), "err", err)
	}
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError writes err as a problem document: only the safe message is
// shown, with the request id; an internal cause goes to the log (NoteError).
func WriteError(w http.ResponseWriter, err error) {
	NoteError(w, err)
	status := StatusOf(err)
	w.Header().Set("Cache-Control", "no-store")
	p := Problem{Title: http.StatusText(status), Status: status, Detail: charter.ErrorMessage(err), Code: charter.ErrorCode(err), RequestID: RequestID(w)}
	var fe charter.FieldErrors
	if errors.As(err, &fe) {
		for _, f := range fe {
			p.Errors = append(p.Errors, FieldProblem{Field: f.Field, Reason: f.Reason})
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="charter"`)
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// AcceptsGzip says whether the client takes gzip (named in Accept-Encoding
// and not refused with q=0). Cached answers and static files are sent
// gzipped to such clients.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
