package store

// SQLite gives a new row of a rowid table the largest rowid plus one (until
// the largest possible rowid is taken), and an import's transaction is the
// only writer from its first stop to its commit, so its stops take the ids
// stopFloor+1, stopFloor+2, … in the order they are added. Knowing that, the
// import keeps each batch's first and last id as it adds rows, instead of
// reading its rows back after the last insert with a GROUP BY (a sort of
// every row it wrote: about a seventh of the writer's time on the 13 Met
// months). The last rowid SQLite reports is checked against the count
// before the computed ranges are trusted; PostgreSQL, whose sequence is
// shared by concurrent imports, always reads them back.

// noteID records the id the stop just added will take on SQLite.
func (x *ImportTx) noteID(k batchKey) {
	if x.idRanges == nil {
		return
	}
	id := x.stopFloor + int64(x.imp.Rows)
	r, ok := x.idRanges[k]
	if !ok {
		r[0] = id
	}
	r[1] = id
	x.idRanges[k] = r
}

// computedRanges returns the ranges noteID kept, if SQLite gave the ids it
// foresaw: the last stop written has the id of the count of stops added.
// Called after the stops are flushed.
func (x *ImportTx) computedRanges() (map[batchKey][2]int64, bool) {
	if x.idRanges == nil || x.stops == nil || x.stops.lastID != x.stopFloor+int64(x.imp.Rows) {
		return nil, false
	}
	return x.idRanges, true
}
