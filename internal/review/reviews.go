package review

import (
	"context"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// teamCheck refuses a record outside supervisor u's team.
func teamCheck(u *charter.User, rr *store.ReviewRecord) error {
	switch {
	case rr.OfficerID == u.ID:
		return forbidden("you cannot review your own records: another supervisor of your team reviews them")
	case !inTeam(u, rr):
		return forbidden("this record is not one of your team's: only the supervisor of the officer's team reviews it")
	}
	return nil
}

// ForReview is record id as its reviewer sees it: the record, why it needs
// review (sampled, risks), and its review when done. Only a supervisor of
// the officer's team may open it; the read is audited, and so is a refusal.
func (s *Service) ForReview(ctx context.Context, u *charter.User, id int64) (Entry, error) {
	if !u.Can(charter.PermReview) || u.Force == "" {
		return Entry{}, forbidden("reviews are for supervisors of a force")
	}
	rr, err := s.st.ReadReviewRecord(ctx, store.ActorOf(u), id, func(rr *store.ReviewRecord) error { return teamCheck(u, rr) })
	if err != nil {
		return Entry{}, err
	}
	// The risks that need other records are judged against the same span
	// the queue reads: the window before the search and a little after.
	all, err := s.st.ForceRecords(ctx, rr.Force, rr.Datetime.Add(-s.opts.QueueWindow-charter.ReviewRepeatWindow), rr.Datetime.Add(charter.ReviewRepeatWindow+1))
	if err != nil {
		return Entry{}, err
	}
	at := -1
	for i := range all {
		if all[i].ID == id {
			at = i
		}
	}
	if at < 0 { // corrected to a time outside the span: judge it alone
		all, at = append(all, rr), len(all)
	}
	es, err := s.assess(ctx, all, []int{at})
	if err != nil {
		return Entry{}, err
	}
	return es[0], nil
}

// Review stores supervisor u's review of record id with rubric r. Only a
// supervisor of the officer's team, in the officer's force, may review it,
// and a record is reviewed once; whose record it is is decided before the
// rubric is checked. The review and a refusal are audited.
func (s *Service) Review(ctx context.Context, u *charter.User, id int64, r charter.Rubric) (charter.Review, error) {
	if !u.Can(charter.PermReview) || u.Force == "" {
		return charter.Review{}, forbidden("reviews are for supervisors of a force")
	}
	return s.st.InsertReview(ctx, store.ActorOf(u), id, r, func(rr *store.ReviewRecord) error {
		if err := teamCheck(u, rr); err != nil {
			return err
		}
		return charter.CheckRubric(r)
	})
}

// ReviewsOf lists the reviews of record id (none, or one) for u: the
// record's own officer, or a supervisor of its force. When the officer
// reads them, they are marked seen. Reads and refusals are audited.
func (s *Service) ReviewsOf(ctx context.Context, u *charter.User, id int64) ([]charter.Review, error) {
	if !u.Can(charter.PermRecordReadOwn) && !u.Can(charter.PermReview) {
		return nil, forbidden("you may not see reviews")
	}
	rr, err := s.st.ReadReviewRecord(ctx, store.ActorOf(u), id, func(rr *store.ReviewRecord) error {
		switch {
		case u.Can(charter.PermRecordReadOwn) && rr.OfficerID == u.ID:
			return nil
		case u.Can(charter.PermReview) && rr.Force == u.Force:
			return nil
		}
		return forbidden("the reviews of this record are not yours to see")
	})
	if err != nil {
		return nil, err
	}
	if rr.Review == nil {
		return []charter.Review{}, nil
	}
	if rr.OfficerID == u.ID && rr.Review.Seen.IsZero() {
		if _, err := s.st.MarkReviewsSeen(ctx, store.ActorOf(u), u.ID, id); err != nil {
			return nil, err
		}
		rr.Review.Seen = s.opts.Now().UTC()
	}
	return []charter.Review{*rr.Review}, nil
}

// MaxFeedback is the most reviews an officer's list shows.
const MaxFeedback = 50

// Feedback lists the reviews of officer u's own records, newest first
// (those not yet seen have a zero Seen); the read is audited.
func (s *Service) Feedback(ctx context.Context, u *charter.User) ([]charter.Review, error) {
	if !u.Can(charter.PermRecordReadOwn) {
		return nil, forbidden("only officers have reviews of their own records")
	}
	return s.st.OfficerReviews(ctx, store.ActorOf(u), u.ID, MaxFeedback)
}

// MarkSeen records that officer u has read the reviews of all their
// records; audited.
func (s *Service) MarkSeen(ctx context.Context, u *charter.User) error {
	if !u.Can(charter.PermRecordReadOwn) {
		return forbidden("only officers have reviews of their own records")
	}
	_, err := s.st.MarkReviewsSeen(ctx, store.ActorOf(u), u.ID, 0)
	return err
}
