// tests/tools/duckdb_sql.mjs — runs SQL statements (stdin, separated by ';' at line ends) in
// an in-memory DuckDB and prints the rows of the last one as JSON lines, every value as text
// (exact: HUGEINT and DECIMAL values are not squeezed through a double).
//
//   vpcflow sql summary --dialect duckdb --parquet OUT | node tests/tools/duckdb_sql.mjs [SETUP.sql]
//
// SETUP.sql, if given, runs first (e.g. a CREATE VIEW over test data).
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const setup = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : '';
const sql = readFileSync(0, 'utf8');
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const statements = (setup + '\n' + sql)
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s && !/^(--[^\n]*\n?)*$/.test(s));
let last = null;
for (const s of statements) last = await con.runAndReadAll(s);
if (last) {
    const names = last.columnNames();
    for (const row of last.getRows()) {
        const o = {};
        names.forEach((n, i) => {
            const v = row[i];
            o[n] = v === null || v === undefined ? null : String(v);
        });
        console.log(JSON.stringify(o));
    }
}
