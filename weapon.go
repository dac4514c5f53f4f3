package charter

import (
	"sort"
	"strings"
)

// CrimeMatch selects recorded-crime categories: a major category, and
// optionally one minor category under it (empty Minor: every minor). Both are
// compared as CategoryKey, so the MPS's two category schemes ("Robbery" and
// "ROBBERY") match alike.
type CrimeMatch struct {
	Major, Minor string
}

// String writes the match as ParseCrimeMatches reads it.
func (m CrimeMatch) String() string {
	if m.Minor == "" {
		return m.Major
	}
	return m.Major + "/" + m.Minor
}

// WeaponCrime says which crimes count as weapon-enabled, the crime that
// Precision Stop and Search targets. It is configurable because forces and
// evaluators draw the line differently, and every report prints the
// definition it used.
type WeaponCrime struct {
	// Counts selects categories of area-level monthly counts (the MPS ward
	// and borough files).
	Counts []CrimeMatch
	// Street selects data.police.uk street-level crime categories, which are
	// coarser: there is no "violence with injury", only "Violence and sexual
	// offences".
	Street []string
}

// DefaultWeaponCrime is the pilot's definition: possession of weapons,
// robbery, and violence with injury. For street-level data the nearest
// categories are possession of weapons, robbery, and violence and sexual
// offences, which is broader (it includes violence without injury and sexual
// offences); reports say so.
var DefaultWeaponCrime = WeaponCrime{
	Counts: []CrimeMatch{
		{Major: "POSSESSION OF WEAPONS"},
		{Major: "ROBBERY"},
		{Major: "VIOLENCE AGAINST THE PERSON", Minor: "VIOLENCE WITH INJURY"},
	},
	Street: []string{"Possession of weapons", "Robbery", "Violence and sexual offences"},
}

// DefaultWeaponObjects are the objects of search that make a search a weapon
// search: what the pilot asks officers to search for.
var DefaultWeaponObjects = []string{"Offensive weapons", "Firearms", "Anything to threaten or harm anyone", "Crossbows"}

// ParseCrimeMatches reads a comma-separated list of MAJOR or MAJOR/MINOR
// categories, as a --weapon-crime flag gives them.
func ParseCrimeMatches(s string) ([]CrimeMatch, error) {
	var out []CrimeMatch
	for _, part := range strings.Split(s, ",") {
		major, minor, _ := strings.Cut(part, "/")
		m := CrimeMatch{Major: CategoryKey(major), Minor: CategoryKey(minor)}
		if m.Major == "" {
			return nil, Errorf(EINVALID, "crime category list %q: an empty major category", s)
		}
		out = append(out, m)
	}
	return out, nil
}

// MatchCount reports whether a count's category is weapon-enabled crime.
func (w WeaponCrime) MatchCount(major, minor string) bool {
	mk, nk := CategoryKey(major), CategoryKey(minor)
	for _, m := range w.Counts {
		if CategoryKey(m.Major) == mk && (m.Minor == "" || CategoryKey(m.Minor) == nk) {
			return true
		}
	}
	return false
}

// MatchStreet reports whether a street-level crime category is
// weapon-enabled crime.
func (w WeaponCrime) MatchStreet(category string) bool {
	k := CategoryKey(category)
	for _, c := range w.Street {
		if CategoryKey(c) == k {
			return true
		}
	}
	return false
}

// Describe is the definition in words, for reports.
func (w WeaponCrime) Describe() (counts, street string) {
	cs := make([]string, len(w.Counts))
	for i, m := range w.Counts {
		cs[i] = strings.ToLower(m.String())
	}
	ss := append([]string(nil), w.Street...)
	sort.Strings(ss)
	return strings.Join(cs, ", "), strings.ToLower(strings.Join(ss, ", "))
}
