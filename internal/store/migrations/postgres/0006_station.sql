-- The station an officer is attached to, which GOWISELY tells the person
-- searched and the receipt shows. Keep in step with ../sqlite/0006_station.sql.
ALTER TABLE users ADD COLUMN station TEXT NOT NULL DEFAULT '';
