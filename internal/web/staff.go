package web

import (
	"net/http"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
)

// workLink is one place a signed-in user works, in words.
type workLink struct {
	Path, Name, What string
}

// staffWork lists, in the order of a working day, every workflow page and
// the permission it needs: the staff home shows a user those they may use,
// so each role finds its path without knowing addresses.
var staffWork = []struct {
	perm charter.Permission
	on   func(s *Site) bool
	link workLink
}{
	{charter.PermRecordReadOwn, nil, workLink{"/officer", "Your records", "record a search, hand over its receipt, read your reviews and released complaints"}},
	{charter.PermReview, func(s *Site) bool { return s.enc.Reviews != nil }, workLink{"/supervision", "Review queue", "your team's sampled searches and every search that carries a risk, with the review rubric"}},
	{charter.PermOutliers, func(s *Site) bool { return s.enc.Reviews != nil }, workLink{"/supervision/team", "Team figures", "searches, arrest and find rates, feedback and review scores by officer, against the force's funnel limits"}},
	{charter.PermAuthorisationCreate, nil, workLink{"/officer/authorisations", "Authorisations", "register or extend a section 60 or 47A authorisation"}},
	{charter.PermDeploymentPlan, func(s *Site) bool { return s.enc.Deployments != nil }, workLink{"/officer/deployments", "Deployments", "publish planned focused searching to the wards, answer residents' questions"}},
	{charter.PermComplaintsManage, func(s *Site) bool { return s.enc.Complaints != nil }, workLink{"/complaints/queue", "Complaints", "triage, assign, investigate, decide with learning, release to the officer, close; overdue alerts"}},
	{charter.PermTriggerExplain, func(s *Site) bool { return s.enc.Complaints != nil }, workLink{"/complaints/triggers", "Community triggers", "wards where complaints reached the threshold, and the force's explanation"}},
	{charter.PermPanelReview, func(s *Site) bool { return s.enc.Panels != nil }, workLink{"/panel", "Your scrutiny panel", "rate the anonymised sample before each meeting, write the findings"}},
	{charter.PermPanelReview, func(s *Site) bool { return s.enc.Complaints != nil }, workLink{"/panel/triggers", "Triggers in your panel's areas", "require the force to explain its use of the powers"}},
	{charter.PermPanelRespond, func(s *Site) bool { return s.enc.Panels != nil }, workLink{"/panels", "Scrutiny panels", "panels, their meetings and the force's response to their findings"}},
	{charter.PermTrainingManage, func(s *Site) bool { return s.enc.Training != nil }, workLink{"/training", "Training", "record who completed which course, and compare their searches before and after"}},
	{charter.PermFiguresInternal, nil, workLink{"/officer/figures", "Internal figures", "the force's first-hand records month by month, before publication"}},
}

// staffHome is where a signed-in user starts: the workflows their role
// may use (sign-in without a page to return to lands here).
func (s *Site) staffHome(w http.ResponseWriter, r *http.Request) {
	u := auth.UserFrom(r.Context())
	if u == nil {
		http.Redirect(w, r, "/signin?next=/staff", http.StatusSeeOther)
		return
	}
	var links []workLink
	seen := map[string]bool{}
	for _, wk := range staffWork {
		if u.Can(wk.perm) && (wk.on == nil || wk.on(s)) && !seen[wk.link.Path] {
			seen[wk.link.Path] = true
			links = append(links, wk.link)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, "staff", &page{Title: "Your work", Data: struct {
		User  *charter.User
		Links []workLink
	}{u, links}})
}
