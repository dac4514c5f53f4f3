package charter

import "strings"

// EthnicGroup is one of the five broad groups of the 2011/2021 census
// classification, plus "not stated". Rates and ratios are computed on these.
type EthnicGroup uint8

// The groups. GroupUnknown means the field was left empty in the source (not
// the same as a person declining to state, which is GroupNotStated).
const (
	GroupUnknown EthnicGroup = iota
	GroupAsian
	GroupBlack
	GroupMixed
	GroupWhite
	GroupOther
	GroupNotStated
)

// EthnicGroups lists the groups that have a population denominator, in the
// order reports show them.
var EthnicGroups = []EthnicGroup{GroupAsian, GroupBlack, GroupMixed, GroupWhite, GroupOther}

var groupNames = [...]string{"", "Asian", "Black", "Mixed", "White", "Other", "Not stated"}

// String is the group's display name ("" for unknown).
func (g EthnicGroup) String() string {
	if int(g) < len(groupNames) {
		return groupNames[g]
	}
	return ""
}

// ParseEthnicGroup reads a group name case-insensitively.
func ParseEthnicGroup(s string) (EthnicGroup, bool) {
	for i, n := range groupNames {
		if n != "" && strings.EqualFold(n, strings.TrimSpace(s)) {
			return EthnicGroup(i), true
		}
	}
	return GroupUnknown, false
}

// SelfDefinedEthnicity is one of the "18+1" self-defined categories (the 2011
// census list plus "not stated") with its short code and group. Census 2021
// added White Roma (W4); police recording still uses the 2011 list, but the
// code exists so census denominators can be read.
type SelfDefinedEthnicity struct {
	Code  string      // the short code, e.g. "W1"
	Label string      // the data.police.uk spelling
	Group EthnicGroup // the five-group roll-up
}

// SelfDefinedEthnicities are the data.police.uk self-defined values, in the
// census order. The labels are exactly as data.police.uk spells them.
var SelfDefinedEthnicities = []SelfDefinedEthnicity{
	{"A1", "Asian/Asian British - Indian", GroupAsian},
	{"A2", "Asian/Asian British - Pakistani", GroupAsian},
	{"A3", "Asian/Asian British - Bangladeshi", GroupAsian},
	{"A4", "Asian/Asian British - Chinese", GroupAsian},
	{"A9", "Asian/Asian British - Any other Asian background", GroupAsian},
	{"B1", "Black/African/Caribbean/Black British - Caribbean", GroupBlack},
	{"B2", "Black/African/Caribbean/Black British - African", GroupBlack},
	{"B9", "Black/African/Caribbean/Black British - Any other Black/African/Caribbean background", GroupBlack},
	{"M1", "Mixed/Multiple ethnic groups - White and Black Caribbean", GroupMixed},
	{"M2", "Mixed/Multiple ethnic groups - White and Black African", GroupMixed},
	{"M3", "Mixed/Multiple ethnic groups - White and Asian", GroupMixed},
	{"M9", "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", GroupMixed},
	{"W1", "White - English/Welsh/Scottish/Northern Irish/British", GroupWhite},
	{"W2", "White - Irish", GroupWhite},
	{"W3", "White - Gypsy or Irish Traveller", GroupWhite},
	{"W4", "White - Roma", GroupWhite},
	{"W9", "White - Any other White background", GroupWhite},
	{"O1", "Other ethnic group - Arab", GroupOther},
	{"O9", "Other ethnic group - Any other ethnic group", GroupOther},
	{"NS", "Other ethnic group - Not stated", GroupNotStated},
}

var selfDefinedByLabel = func() map[string]SelfDefinedEthnicity {
	m := make(map[string]SelfDefinedEthnicity, len(SelfDefinedEthnicities))
	for _, e := range SelfDefinedEthnicities {
		m[e.Label] = e
	}
	return m
}()

// LookupSelfDefined returns the category of a data.police.uk self-defined
// ethnicity value. Older data carries the short code in brackets, as in
// "White - White British (W1)"; the code decides then.
func LookupSelfDefined(label string) (SelfDefinedEthnicity, bool) {
	if e, ok := selfDefinedByLabel[label]; ok {
		return e, true
	}
	if open, close := strings.LastIndexByte(label, '('), len(label)-1; open > 0 && close > open && label[close] == ')' {
		code := strings.TrimSpace(label[open+1 : close])
		for _, e := range SelfDefinedEthnicities {
			if e.Code == code {
				return e, true
			}
		}
	}
	return SelfDefinedEthnicity{}, false
}

// OfficerDefinedEthnicities are the five values an officer records from
// appearance (the old identity-code system rolled up).
var OfficerDefinedEthnicities = []string{"Asian", "Black", "Mixed", "White", "Other"}

// LookupOfficerDefined returns the group of an officer-defined ethnicity value.
func LookupOfficerDefined(label string) (EthnicGroup, bool) {
	switch label {
	case "Asian":
		return GroupAsian, true
	case "Black":
		return GroupBlack, true
	case "Mixed":
		return GroupMixed, true
	case "White":
		return GroupWhite, true
	case "Other":
		return GroupOther, true
	}
	return GroupUnknown, false
}
