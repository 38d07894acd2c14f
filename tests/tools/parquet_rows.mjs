// tests/tools/parquet_rows.mjs — the rows of Parquet files as JSON lines, read by one of two
// independent readers, so that tests can compare them with each other and with vpcflow cat.
//
//   node tests/tools/parquet_rows.mjs duckdb|hyparquet [--aws] PATH...
//   node tests/tools/parquet_rows.mjs cat FILE.parquet < cat.jsonl
//   node tests/tools/parquet_rows.mjs schema FILE.parquet
//   node tests/tools/parquet_rows.mjs sql < query.sql
//
// Values are normalised the same way for every source: integers as JSON numbers (as strings
// past 2^53), text as strings, NULL as null, booleans as booleans, DECIMAL as a string of
// digits. Keys follow the file's column order. Each row is printed as "PATH<TAB>JSON", PATH
// as given: a file, or a directory whose *.parquet files (at any depth, hidden ones left out,
// in sorted order) are read one after the other. --aws keeps only the AWS field columns
// (those before `class`). `cat` turns `vpcflow cat --output jsonl` lines into the same shape: AWS
// names with '_' for '-', every AWS column of FILE.parquet, null where the record had none.
// `schema` prints DuckDB's DESCRIBE of the file (column, type) as JSON lines; `sql` runs the
// statements on standard input in DuckDB and prints the last one's rows as JSON objects.
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { asyncBufferFromFile } from 'hyparquet/src/node.js';
import { compressors } from 'hyparquet-compressors';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ENRICHMENT_FIRST = 'class';

function norm(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();
    if (v instanceof Uint8Array) {
        let x = 0n; // big-endian two's complement
        for (const b of v) x = (x << 8n) | BigInt(b);
        if (v.length && v[0] & 0x80) x -= 1n << BigInt(8 * v.length);
        return x.toString();
    }
    if (typeof v === 'object' && 'scale' in v && 'value' in v) // DuckDB DECIMAL
        return v.scale ? v.toString() : v.value.toString();
    return v;
}

function emit(names, get, aws, prefix = '') {
    const keep = aws ? names.slice(0, names.indexOf(ENRICHMENT_FIRST)) : names;
    const o = {};
    for (const n of keep) o[n] = norm(get(n));
    process.stdout.write(prefix + JSON.stringify(o) + '\n');
}

function parquetFiles(path) {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.parquet') && !f.split('/').some((part) => part.startsWith('.')))
        .sort()
        .map((f) => join(path, f));
}

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

async function duckdb(paths, aws) {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const path of paths) {
        for (const f of parquetFiles(path)) {
            const r = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(f)}, hive_partitioning = false)`);
            const names = r.columnNames();
            for (const row of r.getRows()) emit(names, (n) => row[names.indexOf(n)], aws, path + '\t');
        }
    }
}

async function hyparquet(paths, aws) {
    for (const path of paths) {
        for (const f of parquetFiles(path)) await hyparquetFile(path, f, aws);
    }
}

async function hyparquetFile(path, f, aws) {
    {
        const file = await asyncBufferFromFile(f);
        const metadata = await parquetMetadataAsync(file);
        // DECIMAL(38,0) past 2^53 is not exact as a JS number: read the column's bytes instead
        for (const el of metadata.schema) {
            if (el.converted_type === 'DECIMAL') {
                delete el.converted_type;
                delete el.logical_type;
            }
        }
        const names = metadata.schema.slice(1).map((e) => e.name);
        const rows = await parquetReadObjects({ file, metadata, compressors });
        for (const row of rows) emit(names, (n) => row[n], aws, path + '\t');
    }
}

async function schemaNames(file) {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    return metadata.schema.slice(1).map((e) => e.name);
}

async function cat(file) {
    const names = await schemaNames(file);
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
        if (!line) continue;
        const rec = {};
        for (const [k, v] of Object.entries(JSON.parse(line))) rec[k.replaceAll('-', '_')] = v;
        emit(names, (n) => (n in rec ? rec[n] : null), true);
    }
}

async function schema(file) {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
    for (const row of r.getRows()) process.stdout.write(JSON.stringify([row[0], row[1]]) + '\n');
}

async function sql() {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const r = await conn.runAndReadAll(text);
    const names = r.columnNames();
    for (const row of r.getRows()) emit(names, (n) => row[names.indexOf(n)], false);
}

const [mode, ...rest] = process.argv.slice(2);
const aws = rest[0] === '--aws';
const files = aws ? rest.slice(1) : rest;
if (mode === 'duckdb') await duckdb(files, aws);
else if (mode === 'hyparquet') await hyparquet(files, aws);
else if (mode === 'cat') await cat(files[0]);
else if (mode === 'schema') await schema(files[0]);
else if (mode === 'sql') await sql();
else {
    process.stderr.write('usage: parquet_rows.mjs duckdb|hyparquet [--aws] FILE... | cat FILE | schema FILE | sql\n');
    process.exit(2);
}
