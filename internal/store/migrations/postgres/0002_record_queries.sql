-- The record-level queries of the data.police.uk-compatible API: a force's
-- month (stops-force, stops-no-location, export) and a month's stops inside
-- a box of latitude and longitude (stops-street, stops-at-location).
CREATE INDEX IF NOT EXISTS stops_force_month ON stops (force, month);
CREATE INDEX IF NOT EXISTS stops_month_latitude ON stops (month, latitude);
