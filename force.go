package charter

import "strings"

// Force is a police force as data.police.uk identifies it.
type Force struct {
	ID   string
	Name string
}

// Forces are the forces data.police.uk publishes, with its ids and names.
var Forces = []Force{
	{"avon-and-somerset", "Avon and Somerset Constabulary"},
	{"bedfordshire", "Bedfordshire Police"},
	{"btp", "British Transport Police"},
	{"cambridgeshire", "Cambridgeshire Constabulary"},
	{"cheshire", "Cheshire Constabulary"},
	{"city-of-london", "City of London Police"},
	{"cleveland", "Cleveland Police"},
	{"cumbria", "Cumbria Constabulary"},
	{"derbyshire", "Derbyshire Constabulary"},
	{"devon-and-cornwall", "Devon & Cornwall Police"},
	{"dorset", "Dorset Police"},
	{"durham", "Durham Constabulary"},
	{"dyfed-powys", "Dyfed-Powys Police"},
	{"essex", "Essex Police"},
	{"gloucestershire", "Gloucestershire Constabulary"},
	{"greater-manchester", "Greater Manchester Police"},
	{"gwent", "Gwent Police"},
	{"hampshire", "Hampshire Constabulary"},
	{"hertfordshire", "Hertfordshire Constabulary"},
	{"humberside", "Humberside Police"},
	{"kent", "Kent Police"},
	{"lancashire", "Lancashire Constabulary"},
	{"leicestershire", "Leicestershire Police"},
	{"lincolnshire", "Lincolnshire Police"},
	{"merseyside", "Merseyside Police"},
	{"metropolitan", "Metropolitan Police Service"},
	{"norfolk", "Norfolk Constabulary"},
	{"north-wales", "North Wales Police"},
	{"north-yorkshire", "North Yorkshire Police"},
	{"northamptonshire", "Northamptonshire Police"},
	{"northern-ireland", "Police Service of Northern Ireland"},
	{"northumbria", "Northumbria Police"},
	{"nottinghamshire", "Nottinghamshire Police"},
	{"south-wales", "South Wales Police"},
	{"south-yorkshire", "South Yorkshire Police"},
	{"staffordshire", "Staffordshire Police"},
	{"suffolk", "Suffolk Constabulary"},
	{"surrey", "Surrey Police"},
	{"sussex", "Sussex Police"},
	{"thames-valley", "Thames Valley Police"},
	{"warwickshire", "Warwickshire Police"},
	{"west-mercia", "West Mercia Police"},
	{"west-midlands", "West Midlands Police"},
	{"west-yorkshire", "West Yorkshire Police"},
	{"wiltshire", "Wiltshire Police"},
}

// ForceName returns the name of a force id, or the id itself if unknown.
func ForceName(id string) string {
	for _, f := range Forces {
		if f.ID == id {
			return f.Name
		}
	}
	return id
}

// LookupForce resolves a force id or name as it appears in other datasets
// ("Metropolitan Police", "London, City of", "City of London Police").
func LookupForce(s string) (Force, bool) {
	k := normaliseName(s)
	for _, f := range Forces {
		if f.ID == s || normaliseName(f.Name) == k || normaliseName(f.ID) == k {
			return f, true
		}
	}
	switch k {
	case "metropolitan police", "metropolitan":
		return Force{"metropolitan", "Metropolitan Police Service"}, true
	case "london city of", "city of london":
		return Force{"city-of-london", "City of London Police"}, true
	}
	return Force{}, false
}

// normaliseName lower-cases s and keeps letters and single spaces, so that
// "London, City of" and "london city of" compare equal.
func normaliseName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '&':
			if b.Len() > 0 {
				b.WriteString(" and")
			}
			space = true
		default:
			space = true
		}
	}
	return b.String()
}
