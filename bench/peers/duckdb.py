"""Runs aggregate.sql in DuckDB through its Python module: loads the rows
(not timed), then times the query and the plain count, RUNS times each, and
prints one line of JSON with their medians in milliseconds and the bytes
DuckDB holds in memory after the load.

    python3 duckdb.py aggregate.sql STOPS.csv POPS.csv FROM TO RUNS
"""
import json
import re
import sys
import time

import duckdb


def main():
    sql_path, stops, pops, frm, to, runs = sys.argv[1:7]
    parts, name = {}, ""
    for line in open(sql_path, encoding="utf-8").read().split("\n"):
        m = re.match(r"^-- (load|query|count)$", line)
        if m:
            name = m.group(1)
            parts[name] = ""
        elif name:
            parts[name] += line.replace("{stops}", stops).replace("{pops}", pops).replace("{from}", frm).replace("{to}", to) + "\n"
    con = duckdb.connect(":memory:")
    for stmt in parts["load"].split(";"):
        if stmt.strip():
            con.execute(stmt)

    # What DuckDB holds in memory for the loaded rows, read before the timing.
    held = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0]

    def timed(sql):
        ms, rows = [], []
        for _ in range(int(runs)):
            t0 = time.perf_counter()
            rows = con.execute(sql).fetchall()
            ms.append((time.perf_counter() - t0) * 1000)
        return sorted(ms)[len(ms) // 2], rows

    query_ms, groups = timed(parts["query"])
    count_ms, count = timed(parts["count"])
    print(json.dumps({"query_ms": query_ms, "count_ms": count_ms, "groups": len(groups), "rows": count[0][0], "bytes": held,
                      "version": duckdb.__version__}))


if __name__ == "__main__":
    main()
