package charter

import (
	"strings"
	"time"
)

// Training (PRODUCT.md S4): the courses officers take (procedural-justice
// training for the precision pilot, for example) and who completed which
// when, so that their searches before and after can be compared.

// Course is a training course.
type Course struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Created     time.Time `json:"created"`
}

// CheckCourse refuses a course without a name or with one over 100
// characters; problems name their field.
func CheckCourse(c *Course) error {
	c.Name, c.Description = strings.Join(strings.Fields(c.Name), " "), strings.TrimSpace(c.Description)
	var fe FieldErrors
	if c.Name == "" || len(c.Name) > 100 {
		fe = append(fe, FieldError{Field: "course", Reason: "give the course a name of at most 100 characters"})
	}
	if len(c.Description) > 2000 {
		fe = append(fe, FieldError{Field: "description", Reason: "the description is at most 2,000 characters"})
	}
	return Invalid(fe)
}

// Completion is an officer's completion of a course on a day.
type Completion struct {
	ID        int64     `json:"id"`
	OfficerID int64     `json:"-"`
	Officer   string    `json:"officer"` // sign-in name; staff only, never public
	CourseID  int64     `json:"course_id"`
	Course    string    `json:"course"`
	Date      time.Time `json:"date"` // the day, midnight UTC
	Created   time.Time `json:"created"`
}

// ParseDay reads a day written YYYY-MM-DD as midnight UTC.
func ParseDay(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, strings.TrimSpace(s))
}
