-- Areas are looked up by code alone (a pack's area, a deployment's wards);
-- the (level, code) key cannot serve that, and a scan reads every area's
-- row, boundary included: about 0.4 ms a lookup over London's areas.
-- Keep in step with ../postgres/0013_areas_code.sql.
CREATE INDEX areas_code ON areas (code);
