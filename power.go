package charter

// Power is a legal power to stop and search, with what the record of a search
// under it must hold. The legislation is spelt as data.police.uk spells it, so
// a first-hand record reads like the open data it becomes.
type Power struct {
	Legislation string // data.police.uk spelling
	Short       string // how officers say it, e.g. "s1 PACE"
	// Suspicion is true when the power needs reasonable grounds for
	// suspicion, which the record must state.
	Suspicion bool
	// Authorised names the authorisation a search under the power needs
	// ("s60" or "s47A"); "" when none is needed.
	Authorised string
	// Objects are the objects of search the power allows.
	Objects []string
}

// The objects of search, spelt as data.police.uk spells them.
const (
	ObjectWeapons      = "Offensive weapons"
	ObjectStolen       = "Stolen goods"
	ObjectDrugs        = "Controlled drugs"
	ObjectDamage       = "Articles for use in criminal damage"
	ObjectFireworks    = "Fireworks"
	ObjectEvidence     = "Evidence of offences under the Act"
	ObjectFirearms     = "Firearms"
	ObjectThreaten     = "Anything to threaten or harm anyone"
	ObjectTerrorism    = "Evidence of terrorism"
	ObjectPsychoactive = "Psychoactive substances"
	ObjectWildlife     = "Evidence of wildlife offences"
	ObjectGame         = "Game or poaching equipment"
)

// Legislation values of the powers a search record may cite.
const (
	LawPACE1      = "Police and Criminal Evidence Act 1984 (section 1)"
	LawDrugs23    = "Misuse of Drugs Act 1971 (section 23)"
	LawFirearms47 = "Firearms Act 1968 (section 47)"
	LawS60        = "Criminal Justice and Public Order Act 1994 (section 60)"
	LawS47A       = "Terrorism Act 2000 (section 47A)"
	LawPSA36      = "Psychoactive Substances Act 2016 (s36(2))"
	LawPSA37      = "Psychoactive Substances Act 2016 (s37(2))"
	LawWildlife   = "Wildlife and Countryside Act 1981 (section 19)"
	LawPoaching   = "Poaching Prevention Act 1862 (section 2)"
)

// Powers are the powers an officer may record a search under (PACE Code A's
// powers in scope, domain research §1.1), with the objects each allows.
var Powers = []Power{
	{LawPACE1, "s1 PACE (stolen or prohibited articles)", true, "",
		[]string{ObjectStolen, ObjectWeapons, ObjectDamage, ObjectFireworks, ObjectEvidence}},
	{LawDrugs23, "s23 Misuse of Drugs Act (controlled drugs)", true, "", []string{ObjectDrugs}},
	{LawFirearms47, "s47 Firearms Act (firearms)", true, "", []string{ObjectFirearms}},
	{LawS60, "s60 (serious violence, under an authorisation)", false, "s60", []string{ObjectThreaten, ObjectWeapons}},
	{LawS47A, "s47A Terrorism Act (under an authorisation)", false, "s47A", []string{ObjectTerrorism}},
	{LawPSA36, "s36 Psychoactive Substances Act (person)", true, "", []string{ObjectPsychoactive}},
	{LawPSA37, "s37 Psychoactive Substances Act (vehicle)", true, "", []string{ObjectPsychoactive}},
	{LawWildlife, "s19 Wildlife and Countryside Act", true, "", []string{ObjectWildlife}},
	{LawPoaching, "s2 Poaching Prevention Act", true, "", []string{ObjectGame}},
}

// LookupPower finds a power by its legislation.
func LookupPower(legislation string) (Power, bool) {
	for _, p := range Powers {
		if p.Legislation == legislation {
			return p, true
		}
	}
	return Power{}, false
}

// Allows reports whether a search under the power may be for object.
func (p Power) Allows(object string) bool {
	for _, o := range p.Objects {
		if o == object {
			return true
		}
	}
	return false
}

// ObjectsOfSearch lists every object some power allows, once, in the order
// of Powers.
func ObjectsOfSearch() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range Powers {
		for _, o := range p.Objects {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}
