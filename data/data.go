// Package data embeds the bundled open dataset, so that `charter import --demo`
// shows London from the binary alone. See README.md in this folder for where
// each file came from and its licence.
package data

import "embed"

// FS holds the bundled files under police-uk/, boundaries/, census/ and crime/.
//
//go:embed police-uk boundaries census crime
var FS embed.FS

// Demo lists the files `charter import --demo` loads, in the order that keeps
// area assignment to one pass: boundaries first, then denominators and crime
// counts, then stops and street crimes.
var Demo = []string{
	"boundaries/london-lad22.geojson.gz",
	"boundaries/london-wards-2022.geojson.gz",
	"census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
	"census/london-ward2022-census2021-ethnic-group-19cat.csv.gz",
	"crime/MPS_Borough_Level_Crime_2010-04_to_2021-09.csv.gz",
	"crime/MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
	"crime/MPS_Ward_Level_Crime_most_recent_24_months_2023-04_to_2025-03.csv.gz",
	"crime/MPS_Ward_Level_Crime_most_recent_24_months_2023-07_to_2025-06.csv.gz",
	"crime/MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz",
	"police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip",
	"police-uk/stops-force-metropolitan-2024-09.json.gz",
	"police-uk/stops-force-metropolitan-2024-10.json.gz",
	"police-uk/stops-force-metropolitan-2024-11.json.gz",
	"police-uk/stops-force-metropolitan-2024-12.json.gz",
	"police-uk/stops-force-metropolitan-2025-01.json.gz",
	"police-uk/stops-force-metropolitan-2025-02.json.gz",
	"police-uk/stops-force-metropolitan-2025-03.json.gz",
	"police-uk/stops-force-metropolitan-2025-04.json.gz",
	"police-uk/london_stops_12_months_to_nov22.csv.gz",
	"police-uk/2023-01-city-of-london-street.csv.gz",
	"police-uk/2023-02-city-of-london-street.csv.gz",
	"police-uk/2023-03-city-of-london-street.csv.gz",
	"police-uk/2023-04-city-of-london-street.csv.gz",
	"police-uk/2023-05-city-of-london-street.csv.gz",
	"police-uk/2023-06-city-of-london-street.csv.gz",
	"police-uk/2023-07-city-of-london-street.csv.gz",
	"police-uk/2023-08-city-of-london-street.csv.gz",
	"police-uk/2023-09-city-of-london-street.csv.gz",
	"police-uk/2023-10-city-of-london-street.csv.gz",
	"police-uk/2023-11-city-of-london-street.csv.gz",
	"police-uk/2023-12-city-of-london-street.csv.gz",
}
