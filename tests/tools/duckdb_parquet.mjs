// tests/tools/duckdb_parquet.mjs — writes flow-log text (plain or gzip, first line a header) as
// Parquet the way AWS delivers it: AWS field names with '_' for '-', int32 ports and the like,
// int64 bytes, packets, start, end, strings for the rest, '-' as NULL. Used by
// tests/cli/parquet_read.sh to check that vpcflow reads Parquet as it reads the same text.
//
//   node tests/tools/duckdb_parquet.mjs --input FILE --output FILE.parquet
//        [--codec snappy|gzip|zstd|uncompressed] [--row-group-size N] [--no-dictionary]
//        [--page-v2] [--columns name,name,...  (AWS names: a subset, in this order)]
//        [--int64]  (every integer column as INT64)
//   node tests/tools/duckdb_parquet.mjs --jobs FILE   (one line of the options above per file to
//        write, all in one DuckDB: starting Node and DuckDB costs more than writing a small file)
//   node tests/tools/duckdb_parquet.mjs --describe FILE.parquet ...   (JSON: for each file, per
//        column chunk: row group, column, type, encodings, codec, NULL count)
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const INT32 = new Set(['version', 'srcport', 'dstport', 'protocol', 'tcp-flags', 'traffic-path']);
const INT64 = new Set(['packets', 'bytes', 'start', 'end', 'packets-lost-no-route', 'packets-lost-blackhole',
    'packets-lost-mtu-exceeded', 'packets-lost-ttl-expired']);

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;
const ident = (s) => `"${String(s).replaceAll('"', '""')}"`;

function parseArgs(argv) {
    const o = { codec: 'snappy', rowGroupSize: 0, dictionary: true, v2: false, int64: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--input') o.input = argv[++i];
        else if (a === '--output') o.output = argv[++i];
        else if (a === '--codec') o.codec = argv[++i];
        else if (a === '--row-group-size') o.rowGroupSize = Number(argv[++i]);
        else if (a === '--no-dictionary') o.dictionary = false;
        else if (a === '--page-v2') o.v2 = true;
        else if (a === '--int64') o.int64 = true;
        else if (a === '--columns') o.columns = argv[++i].split(',');
        else if (a === '--describe') (o.describe ||= []).push(argv[++i]);
        else if (a === '--jobs') o.jobs = argv[++i];
        else throw new Error(`unknown argument ${a}`);
    }
    return o;
}

function headerOf(path) {
    let data = readFileSync(path);
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
    const text = data.toString('utf8');
    return text.slice(0, text.indexOf('\n')).trim().split(/\s+/);
}

async function main() {
    const o = parseArgs(process.argv.slice(2));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run('SET threads = 1');
    if (o.describe) {
        const out = {};
        for (const f of o.describe) {
            const r = await conn.runAndReadAll(
                `SELECT row_group_id, path_in_schema, type, encodings, compression, stats_null_count ` +
                    `FROM parquet_metadata(${sqlString(f)}) ORDER BY 1, 2`);
            out[f] = r.getRows().map((row) => row.map(String));
        }
        console.log(JSON.stringify(out));
        return;
    }
    const jobs = o.jobs
        ? readFileSync(o.jobs, 'utf8').split('\n').filter((l) => l.trim()).map((l) => parseArgs(l.trim().split(/\s+/)))
        : [o];
    for (const job of jobs) await write(conn, job);
}

async function write(conn, o) {
    const names = headerOf(o.input);
    const type = (n) => (INT64.has(n) || (o.int64 && INT32.has(n)) ? 'BIGINT' : INT32.has(n) ? 'INTEGER' : 'VARCHAR');
    const columns = `{${names.map((n) => `${sqlString(n)}: ${sqlString(type(n))}`).join(', ')}}`;
    const wanted = o.columns || names;
    const select = wanted.map((n) => `${ident(n)} AS ${ident(n.replaceAll('-', '_'))}`).join(', ');
    const source = `read_csv(${sqlString(o.input)}, delim = ' ', header = true, quote = '', escape = '', ` +
        `nullstr = '-', auto_detect = false, columns = ${columns})`;
    const opts = [`FORMAT parquet`, `COMPRESSION ${o.codec}`];
    if (o.rowGroupSize) opts.push(`ROW_GROUP_SIZE ${o.rowGroupSize}`);
    if (!o.dictionary) opts.push('DICTIONARY_SIZE_LIMIT 0');
    if (o.v2) opts.push('PARQUET_VERSION V2');
    await conn.run(`COPY (SELECT ${select} FROM ${source}) TO ${sqlString(o.output)} (${opts.join(', ')})`);
}

main().catch((e) => {
    console.error(String(e && e.message ? e.message : e));
    process.exit(1);
});
