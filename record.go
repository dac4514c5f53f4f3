package charter

import "time"

// Record is a search recorded first-hand by an officer in Charter (PACE
// Code A para 4.3, with the outcome fields of the Best Use of Stop and
// Search scheme). Its JSON uses data.police.uk's field names and values
// wherever one exists, so a record reads like the open data it becomes.
// Yes/no facts are pointers: nil is "not recorded", never "no".
type Record struct {
	ID        int64  `json:"id,omitempty"`
	Reference string `json:"reference,omitempty"` // short, shown to the person with the QR code
	Force     string `json:"force,omitempty"`     // from the officer
	OfficerID int64  `json:"-"`                   // from the signed-in user; never public
	Version   int    `json:"version,omitempty"`   // 1, then one more per correction

	Type      string    `json:"type"`     // one of StopTypes
	Datetime  time.Time `json:"datetime"` // when the search began
	Latitude  float64   `json:"latitude"`
	Longitude float64   `json:"longitude"`
	// Address is what the officer typed when the place was not pinned on
	// the map; it was resolved to Latitude and Longitude.
	Address string `json:"address,omitempty"`

	Legislation    string `json:"legislation"`      // data.police.uk spelling, e.g. "Police and Criminal Evidence Act 1984 (section 1)"
	ObjectOfSearch string `json:"object_of_search"` // data.police.uk spelling, e.g. "Offensive weapons"
	// Grounds for suspicion, free text; for a search without suspicion
	// (s60, s47A) what the officer told the person about the authorisation.
	// Never public.
	Grounds         string `json:"grounds"`
	AuthorisationID int64  `json:"authorisation_id,omitempty"` // the s60/s47A authorisation searched under

	SelfDefinedEthnicity    string `json:"self_defined_ethnicity"`    // one of SelfDefinedEthnicities' labels
	OfficerDefinedEthnicity string `json:"officer_defined_ethnicity"` // one of OfficerDefinedEthnicities
	Gender                  string `json:"gender"`
	AgeRange                string `json:"age_range"`
	VehicleRegistration     string `json:"vehicle_registration,omitempty"` // where a vehicle is searched; never public

	Outcome                        string `json:"outcome"` // an Outcomes label
	OutcomeLinkedToObjectOfSearch  *bool  `json:"outcome_linked_to_object_of_search"`
	RemovalOfMoreThanOuterClothing *bool  `json:"removal_of_more_than_outer_clothing"`
	UseOfForce                     *bool  `json:"use_of_force"`
	BodyWornVideo                  *bool  `json:"body_worn_video"`

	// What the officer confirms they did: GOWISELY given before the search,
	// and the procedural-justice steps (grounds explained, the person
	// listened to, de-briefed afterwards).
	Gowisely         bool `json:"gowisely"`
	GroundsExplained bool `json:"grounds_explained"`
	Listened         bool `json:"listened"`
	Debriefed        bool `json:"debriefed"`

	Created time.Time `json:"created,omitempty"` // when first stored (UTC)
	Updated time.Time `json:"updated,omitempty"` // when this version was stored
}
