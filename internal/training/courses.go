package training

import (
	"context"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// need refuses a caller without PermTrainingManage; the public is asked to
// sign in.
func need(u *charter.User) error {
	if u == nil {
		return charter.Errorf(charter.EUNAUTHORIZED, "please sign in first")
	}
	if !u.Can(charter.PermTrainingManage) {
		return charter.Errorf(charter.EFORBIDDEN, "your account may not record training")
	}
	return nil
}

// CreateCourse adds a course (PermTrainingManage).
func (s *Service) CreateCourse(ctx context.Context, u *charter.User, c charter.Course) (*charter.Course, error) {
	if err := need(u); err != nil {
		return nil, err
	}
	if err := s.st.CreateCourse(ctx, store.ActorOf(u), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Courses lists the courses (PermTrainingManage).
func (s *Service) Courses(ctx context.Context, u *charter.User) ([]charter.Course, error) {
	if err := need(u); err != nil {
		return nil, err
	}
	return s.st.Courses(ctx)
}

// Record stores one completion from the form: the officer's sign-in name,
// an existing course and the day (PermTrainingManage). Problems name the
// form's fields.
func (s *Service) Record(ctx context.Context, u *charter.User, officer, course string, day string) error {
	if err := need(u); err != nil {
		return err
	}
	_, err := s.st.AddCompletions(ctx, store.ActorOf(u), []store.CompletionRow{{Officer: officer, Course: course, Date: day}}, false)
	if re, ok := rowErrors(err); ok {
		fe := make(charter.FieldErrors, len(re))
		for i, e := range re {
			fe[i] = charter.FieldError{Field: e.Field, Reason: e.Reason}
		}
		return charter.Invalid(fe)
	}
	return err
}

// Import stores the completions of a file in one transaction, all or
// nothing, by by (the command line); newCourses creates the courses it
// does not know. Errors are store.RowErrors inside EFIELDS.
func (s *Service) Import(ctx context.Context, by store.Actor, rows []store.CompletionRow, newCourses bool) (int, error) {
	return s.st.AddCompletions(ctx, by, rows, newCourses)
}

// Completions lists the latest completions of every course, with the
// officers' sign-in names (PermTrainingManage).
func (s *Service) Completions(ctx context.Context, u *charter.User, limit int) ([]charter.Completion, error) {
	if err := need(u); err != nil {
		return nil, err
	}
	return s.st.Completions(ctx, 0, limit)
}

// Today is the service's day, for forms' defaults.
func (s *Service) Today() time.Time { return s.opts.Now().In(charter.London) }
