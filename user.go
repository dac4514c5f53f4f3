package charter

import (
	"slices"
	"strings"
	"time"
)

// Role is what a signed-in user is for. The public needs no account and has
// no role; every permission a role grants is listed in rolePermissions, the
// one place access is decided.
type Role string

// The roles.
const (
	RoleOfficer    Role = "officer"    // records searches, hands over receipts
	RoleSupervisor Role = "supervisor" // registers authorisations, reviews records
	RoleComplaints Role = "complaints" // handles complaints
	RolePanel      Role = "panel"      // independent scrutiny: anonymised samples only
	RoleAnalyst    Role = "analyst"    // internal figures, exports
	RoleAdmin      Role = "admin"      // users, tokens, the audit trail
)

// Roles lists every role, for forms and messages.
var Roles = []Role{RoleOfficer, RoleSupervisor, RoleComplaints, RolePanel, RoleAnalyst, RoleAdmin}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Roles, r) {
		return r, nil
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", Errorf(EINVALID, "unknown role %q (want one of %s)", s, strings.Join(names, ", "))
}

// Permission is one thing a user may do or see.
type Permission string

// The permissions.
const (
	PermRecordCreate        Permission = "record.create"        // submit a search record
	PermRecordReadOwn       Permission = "record.read_own"      // see and correct one's own records
	PermRecordReadAll       Permission = "record.read_all"      // see every record of the force, with identities
	PermAuthorisationCreate Permission = "authorisation.create" // register or extend an s60/s47A authorisation
	PermUserManage          Permission = "user.manage"          // add and disable users, issue tokens
	PermAuditRead           Permission = "audit.read"           // read the audit trail
	PermFiguresInternal     Permission = "figures.internal"     // figures from unpublished first-hand records
	// The accountability workflows (PRODUCT.md S1–S4).
	PermReview             Permission = "record.review"       // review the team's sampled and risky records (S1)
	PermOutliers           Permission = "figures.outliers"    // team and officer views with funnel limits (S1), never public
	PermComplaintsManage   Permission = "complaints.manage"   // triage, assign, investigate, release and close complaints (S2)
	PermTriggerExplain     Permission = "trigger.explain"     // answer a community trigger with the force's explanation (S2)
	PermPanelReview        Permission = "panel.review"        // rate the anonymised samples of one's own panel (S3)
	PermPanelManage        Permission = "panel.manage"        // set up panels, their members, areas and meetings (S3)
	PermPanelRespond       Permission = "panel.respond"       // give the force's response to a panel's findings (S3)
	PermTrainingManage     Permission = "training.manage"     // record courses and who completed them (S4)
	PermDeploymentPlan     Permission = "deployment.plan"     // publish planned focused searching, answer residents (engagement)
	PermDeploymentModerate Permission = "deployment.moderate" // approve or hide residents' comments (engagement)
)

var rolePermissions = map[Role][]Permission{
	RoleOfficer: {PermRecordCreate, PermRecordReadOwn},
	RoleSupervisor: {PermRecordCreate, PermRecordReadOwn, PermRecordReadAll, PermAuthorisationCreate, PermFiguresInternal,
		PermReview, PermOutliers, PermTriggerExplain, PermPanelRespond, PermTrainingManage, PermDeploymentPlan, PermDeploymentModerate},
	RoleComplaints: {PermRecordReadAll, PermComplaintsManage, PermTriggerExplain},
	// A panel member sees only their panel's anonymised samples.
	RolePanel:   {PermPanelReview},
	RoleAnalyst: {PermFiguresInternal, PermOutliers},
	RoleAdmin:   {PermUserManage, PermAuditRead, PermFiguresInternal, PermPanelManage, PermPanelRespond, PermTrainingManage},
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// User is a person with an account. Officers carry a force and a rank
// (the rank decides which authorisations they may give).
type User struct {
	ID    int64
	Name  string // the sign-in name, unique
	Role  Role
	Force string // data.police.uk force id; empty for users outside a force (panel members)
	Rank  Rank
	// Station is the station an officer is attached to (GOWISELY's S),
	// shown on the receipts of their searches.
	Station string
	// Team is the team an officer or supervisor works in: a supervisor
	// reviews the records of their team's officers (S1).
	Team string
	// PanelID is the scrutiny panel a panel member sits on (0: none).
	PanelID  int64
	Disabled bool
	Created  time.Time
}

// Can reports whether the user may do p. A nil user is the public, who may
// do nothing that needs a permission; a disabled user may do nothing.
func (u *User) Can(p Permission) bool {
	return u != nil && !u.Disabled && u.Role.Can(p)
}

// Rank is a police rank, ordered from constable up, so that a rule such as
// "inspector or above" is a comparison.
type Rank int

// The ranks of England and Wales (the Met's and the City's titles in the
// same places: Commander sits with Assistant Chief Constable).
const (
	RankNone Rank = iota
	RankConstable
	RankSergeant
	RankInspector
	RankChiefInspector
	RankSuperintendent
	RankChiefSuperintendent
	RankAssistantChiefConstable
	RankDeputyChiefConstable
	RankChiefConstable
)

var rankNames = [...]string{"", "constable", "sergeant", "inspector", "chief inspector", "superintendent",
	"chief superintendent", "assistant chief constable", "deputy chief constable", "chief constable"}

// rankAliases are other spellings forces use for the same rank.
var rankAliases = map[string]Rank{
	"pc": RankConstable, "ps": RankSergeant, "insp": RankInspector, "ci": RankChiefInspector,
	"supt": RankSuperintendent, "ch supt": RankChiefSuperintendent, "chief supt": RankChiefSuperintendent,
	"commander": RankAssistantChiefConstable, "acc": RankAssistantChiefConstable,
	"deputy assistant commissioner": RankAssistantChiefConstable,
	"assistant commissioner":        RankDeputyChiefConstable, "dcc": RankDeputyChiefConstable,
	"deputy commissioner": RankChiefConstable, "commissioner": RankChiefConstable,
}

func (r Rank) String() string {
	if r < 0 || int(r) >= len(rankNames) {
		return ""
	}
	return rankNames[r]
}

// ParseRank reads a rank by name or a common abbreviation; "" is RankNone.
func ParseRank(s string) (Rank, error) {
	k := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if k == "" {
		return RankNone, nil
	}
	for i, n := range rankNames {
		if i > 0 && n == k {
			return Rank(i), nil
		}
	}
	if r, ok := rankAliases[k]; ok {
		return r, nil
	}
	return RankNone, Errorf(EINVALID, "unknown rank %q (want one of constable, sergeant, inspector, chief inspector, superintendent, chief superintendent, assistant chief constable, deputy chief constable, chief constable)", s)
}
