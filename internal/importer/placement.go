package importer

import (
	"context"
	"fmt"

	"github.com/stopsearch/charter"
)

// Placement is how the stored located records stand against the stored
// boundaries: Misplaced of Records are not where the boundaries committed
// last put them (imports run side by side before placement was ordered, or a
// store restored from pieces).
type Placement struct {
	Records   int `json:"located_records"`
	Misplaced int `json:"misplaced_records"`
}

// CheckPlacement compares every located stop's and street crime's areas
// with what the stored boundaries give its point.
func (im *Importer) CheckPlacement(ctx context.Context) (Placement, error) {
	if err := im.Prepare(ctx); err != nil {
		return Placement{}, err
	}
	return im.checkPlacement(ctx)
}

// checkPlacement checks against the Importer's current spatial index.
func (im *Importer) checkPlacement(ctx context.Context) (Placement, error) {
	pts, err := im.Store.PlacedPoints(ctx)
	if err != nil {
		return Placement{}, err
	}
	var p Placement
	levels := im.locator.Levels()
	for _, pt := range pts {
		p.Records += pt.Records
		var ids charter.AreaIDs
		im.locator.Assign(pt.Lon, pt.Lat, &ids)
		for _, l := range levels {
			if ids[l] != pt.Areas[l] {
				p.Misplaced += pt.Records
				break
			}
		}
	}
	return p, nil
}

// Replace places every located stop and street crime again by the stored
// boundaries, in one transaction that no boundary or record import can
// overlap, recorded as an import of its own. It returns the placement as it
// stood before.
func (im *Importer) Replace(ctx context.Context) (Placement, error) {
	now := im.now()
	imp := &charter.Import{Kind: charter.KindBoundaries, Source: "placement repair", Format: "placement",
		Checksum: fmt.Sprintf("placement-repair-%d", now.UnixNano()), StartedAt: now}
	x, err := im.Store.BeginImport(ctx, imp)
	if err != nil {
		return Placement{}, err
	}
	defer x.Rollback()
	if err := im.ensureLocator(ctx, x.AreaGeneration()); err != nil {
		return Placement{}, err
	}
	// Under the placement lock: what is checked is what is repaired.
	before, err := im.checkPlacement(ctx)
	if err != nil {
		return Placement{}, err
	}
	for _, level := range im.locator.Levels() {
		err := x.Reassign(level, func(lon, lat float64) int64 {
			var ids charter.AreaIDs
			im.locator.Assign(lon, lat, &ids)
			return ids[level]
		})
		if err != nil {
			return Placement{}, err
		}
	}
	imp.Rows = before.Misplaced
	if err := x.Commit(); err != nil {
		return Placement{}, err
	}
	im.locVersion = x.AreaGeneration()
	return before, nil
}
