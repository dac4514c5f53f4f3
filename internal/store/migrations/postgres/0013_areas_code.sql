-- Areas are looked up by code alone (a pack's area and its map, a panel's
-- areas); the (level, code) key cannot serve that, and SQLite scanned every
-- area's row for it, its boundary's first page included: about 0.4 ms a
-- lookup over London's areas.
-- Keep in step with ../sqlite/0013_areas_code.sql.
CREATE INDEX areas_code ON areas (code);
