// Runs aggregate.sql in DuckDB through Node's @duckdb/node-api: loads the
// rows (not timed), then times the query and the plain count, runs times
// each, and prints one line of JSON with their medians in milliseconds and
// the bytes DuckDB holds in memory after the load.
//
//   node duckdb.mjs aggregate.sql STOPS.csv POPS.csv FROM TO RUNS
//
// DUCKDB_NODE_API names the module's entry file when it is not resolvable
// from here (a global install, or one in another folder).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [sqlPath, stops, pops, from, to, runs] = process.argv.slice(2);
const entry = process.env.DUCKDB_NODE_API;
const mod = await import(entry ? pathToFileURL(entry).href : '@duckdb/node-api');
const { DuckDBInstance } = mod.default ?? mod;

const parts = {};
let name = '';
for (const line of readFileSync(sqlPath, 'utf8').split('\n')) {
  const m = line.match(/^-- (load|query|count)$/);
  if (m) { name = m[1]; parts[name] = ''; continue; }
  if (name) parts[name] += line.replace('{stops}', stops).replace('{pops}', pops).replace('{from}', from).replace('{to}', to) + '\n';
}
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
for (const stmt of parts.load.split(';').filter((s) => s.trim())) await conn.run(stmt);

// What DuckDB holds in memory for the loaded rows, read before the timing.
const bytes = Number((await conn.runAndReadAll('SELECT sum(memory_usage_bytes) FROM duckdb_memory()')).getRows()[0][0]);

async function time(sql) {
  const ms = [];
  let rows = 0;
  for (let i = 0; i < Number(runs); i++) {
    const t0 = performance.now();
    const reader = await conn.runAndReadAll(sql);
    rows = reader.getRows().length;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return [ms[Math.floor(ms.length / 2)], rows];
}
const [queryMs, groups] = await time(parts.query);
const [countMs] = await time(parts.count);
const count = Number((await conn.runAndReadAll(parts.count)).getRows()[0][0]);
console.log(JSON.stringify({ query_ms: queryMs, count_ms: countMs, groups, rows: count, bytes, version: (await conn.runAndReadAll('SELECT version()')).getRows()[0][0] }));
