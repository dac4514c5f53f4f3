package charter

import "slices"

// ForceBoroughs returns the GSS codes of the local authorities that make up
// a force area, so that a force's population can be summed from its
// boroughs' census tables and its figures stratified by borough. ok is false
// for a force not mapped yet: its population is then not known, never
// guessed. The Metropolitan Police area is the 32 London boroughs; the City
// of London is policed by its own force.
func ForceBoroughs(force string) (codes []string, ok bool) {
	switch force {
	case "metropolitan":
		for _, b := range LondonBoroughs {
			if b.Code != cityOfLondon {
				codes = append(codes, b.Code)
			}
		}
		return codes, true
	case "city-of-london":
		return []string{cityOfLondon}, true
	}
	return nil, false
}

// cityOfLondon is the GSS code of the City of London.
const cityOfLondon = "E09000001"

// BoroughForce is the force that polices a borough (a local authority), the
// inverse of ForceBoroughs; ok is false for a borough of a force not mapped.
//
// A borough's (and its wards') figures count that force's searches only,
// so that a force's figures are exactly the sum of its boroughs' plus the
// searches it placed in no borough of its own: a City of London Police
// search just over the City's edge in Islington counts with the City
// police, not in Islington's figures, and the Met's table of boroughs and
// each borough's own page always agree.
func BoroughForce(borough string) (force string, ok bool) {
	for _, f := range Forces {
		if codes, ok := ForceBoroughs(f.ID); ok && slices.Contains(codes, borough) {
			return f.ID, true
		}
	}
	return "", false
}
