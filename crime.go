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

// CrimeCategory is a data.police.uk street-level crime category: the slug its
// API takes in crimes-street/{category} and the name, which is also the
// "Crime type" spelling of the street-level CSV.
type CrimeCategory struct {
	URL  string
	Name string
}

// AllCrime is the API's category that selects every street-level crime.
const AllCrime = "all-crime"

// CrimeCategories are data.police.uk's current categories, in the API's
// order, "all-crime" first.
var CrimeCategories = []CrimeCategory{
	{AllCrime, "All crime"},
	{"anti-social-behaviour", "Anti-social behaviour"},
	{"bicycle-theft", "Bicycle theft"},
	{"burglary", "Burglary"},
	{"criminal-damage-arson", "Criminal damage and arson"},
	{"drugs", "Drugs"},
	{"other-theft", "Other theft"},
	{"possession-of-weapons", "Possession of weapons"},
	{"public-order", "Public order"},
	{"robbery", "Robbery"},
	{"shoplifting", "Shoplifting"},
	{"theft-from-the-person", "Theft from the person"},
	{"vehicle-crime", "Vehicle crime"},
	{"violent-crime", "Violence and sexual offences"},
	{"other-crime", "Other crime"},
}

// CrimeCategoryByURL finds a category by its API slug.
func CrimeCategoryByURL(url string) (CrimeCategory, bool) {
	for _, c := range CrimeCategories {
		if c.URL == url {
			return c, true
		}
	}
	return CrimeCategory{}, false
}

// CrimeCategoryURL is the API slug of a street-level CSV "Crime type", or a
// slug made from the name if data.police.uk adds a category we do not know.
func CrimeCategoryURL(name string) string {
	for _, c := range CrimeCategories {
		if strings.EqualFold(c.Name, name) {
			return c.URL
		}
	}
	return strings.ToLower(strings.Join(strings.Fields(name), "-"))
}

// StreetCrimeFilter selects stored street-level crimes.
type StreetCrimeFilter struct {
	Month    Month
	Category string // the CSV "Crime type"; empty: every category
	Box      *Box   // only crimes located inside; nil: located or not
}
