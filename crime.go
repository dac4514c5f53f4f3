package charter

import "strings"

// StreetCrime is one data.police.uk street-level crime record.
type StreetCrime struct {
	ID          int64
	CrimeID     string // the published hash; empty for anti-social behaviour
	Month       Month
	ReportedBy  string
	FallsWithin string
	Location    *Location // Location.StreetName holds "On or near …"
	LSOACode    string
	LSOAName    string
	Category    string // "Possession of weapons", "Robbery", …
	LastOutcome string
	Context     string
	Areas       AreaIDs
	ImportID    int64
	SourceRow   int
}

// CrimeCount is a count of recorded offences for one area, month and
// category, in the shape of the London Datastore's "MPS Ward Level Crime" and
// "MPS Borough Level Crime" files.
type CrimeCount struct {
	Level    Level
	AreaCode string // GSS code of the ward or borough
	AreaName string
	// Unit is the MPS unit the count is filed under (LookUp_BoroughName). It is
	// usually the borough, but Heathrow Villages also appears under
	// "Aviation Security (SO18)"; both rows are kept and summed.
	Unit  string
	Month Month
	Major string // major category as published (two schemes: title and upper case)
	Minor string
	Count int
}

// MajorKey is the major category in a form that is the same in both MPS
// category schemes ("Possession of Weapons" and "POSSESSION OF WEAPONS").
func (c *CrimeCount) MajorKey() string { return CategoryKey(c.Major) }

// CategoryKey normalises a category name for comparison across schemes.
func CategoryKey(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
