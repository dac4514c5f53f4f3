package charter

import "sync"

// Area is a piece of geography that records are counted in: a force area, a
// borough (local authority district), a ward, an MSOA or an LSOA, identified
// by its ONS GSS code (or the data.police.uk id for a force).
type Area struct {
	ID           int64
	Code         string
	Name         string
	Level        Level
	ParentCode   string // the code of the containing area, e.g. a ward's borough
	BoundaryYear int    // the vintage of the boundary (wards change in May 2022)
	// Boundary is the GeoJSON geometry (WGS84), empty for areas known only by code.
	Boundary []byte
}

// LevelOfCode guesses the level of an ONS GSS code from its entity prefix:
// E09/E06/E07/E08/W06 districts, E05/W05 wards, E02/W02 MSOAs, E01/W01 LSOAs.
func LevelOfCode(code string) (Level, bool) {
	if len(code) != 9 {
		return 0, false
	}
	switch code[:3] {
	case "E06", "E07", "E08", "E09", "W06":
		return LevelBorough, true
	case "E05", "W05":
		return LevelWard, true
	case "E02", "W02":
		return LevelMSOA, true
	case "E01", "W01":
		return LevelLSOA, true
	case "E23", "W15":
		return LevelForce, true
	}
	return 0, false
}

// LondonBoroughs are the 33 London local authorities (32 boroughs and the City)
// with their GSS codes, so that files naming boroughs only by name (the MPS
// crime counts) can be tied to areas before boundaries are loaded.
var LondonBoroughs = []struct{ Code, Name string }{
	{"E09000001", "City of London"}, {"E09000002", "Barking and Dagenham"},
	{"E09000003", "Barnet"}, {"E09000004", "Bexley"}, {"E09000005", "Brent"},
	{"E09000006", "Bromley"}, {"E09000007", "Camden"}, {"E09000008", "Croydon"},
	{"E09000009", "Ealing"}, {"E09000010", "Enfield"}, {"E09000011", "Greenwich"},
	{"E09000012", "Hackney"}, {"E09000013", "Hammersmith and Fulham"},
	{"E09000014", "Haringey"}, {"E09000015", "Harrow"}, {"E09000016", "Havering"},
	{"E09000017", "Hillingdon"}, {"E09000018", "Hounslow"}, {"E09000019", "Islington"},
	{"E09000020", "Kensington and Chelsea"}, {"E09000021", "Kingston upon Thames"},
	{"E09000022", "Lambeth"}, {"E09000023", "Lewisham"}, {"E09000024", "Merton"},
	{"E09000025", "Newham"}, {"E09000026", "Redbridge"}, {"E09000027", "Richmond upon Thames"},
	{"E09000028", "Southwark"}, {"E09000029", "Sutton"}, {"E09000030", "Tower Hamlets"},
	{"E09000031", "Waltham Forest"}, {"E09000032", "Wandsworth"}, {"E09000033", "Westminster"},
}

// LondonBoroughCode returns the GSS code of a London borough named as the
// London Datastore names it ("Kingston upon Thames", "Barking & Dagenham").
func LondonBoroughCode(name string) (string, bool) {
	code, ok := londonBoroughsByName()[normaliseName(name)]
	return code, ok
}

// londonBoroughsByName maps each borough's normalised name to its code,
// made once: crime-count files name the borough on each of their hundreds
// of thousands of lines.
var londonBoroughsByName = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(LondonBoroughs))
	for _, b := range LondonBoroughs {
		m[normaliseName(b.Name)] = b.Code
	}
	return m
})

// Current keeps the areas of the boundary vintage in use at each level: the
// newest vintage with boundaries at that level (the May 2022 wards once they
// are loaded). Areas of an older vintage (the 2018 wards) stay stored for
// their own data but are never listed beside the newer ones, and no search
// is placed in them. Areas of unknown vintage (known by code only) are kept.
func Current(areas []Area) []Area {
	newest := map[Level]int{}
	for _, a := range areas {
		newest[a.Level] = max(newest[a.Level], a.BoundaryYear)
	}
	out := make([]Area, 0, len(areas))
	for _, a := range areas {
		if a.BoundaryYear == 0 || a.BoundaryYear == newest[a.Level] {
			out = append(out, a)
		}
	}
	return out
}
