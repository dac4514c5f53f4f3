package index

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/stopsearch/charter"
)

// coder appends stops to an index, coding each value through the index's
// dictionaries. Following an import codes every stop it wrote on the path of
// the import's commit, so the coder remembers the codes of what it has seen
// in the form the stop holds it: a month, an area id, an ethnicity label.
// A stop then costs one small lookup per field, not the text of its month
// and areas made anew, the ethnicity looked up three times and every value
// hashed as text (about a third of following an import, profiled).
//
// A coder lives while one index is built or extended under its lock; the
// codes it remembers stay right because dictionaries only grow.
type coder struct {
	ix        *Index
	month     charter.Month
	monthCode uint16
	monthSet  bool
	areas     [4]map[int64]uint16  // borough, ward, MSOA, LSOA: area id -> code
	self      map[string][2]uint16 // self-defined label -> group code, category code
	officer   map[string]uint16    // officer-defined label -> group code
	last      [numStored]lastValue // the previous stop's value of each labelled field
}

// lastValue is a field's previous value and its code: the rows of a file
// often repeat a value (the force always), and comparing two strings that
// share their bytes costs less than hashing one. The zero value is right
// from the start: "" is code 0 in every dictionary.
type lastValue struct {
	v    string
	code uint16
}

func newCoder(ix *Index) *coder {
	c := &coder{ix: ix, self: map[string][2]uint16{}, officer: map[string]uint16{}}
	for i := range c.areas {
		c.areas[i] = map[int64]uint16{0: 0}
	}
	return c
}

// grow makes room for n more stops, so that appending them does not copy
// the columns again and again.
func (c *coder) grow(n int) {
	ix := c.ix
	for d := range ix.cols {
		ix.cols[d] = slices.Grow(ix.cols[d], n)
	}
	if len(ix.pcode) == 0 {
		// Archive months hold about one distinct point for every two stops.
		ix.pcode = make(map[pointKey]uint32, n/2)
	}
	ix.point = slices.Grow(ix.point, n)
}

// add appends one stop, coding its values: its month, force, areas, ethnic
// groups and labels as published (TestCoderCodesValues checks them all).
func (c *coder) add(st *charter.Stop) error {
	ix := c.ix
	var codes [numStored]uint16
	var err error
	if !c.monthSet || st.Month != c.month {
		if c.monthCode, err = ix.dicts[DimMonth].code(st.Month.String()); err != nil {
			return fmt.Errorf("index %s: %w", DimMonth, err)
		}
		c.month, c.monthSet = st.Month, true
	}
	codes[DimMonth] = c.monthCode
	for i, level := range [...]charter.Level{charter.LevelBorough, charter.LevelWard, charter.LevelMSOA, charter.LevelLSOA} {
		id := st.Areas[level]
		code, ok := c.areas[i][id]
		if !ok {
			d := DimBorough + Dim(i)
			if code, err = ix.dicts[d].code(areaValue(id)); err != nil {
				return fmt.Errorf("index %s: %w", d, err)
			}
			c.areas[i][id] = code
		}
		codes[DimBorough+Dim(i)] = code
	}
	self, ok := c.self[st.SelfDefinedEthnicity]
	if !ok {
		e, _ := charter.LookupSelfDefined(st.SelfDefinedEthnicity)
		if self[0], err = ix.dicts[DimSelfGroup].code(e.Group.String()); err == nil {
			self[1], err = ix.dicts[DimSelfDefined].code(e.Code)
		}
		if err != nil {
			return fmt.Errorf("index ethnicity: %w", err)
		}
		c.self[st.SelfDefinedEthnicity] = self
	}
	codes[DimSelfGroup], codes[DimSelfDefined] = self[0], self[1]
	officer, ok := c.officer[st.OfficerDefinedEthnicity]
	if !ok {
		if officer, err = ix.dicts[DimOfficerGroup].code(st.OfficerGroup().String()); err != nil {
			return fmt.Errorf("index %s: %w", DimOfficerGroup, err)
		}
		c.officer[st.OfficerDefinedEthnicity] = officer
	}
	codes[DimOfficerGroup] = officer
	for _, f := range [...]struct {
		d Dim
		v string
	}{{DimForce, st.Force}, {DimAge, st.AgeRange}, {DimGender, st.Gender}, {DimType, st.Type},
		{DimLegislation, st.Legislation}, {DimObject, st.ObjectOfSearch}, {DimOutcome, st.Outcome},
		{DimLink, st.OutcomeLinked.CSV()}, {DimRemoval, st.Removal.CSV()}} {
		if codes[f.d], err = c.label(f.d, f.v); err != nil {
			return err
		}
	}
	for d := range codes {
		ix.cols[d] = append(ix.cols[d], codes[d])
	}
	var pc uint32
	if l := st.Location; l != nil {
		pc = ix.pointCode(orb.Point{l.Longitude, l.Latitude})
	}
	ix.point = append(ix.point, pc)
	ix.n++
	return nil
}

// label codes a field held as its published text.
func (c *coder) label(d Dim, v string) (uint16, error) {
	l := &c.last[d]
	if l.v == v {
		return l.code, nil
	}
	code, err := c.ix.dicts[d].code(v)
	if err != nil {
		return 0, fmt.Errorf("index %s: %w", d, err)
	}
	*l = lastValue{v: v, code: code}
	return code, nil
}
