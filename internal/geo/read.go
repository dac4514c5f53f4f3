// Package geo reads area boundaries (GeoJSON) and assigns located records to
// the areas that contain them.
//
// Boundaries come from several publishers with different conventions (ONS
// "LAD22CD/LAD22NM" properties, the London Datastore's "GSS_CODE/LAGSSCODE",
// or just a property holding a GSS code), so ReadBoundaries detects the code,
// name, level, parent and vintage of each feature, and lets flags override
// what it detects. Assignment runs inside imports of hundreds of thousands of
// rows a second, so Index answers a point query from a precomputed grid
// rather than testing every polygon.
package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/stopsearch/charter"
)

// Options overrides what ReadBoundaries detects; the zero value detects
// everything. The fields are the boundary import flags (--level, --code-prop,
// --name-prop, --parent-prop, --year).
type Options struct {
	// Level, when set, is the level of every feature. With ONS-style files
	// holding several codes (LSOA21CD, MSOA21CD, LAD22CD) it also picks which
	// of them is the feature's own code.
	Level *charter.Level
	// CodeProp names the property holding each feature's own area code.
	CodeProp string
	// NameProp names the property holding the area's name.
	NameProp string
	// ParentProp names the property holding the code of the containing area.
	ParentProp string
	// Year, when not 0, is the boundary vintage of every feature.
	Year int
}

// Boundary is one area read from a boundary file: what charter.Area needs to
// store it, and the geometry in the form Index wants.
type Boundary struct {
	Code       string        // GSS code, e.g. E05014066; unique within the file
	Name       string        // "" when the file has none
	Level      charter.Level // borough, ward, msoa or lsoa (force for PFA files)
	ParentCode string        // code of the containing area; "" when the file does not say
	Year       int           // boundary vintage, 0 when not known
	// Geometry is the area in WGS84 longitude/latitude, every ring closed.
	Geometry orb.MultiPolygon
	// GeoJSON is Geometry encoded as a compact GeoJSON geometry object, of the
	// type the file used (Polygon or MultiPolygon).
	GeoJSON []byte
}

// ReadBoundaries reads a GeoJSON FeatureCollection (WGS84, Polygon and
// MultiPolygon features; gzip-compressed input is recognised) and returns one
// Boundary per feature, in file order. name is the file's name: it is used in
// messages, and a 4-digit year in it ("london-wards-2018.geojson") is the
// vintage when the properties do not say.
//
// Detection, per feature, when Options does not say:
//   - ONS property names <PREFIX><yy>CD (LAD, LTLA, WD, MSOA, LSOA, PFA; any
//     case), with the name in <PREFIX><yy>NM. When several are present the
//     finest level is the feature's own and the nearest level it nests in is
//     its parent: lsoa → msoa (else borough), msoa → borough, ward → borough.
//   - Otherwise any property holding a GSS code (a letter and 8 digits), its
//     level from charter.LevelOfCode: this covers the London Datastore's
//     GSS_CODE (name in NAME) with LAGSSCODE as the parent.
//   - The year is Options.Year if set, else the code property's two digits
//     (LAD22CD → 2022), else a 19xx/20xx year in name, else 0.
//
// A file with any bad feature is refused whole, so that a half-loaded layer
// never leaves records assigned against a patchwork: the error is a
// *charter.Error (EINVALID) naming the file, the feature and the problem.
func ReadBoundaries(r io.Reader, name string, opt Options) ([]Boundary, error) {
	if opt.Level != nil && *opt.Level >= charter.NumLevels {
		return nil, charter.Errorf(charter.EINVALID, "%s: level %d is not a valid area level", name, *opt.Level)
	}
	src := bufio.NewReaderSize(r, 64<<10)
	if b, _ := src.Peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		gz, err := gzip.NewReader(src)
		if err != nil {
			return nil, &charter.Error{Code: charter.EINVALID, Message: name + ": not a valid gzip file: " + err.Error(), Err: err}
		}
		defer gz.Close()
		src = bufio.NewReaderSize(gz, 64<<10)
	}
	// Windows tools (and some GIS exports) write a byte-order mark that
	// encoding/json rejects as an invalid character.
	if b, _ := src.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		src.Discard(3)
	}
	p := &reader{name: name, opt: opt, fileYear: yearInName(name), seen: map[string]int{}, keys: map[string]keyInfo{}}
	if err := p.read(&limitReader{r: src, left: MaxFileBytes, name: name}); err != nil {
		return nil, err
	}
	polys := make([]orb.MultiPolygon, len(p.out))
	for i, b := range p.out {
		polys[i] = b.Geometry
	}
	if n := indexBytes(polys); n > MaxIndexBytes {
		return nil, p.errf("the outlines are too intricate: placing records in them would take about %d MB of memory for the spatial index (the limit is %d MB; London's 4,994 LSOAs take about 110 MB). Simplify the boundaries (e.g. mapshaper -simplify) or split the file", int64(n)>>20, MaxIndexBytes>>20)
	}
	return p.out, nil
}

// limitReader refuses a file larger than MaxFileBytes, naming the limit,
// rather than decoding it into memory.
type limitReader struct {
	r    io.Reader
	left int64
	name string
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.left <= 0 {
		return 0, charter.Errorf(charter.EINVALID, "%s: is larger than %d MB, the limit for one boundary file", l.name, MaxFileBytes>>20)
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	n, err := l.r.Read(b)
	l.left -= int64(n)
	return n, err
}

// reader holds the state of one ReadBoundaries call.
type reader struct {
	name     string
	opt      Options
	fileYear int
	out      []Boundary
	seen     map[string]int     // code → feature index, to refuse duplicates
	keys     map[string]keyInfo // property name → what its name says, parsed once per file
	vertices int                // positions read so far
}

func (p *reader) errf(format string, args ...any) error {
	return charter.Errorf(charter.EINVALID, "%s: "+format, append([]any{p.name}, args...)...)
}

func (p *reader) featureErr(i int, format string, args ...any) error {
	return charter.Errorf(charter.EINVALID, "%s: feature %d: "+format, append([]any{p.name, i}, args...)...)
}

// jsonErr turns a decoding error into a message a user can act on: where the
// syntax breaks, or that the input could not be read at all.
func (p *reader) jsonErr(where string, dec *json.Decoder, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := ""
	switch {
	case errors.As(err, &syn):
		msg = fmt.Sprintf("not valid JSON (%s at byte %d)", syn.Error(), syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		msg = fmt.Sprintf("not valid JSON (the document ends early, at byte %d)", dec.InputOffset())
	case errors.As(err, &typ):
		msg = fmt.Sprintf("not a valid GeoJSON FeatureCollection (%s has the wrong type: %s)", orDefault(typ.Field, "a member"), typ.Value)
	case charter.ErrorCode(err) == charter.EINVALID:
		return err // a limit, already explained
	default:
		msg = "cannot read the file: " + err.Error()
	}
	return &charter.Error{Code: charter.EINVALID, Message: p.name + ": " + where + msg, Err: err}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

type featureJSON struct {
	Type       string         `json:"type"`
	Geometry   *geometryJSON  `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geometryJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

type crsJSON struct {
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// read walks the top-level object token by token so that features are decoded
// one at a time (and a broken feature is reported by its index) instead of
// materialising the whole document.
func (p *reader) read(src io.Reader) error {
	dec := json.NewDecoder(src)
	dec.UseNumber() // numeric codes keep their exact spelling
	tok, err := dec.Token()
	if err != nil {
		return p.jsonErr("", dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return p.errf("not a GeoJSON FeatureCollection (the document is not a JSON object)")
	}
	typ, crs := "", ""
	sawFeatures := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return p.jsonErr("", dec, err)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return p.jsonErr("", dec, err)
			}
		case "crs":
			var c crsJSON
			if err := dec.Decode(&c); err != nil {
				return p.jsonErr("", dec, err)
			}
			crs = c.Properties.Name
			if err := p.checkCRS(crs); err != nil {
				return err
			}
		case "features":
			if sawFeatures {
				return p.errf("not a valid GeoJSON FeatureCollection (two \"features\" members)")
			}
			sawFeatures = true
			if err := p.readFeatures(dec); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return p.jsonErr("", dec, err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return p.jsonErr("", dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return p.errf("not a GeoJSON FeatureCollection (more data after the top-level object)")
	}
	switch {
	case typ == "":
		return p.errf("not a GeoJSON FeatureCollection (no \"type\" member)")
	case typ != "FeatureCollection":
		return p.errf("not a GeoJSON FeatureCollection (its type is %q; a boundary file must be a FeatureCollection)", typ)
	case !sawFeatures:
		return p.errf("not a GeoJSON FeatureCollection (no \"features\" member)")
	case len(p.out) == 0:
		return p.errf("the FeatureCollection has no features")
	}
	return nil
}

// checkCRS refuses files that declare a projected CRS (the old GeoJSON "crs"
// member): their coordinates would be read as degrees and land nowhere.
func (p *reader) checkCRS(name string) error {
	if name == "" {
		return nil
	}
	n := strings.ToUpper(name)
	if strings.HasSuffix(n, "CRS84") || strings.HasSuffix(n, "CRS:84") {
		return nil
	}
	i := strings.LastIndexAny(n, ":/")
	switch n[i+1:] {
	case "4326", "4258", "4979", "4937": // WGS84 and ETRS89, geographic (within a metre in the UK)
		return nil
	case "27700":
		return p.errf("declares CRS %s, British National Grid (projected, metres): boundaries must be WGS84 longitude/latitude (EPSG:4326); convert first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson", name)
	}
	return p.errf("declares CRS %q: boundaries must be WGS84 longitude/latitude (EPSG:4326 or CRS84); convert first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson", name)
}

func (p *reader) readFeatures(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return p.jsonErr("", dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return p.errf("not a GeoJSON FeatureCollection (\"features\" is not an array)")
	}
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return p.jsonErr(fmt.Sprintf("feature %d: ", i), dec, err)
		}
		// encoding/json would turn bytes that are not UTF-8 into U+FFFD
		// without a word; the feature is refused instead, naming the property.
		if !utf8.Valid(raw) {
			return p.featureErr(i, "%s holds bytes that are not UTF-8 text (the file may be in another encoding: save it as UTF-8)", badProperty(raw))
		}
		var f featureJSON
		if err := json.Unmarshal(raw, &f); err != nil {
			return p.jsonErr(fmt.Sprintf("feature %d: ", i), dec, err)
		}
		b, err := p.feature(i, &f)
		if err != nil {
			return err
		}
		if j, dup := p.seen[b.Code]; dup {
			return p.errf("features %d and %d both have code %s: a file must hold one feature per area (parts of one area belong in one MultiPolygon; features are not merged)", j, i, b.Code)
		}
		p.seen[b.Code] = i
		p.out = append(p.out, b)
	}
	_, err = dec.Token() // the closing bracket
	if err != nil {
		return p.jsonErr("", dec, err)
	}
	return nil
}

func (p *reader) feature(i int, f *featureJSON) (Boundary, error) {
	if f.Type != "Feature" {
		return Boundary{}, p.featureErr(i, "not a GeoJSON Feature (its type is %q)", f.Type)
	}
	if f.Geometry == nil {
		return Boundary{}, p.featureErr(i, "no geometry (null): every area needs a Polygon or MultiPolygon")
	}
	for k, v := range f.Properties {
		s, _ := v.(string)
		if strings.IndexByte(k, 0) >= 0 || strings.IndexByte(s, 0) >= 0 {
			return Boundary{}, p.featureErr(i, "property %q holds a NUL character: properties must be text without NUL", strings.ReplaceAll(k, "\x00", `\0`))
		}
	}
	mp, err := decodeGeometry(f.Geometry)
	if err != nil {
		return Boundary{}, p.featureErr(i, "%s", err.Error())
	}
	n := vertexCount(mp)
	if n > MaxFeatureVertices {
		return Boundary{}, p.featureErr(i, "has %d positions, more than %d, the limit for one feature (the largest London feature has 1,673): simplify the boundaries (e.g. mapshaper -simplify)", n, MaxFeatureVertices)
	}
	if p.vertices += n; p.vertices > MaxFileVertices {
		return Boundary{}, p.featureErr(i, "brings the file to more than %d positions, the limit for one boundary file (the largest London file has 180,137): split the file or simplify the boundaries", MaxFileVertices)
	}
	b, err := p.identify(i, f.Properties)
	if err != nil {
		return Boundary{}, err
	}
	for pi, poly := range mp {
		why, err := selfCrossing(poly)
		if err == nil && why != "" {
			err = fmt.Errorf("polygon %d: %s", pi, why)
		}
		if err != nil {
			return Boundary{}, p.featureErr(i, "(%s %s) %s", b.Level, b.Code, err.Error())
		}
	}
	b.Geometry = mp
	b.GeoJSON = EncodeGeometry(mp, f.Geometry.Type == "MultiPolygon")
	return b, nil
}

// badProperty names the member of a feature that holds bytes that are not
// UTF-8: a property, or another member.
func badProperty(raw []byte) string {
	var f struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(raw, &f) == nil {
		keys := make([]string, 0, len(f.Properties))
		for k, v := range f.Properties {
			if !utf8.Valid(v) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			return fmt.Sprintf("property %q", strings.ToValidUTF8(keys[0], "\uFFFD"))
		}
		if len(f.Properties) > 0 {
			return "the name of a property"
		}
	}
	return "a member"
}

// keyInfo is what a property's name says about its value. ONS names encode
// the geography and the vintage: LSOA21CD is a 2021 LSOA code, LAD22NM the
// name of a 2022 local authority district.
type keyInfo struct {
	ons     bool          // the name is <PREFIX><yy>CD
	known   bool          // ... and the prefix is a level we assign to
	level   charter.Level // when known
	year    int           // from yy, when ons
	nameKey string        // where the matching name would be
}

var onsKey = regexp.MustCompile(`^([A-Za-z]+)([0-9]{2})(CD|cd|Cd)$`)

// onsLevels maps ONS geography prefixes to levels. Upper-tier codes (UTLA,
// CTYUA) are left out: outside London they are counties, not boroughs.
var onsLevels = map[string]charter.Level{
	"LAD": charter.LevelBorough, "LTLA": charter.LevelBorough,
	"WD": charter.LevelWard, "MSOA": charter.LevelMSOA, "LSOA": charter.LevelLSOA,
	"PFA": charter.LevelForce,
}

func (p *reader) key(k string) keyInfo {
	if ki, ok := p.keys[k]; ok {
		return ki
	}
	var ki keyInfo
	if m := onsKey.FindStringSubmatch(k); m != nil {
		ki.ons = true
		yy, _ := strconv.Atoi(m[2])
		ki.year = 2000 + yy
		if yy >= 70 { // 91CD: the 1991 census geographies
			ki.year = 1900 + yy
		}
		ki.level, ki.known = onsLevels[strings.ToUpper(m[1])]
		nm := "NM"
		if m[3] == "cd" {
			nm = "nm"
		}
		ki.nameKey = m[1] + m[2] + nm
	} else {
		switch strings.ToUpper(k) {
		case "GSS_CODE":
			ki.nameKey = "NAME"
		case "LAGSSCODE":
			ki.nameKey = "DISTRICT"
		}
	}
	p.keys[k] = ki
	return ki
}

// candidate is a property that may be a feature's own code or its parent's.
type candidate struct {
	key   string
	code  string
	level charter.Level
	year  int
	rank  int // 0 an ONS-named property, 1 a property that merely holds a GSS code
	name  string
}

// better orders candidates of one level: ONS-named first, newer vintage, then
// by property name so that the choice never depends on map order.
func (c candidate) better(d candidate) bool {
	if c.rank != d.rank {
		return c.rank < d.rank
	}
	if c.year != d.year {
		return c.year > d.year
	}
	return c.key < d.key
}

// parentLevels are the levels an area nests in, nearest first. MSOAs do not
// nest in wards, so an MSOA's parent is its borough even when a file carries
// ward codes too.
var parentLevels = [charter.NumLevels][]charter.Level{
	charter.LevelBorough: {charter.LevelForce},
	charter.LevelWard:    {charter.LevelBorough},
	charter.LevelMSOA:    {charter.LevelBorough},
	charter.LevelLSOA:    {charter.LevelMSOA, charter.LevelBorough},
}

// identify finds a feature's code, name, level, parent and year.
func (p *reader) identify(i int, props map[string]any) (Boundary, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var cands []candidate
	for _, k := range keys {
		v, ok := propString(props[k])
		if !ok || v == "" {
			continue
		}
		ki := p.key(k)
		c := candidate{key: k, code: v, year: ki.year}
		if ki.known {
			c.level = ki.level
		} else if lv, ok := charter.LevelOfCode(v); ok && looksGSS(v) {
			c.level, c.rank = lv, 1
		} else {
			continue
		}
		if ki.nameKey != "" {
			c.name, _ = propString(props[ki.nameKey])
		}
		cands = append(cands, c)
	}

	var own candidate
	if k := p.opt.CodeProp; k != "" {
		v, ok := propString(props[k])
		if !ok || v == "" {
			return Boundary{}, p.featureErr(i, "no area code: property %q (--code-prop) is missing or empty", k)
		}
		ki := p.key(k)
		own = candidate{key: k, code: v, year: ki.year}
		switch {
		case p.opt.Level != nil:
			own.level = *p.opt.Level
		case ki.known:
			own.level = ki.level
		default:
			lv, ok := charter.LevelOfCode(v)
			if !ok {
				return Boundary{}, p.featureErr(i, "cannot tell the level of code %q in property %q (set --level)", v, k)
			}
			own.level = lv
		}
		if ki.nameKey != "" {
			own.name, _ = propString(props[ki.nameKey])
		}
	} else {
		found := false
		for _, c := range cands {
			if p.opt.Level != nil && c.level != *p.opt.Level {
				continue
			}
			if !found || c.level > own.level || c.level == own.level && c.better(own) {
				own, found = c, true
			}
		}
		if !found {
			if p.opt.Level != nil {
				return Boundary{}, p.featureErr(i, "no %s code: no property of %s is a %s code (set --code-prop)", *p.opt.Level, listKeys(keys), *p.opt.Level)
			}
			return Boundary{}, p.featureErr(i, "no area code: none of its properties (%s) is an ONS code property like LAD22CD or holds a GSS code like E05000405 (set --code-prop)", listKeys(keys))
		}
		if p.opt.Level != nil {
			own.level = *p.opt.Level
		}
	}

	b := Boundary{Code: own.code, Level: own.level, Name: own.name}
	if k := p.opt.NameProp; k != "" {
		v, present := props[k]
		if !present {
			return Boundary{}, p.featureErr(i, "no property %q (--name-prop)", k)
		}
		b.Name, _ = propString(v)
	} else if b.Name == "" {
		for _, k := range [...]string{"NAME", "Name", "name"} {
			if v, ok := propString(props[k]); ok && v != "" {
				b.Name = v
				break
			}
		}
	}
	if k := p.opt.ParentProp; k != "" {
		v, present := props[k]
		if !present {
			return Boundary{}, p.featureErr(i, "no property %q (--parent-prop)", k)
		}
		b.ParentCode, _ = propString(v)
	} else {
	parents:
		for _, lv := range parentLevels[own.level] {
			var par candidate
			found := false
			for _, c := range cands {
				if c.level == lv && c.key != own.key && c.code != own.code && (!found || c.better(par)) {
					par, found = c, true
				}
			}
			if found {
				b.ParentCode = par.code
				break parents
			}
		}
	}
	switch {
	case p.opt.Year != 0:
		b.Year = p.opt.Year
	case own.year != 0:
		b.Year = own.year
	default:
		b.Year = p.fileYear
	}
	return b, nil
}

// propString returns a property value as text: strings trimmed, numbers as
// written. Other values (null, objects) are not codes or names.
func propString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v), true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// looksGSS reports whether s has the shape of a GSS code: a letter and eight
// digits (E05000405).
func looksGSS(s string) bool {
	if len(s) != 9 || !(s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < 9; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func listKeys(keys []string) string {
	if len(keys) == 0 {
		return "it has none"
	}
	const max = 8
	if len(keys) > max {
		return strings.Join(keys[:max], ", ") + fmt.Sprintf(" and %d more", len(keys)-max)
	}
	return strings.Join(keys, ", ")
}

var yearRe = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})(?:[^0-9]|$)`)

// yearInName finds a vintage in a file name such as "london-wards-2018.geojson".
func yearInName(name string) int {
	m := yearRe.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}

// ParseGeometry decodes a GeoJSON Polygon or MultiPolygon geometry object,
// such as Boundary.GeoJSON read back from the store, with the same checks
// ReadBoundaries applies (WGS84 range, closed rings of at least four
// positions). It exists so that callers need not pull in a GeoJSON library
// to rebuild an Index from stored areas.
func ParseGeometry(b []byte) (orb.MultiPolygon, error) {
	var g geometryJSON
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, charter.Errorf(charter.EINVALID, "geometry is not valid JSON: %v", err)
	}
	mp, err := decodeGeometry(&g)
	if err != nil {
		return nil, charter.Errorf(charter.EINVALID, "%s", err.Error())
	}
	return mp, nil
}

func decodeGeometry(g *geometryJSON) (orb.MultiPolygon, error) {
	var polys [][][][]float64
	switch g.Type {
	case "Polygon":
		var poly [][][]float64
		if err := json.Unmarshal(g.Coordinates, &poly); err != nil {
			return nil, fmt.Errorf("the Polygon coordinates are not an array of rings of [longitude, latitude] positions")
		}
		polys = [][][][]float64{poly}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, fmt.Errorf("the MultiPolygon coordinates are not an array of polygons of rings of [longitude, latitude] positions")
		}
	case "":
		return nil, fmt.Errorf("geometry has no type")
	default:
		return nil, fmt.Errorf("geometry is a %s, not a Polygon or MultiPolygon: boundaries must be areas", g.Type)
	}
	if len(polys) == 0 {
		return nil, fmt.Errorf("empty %s (no coordinates)", g.Type)
	}
	mp := make(orb.MultiPolygon, len(polys))
	for pi, poly := range polys {
		if len(poly) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", pi)
		}
		mp[pi] = make(orb.Polygon, len(poly))
		for ri, ring := range poly {
			r := make(orb.Ring, 0, len(ring)+1)
			for _, pos := range ring {
				if len(pos) < 2 {
					return nil, fmt.Errorf("polygon %d ring %d has a position with %d numbers (want longitude, latitude)", pi, ri, len(pos))
				}
				x, y := pos[0], pos[1]
				if !(x >= -180 && x <= 180 && y >= -90 && y <= 90) {
					return nil, projectedErr(x, y)
				}
				r = append(r, orb.Point{x, y})
			}
			if len(r) > 0 && r[0] != r[len(r)-1] {
				r = append(r, r[0]) // GeoJSON requires closed rings; tolerate writers that omit the last position
			}
			if len(r) < 4 {
				return nil, fmt.Errorf("polygon %d ring %d has %d positions (a closed ring needs at least 4)", pi, ri, len(r))
			}
			mp[pi][ri] = r
		}
	}
	return mp, nil
}

func projectedErr(x, y float64) error {
	// Degrees never exceed 360 even when mistyped; metres almost always do.
	if math.Abs(x) > 360 || math.Abs(y) > 360 {
		grid := ""
		if x >= 0 && x <= 700000 && y >= 0 && y <= 1300000 {
			grid = " (British National Grid, EPSG:27700, uses eastings and northings in metres like these)"
		}
		return fmt.Errorf("coordinate [%g, %g] is not a longitude/latitude: the file looks projected%s; boundaries must be WGS84 (EPSG:4326): convert first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson", x, y, grid)
	}
	return fmt.Errorf("coordinate [%g, %g] is out of range: boundaries must be WGS84 longitude (-180..180), latitude (-90..90)", x, y)
}

// EncodeGeometry writes mp as a compact GeoJSON geometry object: a Polygon
// when multi is false and mp has one part, else a MultiPolygon. Numbers are
// written in their shortest exact form, so decoding gives back mp bit for bit.
func EncodeGeometry(mp orb.MultiPolygon, multi bool) []byte {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	buf := make([]byte, 0, 48+n*24)
	poly := func(buf []byte, p orb.Polygon) []byte {
		buf = append(buf, '[')
		for ri, r := range p {
			if ri > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			for i, pt := range r {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, '[')
				buf = strconv.AppendFloat(buf, pt[0], 'f', -1, 64)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, pt[1], 'f', -1, 64)
				buf = append(buf, ']')
			}
			buf = append(buf, ']')
		}
		return append(buf, ']')
	}
	if !multi && len(mp) == 1 {
		buf = append(buf, `{"type":"Polygon","coordinates":`...)
		buf = poly(buf, mp[0])
		return append(buf, '}')
	}
	buf = append(buf, `{"type":"MultiPolygon","coordinates":[`...)
	for i, p := range mp {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = poly(buf, p)
	}
	return append(buf, "]}"...)
}
