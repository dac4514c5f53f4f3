// Package httpx holds what every HTTP surface of Charter shares: the one
// mapping of domain error codes to HTTP statuses, and JSON answers.
package httpx

import (
	"encoding/json"
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

// WriteError writes err as a problem document; only the safe message is shown.
func WriteError(w http.ResponseWriter, err error) {
	status := StatusOf(err)
	w.Header().Set("Cache-Control", "no-store")
	b, _ := json.Marshal(Problem{Title: http.StatusText(status), Status: status, Detail: charter.ErrorMessage(err), Code: charter.ErrorCode(err)})
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
