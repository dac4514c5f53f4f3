package charter

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
