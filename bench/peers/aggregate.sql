-- Charter's peer for the dashboard aggregate, in DuckDB: searches by borough
-- and self-defined ethnic group over twelve months, each group's rate per
-- 1,000 residents with an interval (Byar's approximation to the exact
-- Poisson interval Charter gives), and its ratio to White's rate with an
-- interval on the log scale. {stops}, {pops}, {from} and {to} are filled in
-- by the runner: the same resampled rows Charter's index holds, written out
-- once, and the census populations by borough and group.
-- load
CREATE TABLE stops AS SELECT * FROM read_csv('{stops}', header = true, columns = {'month': 'INTEGER', 'borough': 'VARCHAR', 'grp': 'VARCHAR'});
CREATE TABLE pops AS SELECT * FROM read_csv('{pops}', header = true, columns = {'borough': 'VARCHAR', 'grp': 'VARCHAR', 'pop': 'INTEGER'});
-- query
WITH c AS (
  SELECT borough, grp, count(*) AS n FROM stops WHERE month BETWEEN {from} AND {to} GROUP BY borough, grp
), r AS (
  SELECT p.borough, p.grp, coalesce(c.n, 0) AS n, p.pop, coalesce(c.n, 0) * 1000.0 / p.pop AS rate
  FROM pops p LEFT JOIN c USING (borough, grp)
)
SELECT r.borough, r.grp, r.n, r.rate,
  CASE WHEN r.n = 0 THEN 0 ELSE r.n * pow(1 - 1 / (9.0 * r.n) - 1.959964 / (3 * sqrt(r.n)), 3) * 1000.0 / r.pop END AS rate_lo,
  (r.n + 1) * pow(1 - 1 / (9.0 * (r.n + 1)) + 1.959964 / (3 * sqrt(r.n + 1)), 3) * 1000.0 / r.pop AS rate_hi,
  CASE WHEN w.n > 0 THEN r.rate / w.rate END AS ratio,
  CASE WHEN r.n > 0 AND w.n > 0 THEN exp(ln(r.rate / w.rate) - 1.959964 * sqrt(1.0 / r.n + 1.0 / w.n)) END AS ratio_lo,
  CASE WHEN r.n > 0 AND w.n > 0 THEN exp(ln(r.rate / w.rate) + 1.959964 * sqrt(1.0 / r.n + 1.0 / w.n)) END AS ratio_hi
FROM r JOIN r w ON w.borough = r.borough AND w.grp = 'White';
-- count
SELECT count(*) FROM stops;
