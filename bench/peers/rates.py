"""Charter's peer for CSV -> borough rates per 1,000 and ratios to White.

The same figures Charter's disproportionality report gives for each London
borough, computed with pandas and geopandas the way an analyst would:
read the data.police.uk archive CSVs, leave out vehicle-only searches,
place each search in a borough by a spatial join on its published point,
count searches by borough and self-defined ethnic group (five groups; "Not
stated" in none), divide by the census 2021 population of the group in the
borough, and divide each group's rate by White's.

    python3 rates.py ARCHIVE.zip BOROUGHS.geojson CENSUS.csv(.gz) naive|distinct CODE,CODE,...

naive joins every row; distinct joins each distinct point once and maps
the answer back. It prints one line of JSON: the seconds from reading the
CSVs to the rates (the interpreter's start and the imports not counted),
the rows read, and the rates and ratios by borough code and group.
"""
import json
import sys
import time
import zipfile

import geopandas as gpd
import pandas as pd

# Census 2021 TS021 (20 categories) codes -> the five groups.
CENSUS_GROUPS = {**{c: "Asian" for c in range(1, 6)}, **{c: "Black" for c in range(6, 9)},
                 **{c: "Mixed" for c in range(9, 13)}, **{c: "White" for c in range(13, 18)},
                 **{c: "Other" for c in range(18, 20)}}


def main():
    archive, boroughs_path, census_path, mode, codes = sys.argv[1:6]
    codes = codes.split(",")
    t0 = time.perf_counter()
    with zipfile.ZipFile(archive) as z:
        frames = [pd.read_csv(z.open(n), usecols=["Type", "Latitude", "Longitude", "Self-defined ethnicity"])
                  for n in sorted(z.namelist()) if n.endswith(".csv")]
    stops = pd.concat(frames, ignore_index=True)
    rows = len(stops)
    stops = stops[stops["Type"] != "Vehicle search"].dropna(subset=["Latitude", "Longitude"])
    eth = stops["Self-defined ethnicity"]
    stops = stops.assign(group=eth.str.extract(r"^(Asian|Black|Mixed|White|Other)", expand=False))
    stops.loc[eth == "Other ethnic group - Not stated", "group"] = None

    boroughs = gpd.read_file(boroughs_path)[["LAD22CD", "geometry"]].set_crs("EPSG:4326", allow_override=True)
    if mode == "naive":
        pts = gpd.GeoDataFrame(stops, geometry=gpd.points_from_xy(stops["Longitude"], stops["Latitude"]), crs="EPSG:4326")
        placed = gpd.sjoin(pts, boroughs, how="inner", predicate="within")
    else:
        uniq = stops[["Latitude", "Longitude"]].drop_duplicates()
        upts = gpd.GeoDataFrame(uniq, geometry=gpd.points_from_xy(uniq["Longitude"], uniq["Latitude"]), crs="EPSG:4326")
        where = gpd.sjoin(upts, boroughs, how="inner", predicate="within")[["Latitude", "Longitude", "LAD22CD"]]
        placed = stops.merge(where, on=["Latitude", "Longitude"], how="inner")
    searches = placed.groupby(["LAD22CD", "group"]).size().rename("searches")

    census = pd.read_csv(census_path)
    census.columns = ["code", "name", "cat", "catname", "pop"]
    census = census[census["code"].isin(codes)]
    census = census.assign(group=census["cat"].map(CENSUS_GROUPS)).dropna(subset=["group"])
    pop = census.groupby(["code", "group"])["pop"].sum()
    pop.index.names = ["LAD22CD", "group"]

    t = pd.concat([searches, pop], axis=1).fillna({"searches": 0})
    t = t[t.index.get_level_values(0).isin(codes) & (t["pop"] > 0)]
    t["rate"] = t["searches"] * 1000 / t["pop"]
    white = t.xs("White", level="group")["rate"]
    t["ratio"] = t["rate"] / white.reindex(t.index.get_level_values(0)).to_numpy()
    secs = time.perf_counter() - t0

    out = {}
    for (code, group), r in t.iterrows():
        out.setdefault(code, {})[group] = {"rate": r["rate"], "ratio": None if pd.isna(r["ratio"]) else r["ratio"]}
    print(json.dumps({"seconds": secs, "rows": rows, "rates": out}))


if __name__ == "__main__":
    main()
