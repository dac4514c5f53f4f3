package complaint

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Lodging is a complaint as the complainant gives it.
type Lodging struct {
	// Ward and Borough are where the search was, for a complaint lodged
	// without a receipt: a ward code (its borough is found), or a borough
	// code alone when the ward is not known. From a receipt they come from
	// the record.
	Ward, Borough string
	// Anonymous complainants give no contact: they cannot be told the
	// outcome, but the complaint still counts.
	Anonymous bool
	// Contact is an email address, phone number or postal address to reply
	// to (optional). It is never published and never shown to the officer.
	Contact string
	Text    string
	// Via is how it was lodged: "receipt", "site" or "api".
	Via string
}

// Acknowledgement is what the complainant is given: the reference to quote
// and when they will hear how it will be handled.
type Acknowledgement struct {
	Reference string    `json:"reference"`
	Lodged    time.Time `json:"lodged"`
	// TriageBy is when the complaint will have been read and its handling
	// decided (the triage time limit).
	TriageBy time.Time `json:"triage_by"`
	// Reply says whether the complainant will be told the outcome (they
	// gave a contact).
	Reply bool `json:"reply"`
}

// The longest complaint and contact kept.
const (
	MaxText    = 5000
	MaxContact = 200
)

// LodgeFromReceipt lodges a complaint about the search of a receipt: it is
// linked to the record and its ward. An unknown or expired receipt is
// ENOTFOUND.
func (s *Service) LodgeFromReceipt(ctx context.Context, token string, in Lodging) (Acknowledgement, error) {
	rc, err := s.rec.Receipt(ctx, token)
	if err != nil {
		return Acknowledgement{}, err
	}
	in.Via = "receipt"
	c, err := s.check(in)
	if err != nil {
		return Acknowledgement{}, err
	}
	c.RecordID = rc.Record.ID
	return s.lodge(ctx, c)
}

// Lodge lodges a complaint without a receipt (the public site or the API):
// the complainant says where the search was, by ward or borough.
func (s *Service) Lodge(ctx context.Context, in Lodging) (Acknowledgement, error) {
	if in.Via == "" {
		in.Via = "site"
	}
	c, err := s.check(in)
	if err != nil {
		return Acknowledgement{}, err
	}
	var fe charter.FieldErrors
	ward, borough := strings.ToUpper(strings.TrimSpace(in.Ward)), strings.ToUpper(strings.TrimSpace(in.Borough))
	places, err := s.Places(ctx)
	if err != nil {
		return Acknowledgement{}, err
	}
	switch {
	case ward != "":
		if w, ok := places.ward(ward); ok {
			c.Ward, c.Borough = w.Code, w.ParentCode
		} else {
			fe = append(fe, charter.FieldError{Field: "ward", Reason: "choose the ward from the list"})
		}
	case borough != "":
		if places.isBorough(borough) {
			c.Borough = borough
		} else {
			fe = append(fe, charter.FieldError{Field: "borough", Reason: "choose the borough from the list"})
		}
	default:
		fe = append(fe, charter.FieldError{Field: "ward", Reason: "say where the search was: choose the ward, or the borough if you do not know the ward"})
	}
	if err := charter.Invalid(fe); err != nil {
		return Acknowledgement{}, err
	}
	c.Force = s.opts.Force
	return s.lodge(ctx, c)
}

// check validates what the complainant wrote.
func (s *Service) check(in Lodging) (store.Complaint, error) {
	var fe charter.FieldErrors
	text := strings.TrimSpace(in.Text)
	contact := strings.TrimSpace(in.Contact)
	switch {
	case text == "":
		fe = append(fe, charter.FieldError{Field: "text", Reason: "say what happened and what you are complaining about"})
	case utf8.RuneCountInString(text) > MaxText:
		fe = append(fe, charter.FieldError{Field: "text", Reason: "a complaint is limited to 5,000 characters"})
	}
	switch {
	case in.Anonymous && contact != "":
		fe = append(fe, charter.FieldError{Field: "contact", Reason: "an anonymous complaint has no contact: leave it empty, or untick anonymous to be told the outcome"})
	case utf8.RuneCountInString(contact) > MaxContact:
		fe = append(fe, charter.FieldError{Field: "contact", Reason: "the contact is limited to 200 characters"})
	}
	if err := charter.Invalid(fe); err != nil {
		return store.Complaint{}, err
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	l := s.opts.Limits
	return store.Complaint{Via: in.Via, Anonymous: in.Anonymous, Contact: contact, Text: text, Lodged: now,
		DueTriage: l.Triage.Deadline(now), DueAssign: l.Assign.Deadline(now), DueOutcome: l.Outcome.Deadline(now),
		DueStatutory: l.Statutory.Deadline(now)}, nil
}

// lodge stores the complaint; the trigger is checked in the same
// transaction.
func (s *Service) lodge(ctx context.Context, c store.Complaint) (Acknowledgement, error) {
	c, tr, err := s.st.InsertComplaint(ctx, store.PublicActor, c, s.opts.Trigger)
	if err != nil {
		return Acknowledgement{}, err
	}
	if tr != nil {
		s.changes.Add(1)
		s.opts.Log.InfoContext(ctx, "community trigger fired", "ward", tr.Ward, "complaints", tr.Count, "panel", tr.PanelID)
	}
	return Acknowledgement{Reference: c.Reference, Lodged: c.Lodged, TriageBy: c.DueTriage, Reply: c.Contact != ""}, nil
}

// Places are the boroughs and current wards a complaint may name.
type Places struct {
	Boroughs []charter.Area
	Wards    []charter.Area // current wards, ParentCode their borough
}

func (p Places) ward(code string) (charter.Area, bool) {
	for _, w := range p.Wards {
		if w.Code == code {
			return w, true
		}
	}
	return charter.Area{}, false
}

func (p Places) isBorough(code string) bool {
	for _, b := range p.Boroughs {
		if b.Code == code {
			return true
		}
	}
	return false
}

// Places lists the boroughs and current wards, for the form.
func (s *Service) Places(ctx context.Context) (Places, error) {
	all, err := s.st.CurrentAreas(ctx, false)
	if err != nil {
		return Places{}, err
	}
	var p Places
	for _, a := range all {
		switch a.Level {
		case charter.LevelBorough:
			p.Boroughs = append(p.Boroughs, a)
		case charter.LevelWard:
			p.Wards = append(p.Wards, a)
		}
	}
	return p, nil
}
