package charter

import (
	"strconv"
	"time"
)

// ImportKind says what a source file held.
type ImportKind string

// The kinds of source Charter imports.
const (
	KindStops       ImportKind = "stops"
	KindStreetCrime ImportKind = "street-crime"
	KindCrimeCounts ImportKind = "crime-counts"
	KindPopulation  ImportKind = "population"
	KindBoundaries  ImportKind = "boundaries"
)

// Coverage says which stops a source holds for the force-months it covers.
// The archive CSVs and the API's stops-force hold all of them; stops-street
// (and extractions built from it) only the located ones; stops-no-location
// only the others. When several sources cover one force-month, the store
// counts the force's own first-hand records if it has them, otherwise the
// most complete source (see Store docs), never two at once.
type Coverage string

// The coverages.
const (
	CoverAll       Coverage = "all"
	CoverLocated   Coverage = "located"
	CoverUnlocated Coverage = "unlocated"
	// CoverFirstHand is the force's own records made in Charter, published
	// after their delay: every search of the force-month, and the force's
	// own truth for it, so it counts whatever else covers the month (a
	// data.police.uk file of the same month is kept beside it, to compare).
	CoverFirstHand Coverage = "first-hand"
)

// Import is one source file (or archive member) taken into the store. The
// checksum of its bytes is what makes re-import a no-op: idempotency comes from
// the source, never from comparing records, because people searched together
// share every published field.
type Import struct {
	ID         int64
	Kind       ImportKind
	Source     string // the path, or archive.zip!member
	Checksum   string // sha256 of the file's bytes (after decompression)
	Format     string // e.g. "police-csv", "police-json", "extractss-csv"
	Coverage   Coverage
	Rows       int // records stored
	Rejects    int // rows refused, with reasons in the rejects report
	StartedAt  time.Time
	FinishedAt time.Time
}

// Reject is one row refused by an importer, with where and why.
type Reject struct {
	File   string
	Line   int    // 1-based line of the row (record number for JSON)
	Column string // the field name as the source spells it
	Value  string
	Reason string
}

func (r Reject) String() string {
	s := r.File
	if r.Line > 0 {
		s += ":" + strconv.Itoa(r.Line)
	}
	if r.Column != "" {
		s += ": " + r.Column
	}
	return s + ": " + r.Reason
}
