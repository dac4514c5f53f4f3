package charter

import "strings"

// Population is the census usual-resident count of one area in one ethnic
// category: the denominator of every rate per 1,000.
type Population struct {
	Level    Level
	AreaCode string
	AreaName string
	// Category is the detailed census category code (the self-defined codes,
	// "W1" … "O9", with "W4" for Roma), or the group name when the source
	// gives only the five groups.
	Category string
	Group    EthnicGroup
	Count    int
	Census   int // the census year, 2021
}

// CensusCategory resolves the spelling of an ethnic-group category in census
// tables, in the TS021 form ("White: Irish", "Asian, Asian British or Asian
// Welsh: Indian") or the London Datastore ward-table form ("White Irish",
// "Asian Indian"), to the self-defined code and group. ok is false for labels
// that are not categories ("Does not apply", totals, percentages).
func CensusCategory(label string) (code string, group EthnicGroup, ok bool) {
	k := normaliseName(label)
	var g EthnicGroup
	switch {
	case strings.HasPrefix(k, "asian"):
		g = GroupAsian
	case strings.HasPrefix(k, "black"):
		g = GroupBlack
	case strings.HasPrefix(k, "mixed"):
		g = GroupMixed
	case strings.HasPrefix(k, "white"):
		g = GroupWhite
	case strings.HasPrefix(k, "other"):
		g = GroupOther
	default:
		return "", 0, false
	}
	if strings.Contains(k, "percentage") || strings.Contains(k, "total") {
		return "", 0, false
	}
	// The sub-category is what follows the group's own words.
	sub := k
	if i := strings.LastIndex(label, ":"); i >= 0 {
		sub = normaliseName(label[i+1:])
	} else if f := strings.SplitN(k, " ", 2); len(f) == 2 {
		sub = f[1]
	} else {
		return "", 0, false
	}
	for _, c := range censusCodes[g] {
		for _, w := range c.words {
			if sub == w {
				return c.code, g, true
			}
		}
	}
	return "", 0, false
}

var censusCodes = map[EthnicGroup][]struct {
	code  string
	words []string
}{
	GroupAsian: {{"A1", []string{"indian"}}, {"A2", []string{"pakistani"}}, {"A3", []string{"bangladeshi"}},
		{"A4", []string{"chinese"}}, {"A9", []string{"other", "other asian", "any other asian background"}}},
	GroupBlack: {{"B1", []string{"caribbean"}}, {"B2", []string{"african"}},
		{"B9", []string{"other", "other black", "any other black african caribbean background"}}},
	GroupMixed: {{"M1", []string{"white and black caribbean"}}, {"M2", []string{"white and black african"}},
		{"M3", []string{"white and asian"}}, {"M9", []string{"other", "other mixed or multiple ethnic groups", "any other mixed multiple ethnic background"}}},
	GroupWhite: {{"W1", []string{"british", "english welsh scottish northern irish or british", "english welsh scottish northern irish british"}},
		{"W2", []string{"irish"}}, {"W3", []string{"gypsy irish traveller", "gypsy or irish traveller"}}, {"W4", []string{"roma"}},
		{"W9", []string{"other", "other white", "any other white background"}}},
	GroupOther: {{"O1", []string{"arab"}}, {"O9", []string{"any other", "any other ethnic group"}}},
}
