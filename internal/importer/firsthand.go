package importer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

// SnapMetres is how far a first-hand record may be from the nearest street
// point data.police.uk has published for it to be published at that
// point; a record farther from every known point is published without a
// location (as police.uk does with a search it cannot place).
const SnapMetres = 1000

// Published is what one publication of a force-month did.
type Published struct {
	Force     string
	Month     charter.Month
	Records   int
	Unlocated int  // published without a location: no street point near enough
	Unchanged bool // the same records were published before: nothing stored
}

// FirstHandStop is a first-hand record as the public may see it, the way
// data.police.uk publishes a search: at the nearest published street point
// (or without a location), with no grounds, no officer, no receipt, no
// vehicle registration and no address.
func FirstHandStop(r *charter.Record, snap *geo.Snapper) charter.Stop {
	s := charter.Stop{
		Force: r.Force, Month: charter.MonthOf(r.Datetime.In(charter.London)), Type: r.Type, Datetime: r.Datetime.UTC(),
		Gender: r.Gender, AgeRange: r.AgeRange,
		SelfDefinedEthnicity: r.SelfDefinedEthnicity, OfficerDefinedEthnicity: r.OfficerDefinedEthnicity,
		Legislation: r.Legislation, ObjectOfSearch: r.ObjectOfSearch, Outcome: r.Outcome,
		OutcomeLinked: tristate(r.OutcomeLinkedToObjectOfSearch), Removal: tristate(r.RemovalOfMoreThanOuterClothing),
		InvolvedPerson: charter.InvolvedPerson(r.Type),
	}
	if o, ok := charter.LookupOutcome(r.Outcome); ok {
		s.Outcome, s.OutcomeID = o.Label, o.ID
	}
	if snap != nil {
		if p, ok := snap.Snap(r.Latitude, r.Longitude); ok {
			s.Location = &charter.Location{Latitude: p.Lat, Longitude: p.Lng, StreetID: p.ID, StreetName: p.Name}
		}
	}
	return s
}

func tristate(b *bool) charter.Tristate {
	if b == nil {
		return charter.Unknown
	}
	return charter.TristateOf(*b)
}

// PublishFirstHand stores one force-month of first-hand records as a
// source of its own (coverage first-hand, which counts ahead of any
// data.police.uk file of the same month), anonymised by FirstHandStop and
// placed like any import. Publishing the same records again stores
// nothing; publishing the month again after a record changed replaces the
// earlier publication.
func (im *Importer) PublishFirstHand(ctx context.Context, force string, month charter.Month, recs []charter.Record, snap *geo.Snapper) (Published, error) {
	p := Published{Force: force, Month: month, Records: len(recs)}
	h := sha256.New()
	var b [8]byte
	for _, r := range recs {
		if r.Force != force || charter.MonthOf(r.Datetime.In(charter.London)) != month {
			return p, charter.Errorf(charter.EINVALID, "record %s is not of %s in %s", r.Reference, force, month)
		}
		binary.BigEndian.PutUint64(b[:], uint64(r.ID))
		h.Write(b[:])
		binary.BigEndian.PutUint64(b[:], uint64(r.Version))
		h.Write(b[:])
	}
	sum := hex.EncodeToString(h.Sum([]byte(force + month.String())))
	if prev, err := im.Store.ImportedAs(ctx, charter.KindStops, sum); err != nil {
		return p, err
	} else if prev != nil {
		p.Unchanged = true
		return p, nil
	}
	imp := &charter.Import{Kind: charter.KindStops, Source: fmt.Sprintf("first-hand records of %s, %s", charter.ForceName(force), month),
		Checksum: sum, Format: "charter-first-hand", Coverage: charter.CoverFirstHand, StartedAt: im.now()}
	x, err := im.Store.BeginImport(ctx, imp)
	if err != nil {
		if charter.ErrorCode(err) == charter.ECONFLICT {
			p.Unchanged = true
			return p, nil
		}
		return p, err
	}
	defer x.Rollback()
	if err := im.ensureLocator(ctx, x.AreaGeneration()); err != nil {
		return p, err
	}
	for i := range recs {
		st := FirstHandStop(&recs[i], snap)
		st.SourceRow = i + 1
		if st.Location != nil {
			im.locator.Assign(st.Location.Longitude, st.Location.Latitude, &st.Areas)
		} else {
			p.Unlocated++
		}
		if err := x.AddStop(&st); err != nil {
			return p, err
		}
	}
	return p, x.Commit()
}

// DefaultPublishDelay is how long after the end of a month its first-hand
// records become public: about when data.police.uk publishes a month.
const DefaultPublishDelay = 30 * 24 * time.Hour

// PublishDue publishes every force-month of first-hand records whose month
// ended at least delay before now (London months), and republishes a month
// whose records changed since. Months not yet due stay internal.
func (im *Importer) PublishDue(ctx context.Context, now time.Time, delay time.Duration) ([]Published, error) {
	months, err := im.Store.RecordMonths(ctx)
	if err != nil {
		return nil, err
	}
	var out []Published
	var snap *geo.Snapper
	for _, m := range months {
		next := m.Month.Add(1)
		if now.Before(time.Date(next.Year(), next.Mon(), 1, 0, 0, 0, 0, charter.London).Add(delay)) {
			continue
		}
		if snap == nil {
			pts, err := im.Store.StreetPoints(ctx)
			if err != nil {
				return out, err
			}
			snap = geo.NewSnapper(pts, SnapMetres)
		}
		recs, err := im.Store.RecordsOfMonth(ctx, m.Force, m.Month)
		if err != nil {
			return out, err
		}
		p, err := im.PublishFirstHand(ctx, m.Force, m.Month, recs, snap)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}
