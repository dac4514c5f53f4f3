package complaint

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// PublicTrigger is a community trigger as anyone may see it: where, when,
// how many complaints, whether the panel required an explanation, and the
// force's published explanation. No complaint, no person, no officer.
type PublicTrigger struct {
	ID      int64     `json:"id"`
	Ward    string    `json:"ward"`    // GSS code
	Borough string    `json:"borough"` // GSS code
	Fired   time.Time `json:"fired"`
	// WindowStart is the start of the window the complaints were lodged
	// in; it ends when the trigger fired.
	WindowStart time.Time `json:"window_start"`
	Complaints  int       `json:"complaints"`
	// PanelNotified is true when a scrutiny panel covers the ward and was
	// told.
	PanelNotified bool `json:"panel_notified"`
	// ExplanationRequired is when the panel required the force to explain
	// (null: not yet).
	ExplanationRequired *time.Time `json:"explanation_required"`
	// Explanation is the force's answer, published with the trigger ("":
	// not yet); Explained is when it was given.
	Explanation string     `json:"explanation"`
	Explained   *time.Time `json:"explained"`
}

// PublicView is a trigger as the public sees it.
func PublicView(tr store.Trigger) PublicTrigger {
	p := PublicTrigger{ID: tr.ID, Ward: tr.Ward, Borough: tr.Borough, Fired: tr.Fired, WindowStart: tr.WindowStart,
		Complaints: tr.Count, PanelNotified: tr.PanelID != 0}
	if !tr.RequiredAt.IsZero() {
		t := tr.RequiredAt
		p.ExplanationRequired = &t
	}
	if tr.Published {
		t := tr.ExplainedAt
		p.Explanation, p.Explained = tr.Explanation, &t
	}
	return p
}

func publicTriggers(ts []store.Trigger) []PublicTrigger {
	out := make([]PublicTrigger, 0, len(ts))
	for _, tr := range ts {
		out = append(out, PublicView(tr))
	}
	return out
}

// Triggers lists the community triggers of an area (a ward or borough
// code; "" every area), newest first, as the public sees them.
func (s *Service) Triggers(ctx context.Context, area string) ([]PublicTrigger, error) {
	ts, err := s.st.Triggers(ctx, store.TriggerFilter{Area: area})
	return publicTriggers(ts), err
}

// PanelTriggers are the triggers the user's panel was notified of: a panel
// member sees what the public sees, and may require an explanation. A
// member not yet on a panel has none.
func (s *Service) PanelTriggers(ctx context.Context, u *charter.User) ([]PublicTrigger, error) {
	if !u.Can(charter.PermPanelReview) {
		return nil, forbidden("community triggers are shown to the members of a scrutiny panel")
	}
	if u.PanelID == 0 {
		return []PublicTrigger{}, nil
	}
	ts, err := s.st.Triggers(ctx, store.TriggerFilter{PanelID: u.PanelID})
	return publicTriggers(ts), err
}

// RequireExplanation is the panel's demand that the force explain its use
// of the powers in the trigger's ward; once.
func (s *Service) RequireExplanation(ctx context.Context, u *charter.User, id int64) error {
	if !u.Can(charter.PermPanelReview) || u.PanelID == 0 {
		return forbidden("an explanation is required by the scrutiny panel of the area")
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	_, err := s.st.UpdateTrigger(ctx, store.ActorOf(u), id, now, "require", func(tr *store.Trigger) error {
		switch {
		case tr.PanelID != u.PanelID:
			return charter.Errorf(charter.ENOTFOUND, "no such community trigger")
		case !tr.RequiredAt.IsZero():
			return charter.Errorf(charter.ECONFLICT, "the panel has already required an explanation")
		}
		tr.RequiredAt, tr.RequiredBy = now, u.PanelID
		return nil
	})
	if err == nil {
		s.changes.Add(1)
	}
	return err
}

// ForceTriggers are the triggers of the user's force, for those who answer
// them.
func (s *Service) ForceTriggers(ctx context.Context, u *charter.User) ([]store.Trigger, error) {
	if !u.Can(charter.PermTriggerExplain) {
		return nil, forbidden("community triggers are answered by the force's complaints team and supervisors")
	}
	return s.st.Triggers(ctx, store.TriggerFilter{Force: u.Force})
}

// ForceTrigger is one trigger of the user's force, with its complaints'
// references.
func (s *Service) ForceTrigger(ctx context.Context, u *charter.User, id int64) (store.Trigger, error) {
	if !u.Can(charter.PermTriggerExplain) {
		return store.Trigger{}, forbidden("community triggers are answered by the force's complaints team and supervisors")
	}
	tr, err := s.st.ReadTrigger(ctx, id)
	if err == nil && u.Force != "" && tr.Force != u.Force {
		return store.Trigger{}, charter.Errorf(charter.ENOTFOUND, "no such community trigger")
	}
	return tr, err
}

// Explain gives the force's explanation of a trigger, published with it.
// It may be given again to correct it; each version is audited.
func (s *Service) Explain(ctx context.Context, u *charter.User, id int64, text string) error {
	if !u.Can(charter.PermTriggerExplain) {
		return forbidden("community triggers are answered by the force's complaints team and supervisors")
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return charter.Invalid(charter.FieldErrors{{Field: "explanation", Reason: "write the explanation the public and the panel will read"}})
	case utf8.RuneCountInString(text) > MaxText:
		return charter.Invalid(charter.FieldErrors{{Field: "explanation", Reason: "the explanation is limited to 5,000 characters"}})
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	_, err := s.st.UpdateTrigger(ctx, store.ActorOf(u), id, now, "explain", func(tr *store.Trigger) error {
		if u.Force != "" && tr.Force != u.Force {
			return charter.Errorf(charter.ENOTFOUND, "no such community trigger")
		}
		tr.Explanation, tr.ExplainedAt, tr.ExplainedBy, tr.Published = text, now, u.ID, true
		return nil
	})
	if err == nil {
		s.changes.Add(1)
	}
	return err
}
