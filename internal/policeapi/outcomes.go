package policeapi

import "strings"

// outcomeCodes are data.police.uk's codes of the outcome names the
// street-level files spell out ("Last outcome category").
var outcomeCodes = map[string]string{
	"Action to be taken by another organisation":          "action-taken-by-another-organisation",
	"Awaiting court outcome":                              "awaiting-court-result",
	"Court case unable to proceed":                        "unable-to-proceed",
	"Court result unavailable":                            "court-result-unavailable",
	"Defendant found not guilty":                          "not-guilty",
	"Defendant sent to Crown Court":                       "sent-to-crown-court",
	"Formal action is not in the public interest":         "formal-action-not-in-public-interest",
	"Further action is not in the public interest":        "further-action-not-in-public-interest",
	"Further investigation is not in the public interest": "further-investigation-not-in-public-interest",
	"Investigation complete; no suspect identified":       "no-further-action",
	"Local resolution":                                    "local-resolution",
	"Offender deprived of property":                       "deprived-of-property",
	"Offender fined":                                      "fined",
	"Offender given a caution":                            "cautioned",
	"Offender given a drugs possession warning":           "drugs-possession-warning",
	"Offender given absolute discharge":                   "absolute-discharge",
	"Offender given community sentence":                   "community-penalty",
	"Offender given conditional discharge":                "conditional-discharge",
	"Offender given penalty notice":                       "penalty-notice-issued",
	"Offender given suspended prison sentence":            "suspended-sentence",
	"Offender ordered to pay compensation":                "compensation",
	"Offender otherwise dealt with":                       "other-court-disposal",
	"Offender sent to prison":                             "imprisoned",
	"Status update unavailable":                           "status-update-unavailable",
	"Suspect charged as part of another case":             "sentenced-in-another-case",
	"Unable to prosecute suspect":                         "unable-to-prosecute",
	"Under investigation":                                 "under-investigation",
}

// outcomeCode is the code of an outcome name: data.police.uk's, or one made
// from the name as its codes are (lower case, words joined by hyphens) for
// a name it does not use.
func outcomeCode(name string) string {
	if c, ok := outcomeCodes[name]; ok {
		return c
	}
	f := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return strings.Join(f, "-")
}
