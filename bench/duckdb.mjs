// bench/duckdb.mjs — the DuckDB side of bench/run.sh: one GROUP BY over flow-log text, or over
// the same records as Parquet.
//
//   node bench/duckdb.mjs --input PATH|GLOB --columns NAME:TYPE,... [--gzip] [--threads N]
//   node bench/duckdb.mjs --input PATH|GLOB --parquet [--threads N]   (read_parquet: the columns
//        and their types are the file's; --columns is not needed)
//   node bench/duckdb.mjs --version
//
// Prints one JSON object: {"seconds": query wall time, "rows": [[dstaddr, "bytes"], ...],
// "threads": N, "sql": the query}. Only the query is timed: starting DuckDB, connecting
// and setting the thread count come before the clock starts. The columns are given
// explicitly (no sniffing): a sniffer that sees only a sample can take a column of small
// numbers for INTEGER and then fail on a larger value further on, and '-' (the flow-log
// "no data" mark) must read as NULL.
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
    const opts = { threads: 0, gzip: false, parquet: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--version') opts.version = true;
        else if (a === '--gzip') opts.gzip = true;
        else if (a === '--parquet') opts.parquet = true;
        else if (a === '--input') opts.input = argv[++i];
        else if (a === '--columns') opts.columns = argv[++i];
        else if (a === '--threads') opts.threads = Number(argv[++i]);
        else throw new Error(`unknown argument ${a}`);
    }
    return opts;
}

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// "version:INTEGER,dstaddr:VARCHAR,..." -> DuckDB's struct literal for read_csv's columns=
function columnsLiteral(spec) {
    const pairs = spec.split(',').map((p) => {
        const [name, type] = p.split(':');
        if (!name || !/^[A-Z]+$/.test(type || '')) throw new Error(`bad column ${p}`);
        return `${sqlString(name)}: ${sqlString(type)}`;
    });
    return `{${pairs.join(', ')}}`;
}

function buildQuery(opts) {
    const source = opts.parquet
        ? `read_parquet(${sqlString(opts.input)})`
        : `read_csv(${sqlString(opts.input)}, delim = ' ', header = true, quote = '', ` +
        `escape = '', nullstr = '-', auto_detect = false, ` +
        `compression = ${opts.gzip ? "'gzip'" : "'none'"}, columns = ${columnsLiteral(opts.columns)})`;
    // WHERE: vpcflow counts OK records only; NODATA/SKIPDATA lines have no address or bytes.
    // The second sort key makes ties come out in one order in every engine.
    return (
        `SELECT dstaddr, sum(bytes) AS bytes FROM ${source} WHERE log_status = 'OK' ` +
        `GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`
    );
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    if (opts.version) {
        const r = await conn.runAndReadAll('SELECT version()');
        console.log(JSON.stringify({ version: String(r.getRows()[0][0]) }));
        return;
    }
    if (!opts.input || (!opts.columns && !opts.parquet))
        throw new Error('--input and --columns (or --parquet) are required');
    if (opts.threads > 0) await conn.run(`SET threads = ${Math.floor(opts.threads)}`);
    const threads = Number((await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
    const sql = buildQuery(opts);
    const t0 = process.hrtime.bigint();
    const reader = await conn.runAndReadAll(sql);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rows = reader.getRows().map(([key, bytes]) => [String(key), String(bytes)]);
    console.log(JSON.stringify({ seconds, rows, threads, sql }));
}

main().catch((err) => {
    console.error(`duckdb.mjs: ${err.message}`);
    process.exit(1);
});
