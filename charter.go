// Package charter holds the domain of Charter: stop-and-search records, crimes,
// areas, census populations, imports and the data-quality rules that sit over
// them. It uses the standard library only; each technology (SQL stores, the
// importer, the web) lives under internal/ and implements what is declared here.
package charter

import (
	"fmt"
	"strconv"
	"time"
)

// Version is the release of this build; cmd/charter may override it with -ldflags.
var Version = "0.1.0-dev"

// Month is a calendar month, stored as year*12 + (month-1) so that months can
// be compared and subtracted as integers (neighbouring-month checks need this).
type Month int32

// MonthOf returns the month of t in t's own location.
func MonthOf(t time.Time) Month { return NewMonth(t.Year(), t.Month()) }

// NewMonth returns the Month for a year and month.
func NewMonth(year int, m time.Month) Month { return Month(year*12 + int(m) - 1) }

// Year is the calendar year of m.
func (m Month) Year() int { return int(m) / 12 }

// Mon is the month of the year of m.
func (m Month) Mon() time.Month { return time.Month(int(m)%12 + 1) }

// Add returns the month n months after m (before, if n is negative).
func (m Month) Add(n int) Month { return m + Month(n) }

// String formats m as YYYY-MM, the spelling data.police.uk uses.
func (m Month) String() string {
	y, mo := m.Year(), int(m.Mon())
	if y < 0 || y > 9999 {
		return fmt.Sprintf("%04d-%02d", y, mo)
	}
	b := [7]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + mo/10), byte('0' + mo%10)}
	return string(b[:])
}

// YYYYMM returns m as the integer yyyymm, the form stored in the database so
// that SQL readers see a recognisable value.
func (m Month) YYYYMM() int { return m.Year()*100 + int(m.Mon()) }

// MonthFromYYYYMM is the inverse of YYYYMM.
func MonthFromYYYYMM(v int) Month { return NewMonth(v/100, time.Month(v%100)) }

// ParseMonth reads YYYY-MM (or YYYYMM, the MPS crime-count column spelling).
func ParseMonth(s string) (Month, error) {
	var y, mo int
	switch {
	case len(s) == 7 && s[4] == '-' && allDigits(s[:4]) && allDigits(s[5:]):
		y, _ = strconv.Atoi(s[:4])
		mo, _ = strconv.Atoi(s[5:])
	case len(s) == 6 && allDigits(s):
		v, _ := strconv.Atoi(s)
		y, mo = v/100, v%100
	default:
		return 0, Errorf(EINVALID, "month %q is not YYYY-MM", s)
	}
	if y < 1900 || y > 2200 || mo < 1 || mo > 12 {
		return 0, Errorf(EINVALID, "month %q is not YYYY-MM", s)
	}
	return NewMonth(y, time.Month(mo)), nil
}

// London is the time zone that months of police data are counted in: a search
// at 23:30 UTC on 31 May in summer happened on 1 June in London.
var London = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cmd/charter imports time/tzdata, so this cannot happen in the binary
	}
	return loc
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
