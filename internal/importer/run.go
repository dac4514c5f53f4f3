package importer

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/store"
)

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}

// importOne imports one source. A refused file comes back in Result.Err with
// a nil error; the error is for failures that must stop the run. read is
// called once the source's rows have all been read, or at once where the
// reading is not a core of its own (importSources then checksums the next
// source); calling it again does nothing. A committed source's change is
// announced in the background: importOne sets *announced to wait for it.
func (im *Importer) importOne(ctx context.Context, s source, sm summed, read func(), announced *func()) (Result, error) {
	r := Result{Source: s.name}
	sum, head, err := sm.sum, sm.head, sm.err
	if err != nil {
		r.Err = err
		return r, nil
	}
	f, err := detect(s.name, head)
	if err != nil {
		r.Err = err
		return r, nil
	}
	if f == fmtOutcomes {
		r.Ignored = "data.police.uk outcomes are not used by Charter yet"
		return r, nil
	}
	r.Kind = f.kind()
	if prev, err := im.Store.ImportedAs(ctx, r.Kind, sum); err != nil {
		return r, err
	} else if prev != nil {
		r.Skipped = true
		return r, nil
	}
	imp := &charter.Import{Kind: r.Kind, Source: s.name, Checksum: sum, Format: string(f), StartedAt: im.now()}
	src := StopSource{Force: im.Force}
	if r.Kind == charter.KindStops {
		imp.Coverage = coverageOf(f, s.name)
		if im.Coverage != "" {
			imp.Coverage = im.Coverage
		}
		if src.Force == "" && f != fmtFlatCSV {
			if src.Force = forceInName(s.name); src.Force == "" {
				r.Err = charter.Errorf(charter.EINVALID, "%s: the force is not in the file name; name it with --force", s.name)
				return r, nil
			}
		}
		if f != fmtFlatCSV {
			src.Month = monthFromName(s.name)
		}
	}
	x, err := im.Store.BeginImport(ctx, imp)
	if err != nil {
		if charter.ErrorCode(err) == charter.ECONFLICT {
			r.Skipped = true
			return r, nil
		}
		return r, err
	}
	defer x.Rollback()
	if r.Kind == charter.KindStops || r.Kind == charter.KindStreetCrime {
		// The boundaries as of this file's transaction, which no boundary
		// import can change before it commits (store.BeginImport): another
		// process may have imported some since this one last looked.
		if err := im.ensureLocator(ctx, x.AreaGeneration()); err != nil {
			return r, err
		}
	}
	o, err := s.reader(im.Meter.counter())
	if err != nil {
		r.Err = err
		return r, nil
	}
	defer o.Close()

	// Rejects wait until the file commits: a refused file reports only why.
	var rejects []charter.Reject
	reject := func(rj charter.Reject) { rejects = append(rejects, rj) }
	var newLocator *geo.Locator
	switch f {
	case fmtPoliceCSV, fmtPoliceJSON, fmtFlatCSV:
		readStops := map[format]func(io.Reader, string, StopSource, func(*charter.Stop) error, func(charter.Reject)) error{
			fmtPoliceCSV: ReadPoliceCSV, fmtPoliceJSON: ReadPoliceJSON, fmtFlatCSV: ReadFlatCSV}[f]
		err = pipeStops(x, func(emit func(*charter.Stop) error) error {
			defer read()
			return readStops(o, s.name, src, counting(im.Meter, emit), reject)
		}, func(st *charter.Stop) {
			if st.Location != nil {
				im.locator.Assign(st.Location.Longitude, st.Location.Latitude, &st.Areas)
			}
		})
	case fmtStreetCSV:
		read()
		var rjs []charter.Reject
		rjs, err = ReadStreetCrimes(o, s.name, counting(im.Meter, func(c *charter.StreetCrime) error {
			if c.Location != nil {
				im.locator.Assign(c.Location.Longitude, c.Location.Latitude, &c.Areas)
			}
			return x.AddStreetCrime(c)
		}))
		rejects = append(rejects, rjs...)
	case fmtCrimeCounts:
		read()
		var rjs []charter.Reject
		_, rjs, err = ReadCrimeCounts(o, s.name, func(f CrimeCountFile) error {
			_, err := x.SetCrimeCountFile(f.Level, f.Months)
			return err
		}, counting(im.Meter, x.AddCrimeCount))
		rejects = append(rejects, rjs...)
	case fmtPopulation:
		read()
		var rjs []charter.Reject
		rjs, err = ReadPopulation(o, s.name, counting(im.Meter, x.AddPopulation))
		rejects = append(rejects, rjs...)
	case fmtGeoJSON:
		read()
		newLocator, err = im.importBoundaries(ctx, x, o, s.name)
	}
	if err != nil {
		if charter.ErrorCode(err) == charter.EINVALID {
			r.Err = err
			return r, nil
		}
		return r, fmt.Errorf("%s: %w", s.name, err)
	}
	imp.Rejects = len(rejects)
	wait, err := x.CommitAnnouncing()
	if err != nil {
		return r, err
	}
	*announced = wait
	if newLocator != nil {
		// The index built to re-assign records is the one later files need.
		im.locator, im.locVersion = newLocator, x.AreaGeneration()
	}
	r.Rows, r.Rejects = imp.Rows, imp.Rejects
	if im.Reject != nil {
		for _, rj := range rejects {
			im.Reject(rj)
		}
	}
	return r, nil
}

func coverageOf(f format, name string) charter.Coverage {
	n := strings.ToLower(name)
	switch {
	case f == fmtFlatCSV:
		return charter.CoverLocated
	case f == fmtPoliceJSON && strings.Contains(n, "no-location"):
		return charter.CoverUnlocated
	case f == fmtPoliceJSON && (strings.Contains(n, "stops-street") || strings.Contains(n, "at-location")):
		return charter.CoverLocated
	}
	return charter.CoverAll
}

// Prepare builds the spatial index of the stored boundaries now rather than
// at the first located record (imports call it themselves when needed).
func (im *Importer) Prepare(ctx context.Context) error {
	gen, err := im.Store.AreaGeneration(ctx)
	if err != nil {
		return err
	}
	return im.ensureLocator(ctx, gen)
}

// ensureLocator (re)builds the spatial index unless it was built from the
// boundaries of generation gen (store.AreaGeneration).
func (im *Importer) ensureLocator(ctx context.Context, gen int64) error {
	if im.locator != nil && im.locVersion == gen {
		return nil
	}
	areas, err := im.Store.Areas(ctx, true)
	if err != nil {
		return err
	}
	layers, err := buildLayers(areas)
	if err != nil {
		return err
	}
	im.locator, im.locVersion = geo.NewLocator(layers), gen
	return nil
}

// buildLayers groups areas with boundaries into one layer per level and
// boundary year.
func buildLayers(areas []charter.Area) ([]geo.Layer, error) {
	type lk struct {
		level charter.Level
		year  int
	}
	groups := map[lk]*geo.Layer{}
	polys := map[lk][]orb.MultiPolygon{}
	parents := map[lk][]string{}
	for _, a := range areas {
		if len(a.Boundary) == 0 || a.Level == charter.LevelForce {
			continue
		}
		mp, err := geo.ParseGeometry(a.Boundary)
		if err != nil {
			return nil, fmt.Errorf("boundary of %s %s: %w", a.Level, a.Code, err)
		}
		k := lk{a.Level, a.BoundaryYear}
		if groups[k] == nil {
			groups[k] = &geo.Layer{Level: a.Level, Year: a.BoundaryYear}
		}
		groups[k].IDs = append(groups[k].IDs, a.ID)
		polys[k] = append(polys[k], mp)
		parents[k] = append(parents[k], a.ParentCode)
	}
	keys := make([]lk, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].level != keys[j].level {
			return keys[i].level < keys[j].level
		}
		return keys[i].year < keys[j].year
	})
	// A unit is placed only inside its parent (geo.Locator): parents are
	// the areas of the newest layer of a coarser level, which is the layer
	// the Locator uses.
	newest := map[charter.Level]int{}
	for _, k := range keys {
		newest[k.level] = k.year // keys are sorted by year within a level
	}
	parentID := map[string]int64{}
	for _, a := range areas {
		if len(a.Boundary) > 0 && a.Level != charter.LevelForce && newest[a.Level] == a.BoundaryYear {
			parentID[a.Code] = a.ID
		}
	}
	var out []geo.Layer
	for _, k := range keys {
		l := groups[k]
		l.Index = geo.NewIndex(polys[k])
		for _, code := range parents[k] {
			l.Parents = append(l.Parents, parentID[code])
		}
		out = append(out, *l)
	}
	return out, nil
}

// importBoundaries stores the areas of a GeoJSON file and re-assigns every
// located record at the levels it touches, inside the file's transaction. It
// returns the spatial index of all areas, for the files that follow.
func (im *Importer) importBoundaries(ctx context.Context, x *store.ImportTx, r io.Reader, name string) (*geo.Locator, error) {
	bs, err := geo.ReadBoundaries(r, name, im.Boundary)
	if err != nil {
		return nil, err
	}
	levels := map[charter.Level]bool{}
	fresh := map[string]charter.Area{}
	for _, b := range bs {
		a := charter.Area{Code: b.Code, Name: b.Name, Level: b.Level, ParentCode: b.ParentCode, BoundaryYear: b.Year, Boundary: b.GeoJSON}
		if err := x.AddArea(&a); err != nil {
			return nil, err
		}
		levels[a.Level] = true
		fresh[a.Level.String()+"/"+a.Code] = a
	}
	// This file's areas are not yet visible to the store's readers, so merge
	// them over the stored ones.
	stored, err := im.Store.Areas(ctx, true)
	if err != nil {
		return nil, err
	}
	all := make([]charter.Area, 0, len(stored)+len(fresh))
	for _, a := range stored {
		// The store keeps a newer vintage's outline over an older one of the
		// same code (AddArea), and so does this merge.
		if f, ok := fresh[a.Level.String()+"/"+a.Code]; !ok || a.BoundaryYear > f.BoundaryYear && len(a.Boundary) > 0 {
			all = append(all, a)
			delete(fresh, a.Level.String()+"/"+a.Code)
		}
	}
	for _, a := range fresh {
		all = append(all, a)
	}
	// The order the store lists them in, so that placement never depends on
	// the order of a map.
	sort.Slice(all, func(i, j int) bool {
		if all[i].Level != all[j].Level {
			return all[i].Level < all[j].Level
		}
		return all[i].Code < all[j].Code
	})
	layers, err := buildLayers(all)
	if err != nil {
		return nil, err
	}
	loc := geo.NewLocator(layers)
	// A finer level's placement depends on its parents' (a ward only inside
	// its borough), so every level from the coarsest one touched is placed
	// again.
	coarsest := charter.NumLevels
	for l := range levels {
		if l != charter.LevelForce {
			coarsest = min(coarsest, l)
		}
	}
	for _, level := range loc.Levels() {
		if level < coarsest {
			continue
		}
		err := x.Reassign(level, func(lon, lat float64) int64 {
			var ids charter.AreaIDs
			loc.Assign(lon, lat, &ids)
			return ids[level]
		})
		if err != nil {
			return nil, err
		}
	}
	return loc, nil
}

// NewLocator builds a locator over the store's boundaries as they stand
// now, placing points by the same rule as imports (for the officer's
// record, whose point must be placed as its publication will be).
func NewLocator(ctx context.Context, st *store.Store) (*geo.Locator, error) {
	areas, err := st.Areas(ctx, true)
	if err != nil {
		return nil, err
	}
	layers, err := buildLayers(areas)
	if err != nil {
		return nil, err
	}
	return geo.NewLocator(layers), nil
}
