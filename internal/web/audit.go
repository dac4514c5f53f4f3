package web

import (
	"net/http"

	"github.com/stopsearch/charter/internal/store"
)

// auditPage is the public page of the audit trail's daily heads.
type auditPage struct {
	Heads []store.AuditHead
}

// auditHeads shows the head of the audit chain published each day: anyone
// who keeps a copy of this page can later show that the trail was
// rewritten, even by someone able to rewrite every row of it.
func (s *Site) auditHeads(w http.ResponseWriter, r *http.Request) {
	heads, err := s.enc.Heads(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "audit", &page{Title: "The audit trail", Data: auditPage{Heads: heads}})
}
