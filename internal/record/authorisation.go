package record

import (
	"context"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Authorisation is an s60, s60AA or s47A authorisation (see charter.Authorisation).
type Authorisation = charter.Authorisation

// Extension lengthens an authorisation.
type Extension = charter.AuthorisationExtension

// Authorise registers an authorisation by u, checked against the rule set:
// u's rank, the longest period, the grounds, and wards of u's force.
func (s *Service) Authorise(ctx context.Context, u *charter.User, a Authorisation) (Authorisation, error) {
	if !u.Can(charter.PermAuthorisationCreate) {
		return Authorisation{}, forbidden("only supervisors register authorisations")
	}
	a.ID, a.Extensions, a.Searches = 0, nil, 0
	a.Force, a.AuthorisedBy, a.Rank, a.RankName, a.RuleSet = u.Force, u.ID, u.Rank, u.Rank.String(), s.opts.RuleSet
	a.Start, a.End = a.Start.UTC().Truncate(time.Second), a.End.UTC().Truncate(time.Second)
	fe := charter.CheckAuthorisation(a, u.Rank, s.opts.RuleSet, s.opts.Now())
	for _, w := range a.Wards {
		f, err := s.place.wardForce(ctx, w)
		if err != nil {
			return Authorisation{}, err
		}
		if f != u.Force {
			fe = append(fe, charter.FieldError{Field: "wards", Value: w, Reason: "not a ward of the " + charter.ForceName(u.Force) + " area: " + w})
		}
	}
	if err := charter.Invalid(fe); err != nil {
		return Authorisation{}, err
	}
	return s.st.InsertAuthorisation(ctx, store.ActorOf(u), a)
}

// Extend lengthens authorisation id, checked against the rule set it was
// given under.
func (s *Service) Extend(ctx context.Context, u *charter.User, id int64, e Extension) (Authorisation, error) {
	if !u.Can(charter.PermAuthorisationCreate) {
		return Authorisation{}, forbidden("only supervisors extend authorisations")
	}
	e.By, e.Rank, e.RankName, e.Until = u.ID, u.Rank, u.Rank.String(), e.Until.UTC().Truncate(time.Second)
	return s.st.ExtendAuthorisation(ctx, store.ActorOf(u), id, e, func(a *charter.Authorisation) error {
		if a.Force != u.Force {
			return charter.Errorf(charter.ENOTFOUND, "no authorisation %d in your force", id)
		}
		return charter.Invalid(charter.CheckExtension(a, u.Rank, e.Until, s.opts.Now()))
	})
}

// Authorisations lists a force's authorisations ("" for every force),
// newest first, with the number of searches recorded under each (public).
func (s *Service) Authorisations(ctx context.Context, force string) ([]Authorisation, error) {
	return s.st.Authorisations(ctx, force, time.Time{})
}

// Authorisation returns one authorisation (public).
func (s *Service) Authorisation(ctx context.Context, id int64) (Authorisation, error) {
	return s.st.Authorisation(ctx, id)
}

// InForce lists the authorisations of u's force in force at time t, for the
// officer's form.
func (s *Service) InForce(ctx context.Context, u *charter.User, t time.Time) ([]Authorisation, error) {
	if u == nil || u.Force == "" {
		return nil, nil
	}
	return s.st.Authorisations(ctx, u.Force, t)
}
