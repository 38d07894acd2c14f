#!/usr/bin/env bash
# bench/run.sh — vpcflow's throughput next to DuckDB and PostgreSQL, on the same data, in one run.
#
#   bench/run.sh [--size SIZE] [--threads "1 2 ..."] [--quick] [--out DIR] [--keep]
#
#   --size SIZE     record text to generate (vpcflow-gen's --size; default 1G, 2M with --quick)
#   --threads LIST  thread counts to time, space separated (default "1 N", N = nproc)
#   --quick         one run per measurement and a tiny data set: the CI smoke run
#   --out DIR       where results.md and raw.tsv go (default bench/out)
#   --keep          keep the data this run generated (bench/data/SIZE) for the next run
#
# Environment: VPCFLOW_BUILD (build folder with vpcflow and vpcflow-gen, default build),
# BENCH_DATA (data folder, default bench/data); relative paths are from the repository root.
# BENCH_NO_GNU_TIME=1 measures with bench/rusage.py even where GNU time is installed.
#
# Steps: install what is missing (Debian packages as root, `npm ci` for DuckDB), generate
# data with vpcflow-gen (seed 1, default format, flows.log plus the gzip S3 tree), convert
# flows.log once to Parquet with DuckDB (flows.parquet: snappy, AWS's column names and types,
# as tests/tools/duckdb_parquet.mjs writes it; not timed), read it all once to warm the page cache, CHECK that every engine gives the same top 10 and that
# `vpcflow summary` gives truth.json's numbers, then time each command (median of 3) and
# write one Markdown table. Every timed run's answer is checked again; any disagreement
# stops the run with both answers printed.
set -euo pipefail
export LC_ALL=C TZ=UTC
CALLER_PWD=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
abspath() { case $1 in /*) echo "$1" ;; *) echo "$CALLER_PWD/$1" ;; esac; }

SIZE="" THREADS="" QUICK=0 OUT="$ROOT/bench/out" KEEP=0 SEED=1
while [ $# -gt 0 ]; do
    case $1 in
    --size) SIZE=${2:?--size needs a value}; shift 2 ;;
    --threads) THREADS=${2:?--threads needs a list}; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT=$(abspath "${2:?--out needs a folder}"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see bench/run.sh --help)" ;;
    esac
done
NPROC=$(nproc 2>/dev/null || echo 1)
[ -n "$SIZE" ] || { [ $QUICK = 1 ] && SIZE=2M || SIZE=1G; }
[ -n "$THREADS" ] || THREADS="1 $NPROC"
THREADS=$(tr -s ' \t' '\n' <<<"$THREADS" | awk 'NF && !seen[$0]++' | tr '\n' ' ')
for t in $THREADS; do
    [[ $t =~ ^[1-9][0-9]*$ ]] || die "--threads: '$t' is not a positive number"
done
MAX_T=$(tr ' ' '\n' <<<"$THREADS" | sort -n | tail -1)
REPS=3
[ $QUICK = 1 ] && REPS=1
[[ $SIZE =~ ^[0-9]+[KMGT]?$ ]] || die "--size: '$SIZE' is not a size like 200M or 1G"

in_root() { case $1 in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
BUILD=$(in_root "${VPCFLOW_BUILD:-build}")
VPCFLOW=$BUILD/vpcflow GEN=$BUILD/vpcflow-gen
if [ ! -x "$VPCFLOW" ] || [ ! -x "$GEN" ]; then die "$VPCFLOW or $GEN missing: run make first"; fi
DATA_ROOT=$(in_root "${BENCH_DATA:-bench/data}")
DATA=$DATA_ROOT/$SIZE

# --- what the run needs ---------------------------------------------------------------------

apt_install() { # Debian packages, as root; otherwise say what to install
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        die "missing: $* (install the Debian packages: apt-get install -y $*)"
    fi
    say "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
        die "apt-get install $* failed"
}

source "$ROOT/bench/pg.sh"
install_missing() {
    local pkgs=()
    command -v python3 >/dev/null || pkgs+=(python3)
    command -v node >/dev/null || pkgs+=(nodejs)
    command -v npm >/dev/null || pkgs+=(npm)
    command -v psql >/dev/null || pkgs+=(postgresql-client)
    pg_find_bin || pkgs+=(postgresql)
    [ ${#pkgs[@]} = 0 ] || apt_install "${pkgs[@]}"
    # The interpreter itself, not a version manager's shim: the checks call it often.
    PY=$(python3 -c 'import sys; print(sys.executable)')
    pg_find_bin || die "PostgreSQL server binaries (initdb, pg_ctl) still not found"
    if [ ! -d "$ROOT/node_modules/@duckdb/node-api" ]; then
        say "npm ci (DuckDB for Node.js)"
        (cd "$ROOT" && npm ci --no-audit --no-fund) >"$TMP/npm.log" 2>&1 || {
            tail -15 "$TMP/npm.log" >&2
            die "npm ci failed: @duckdb/node-api could not be installed (no network to the npm registry?)"
        }
    fi
    GNU_TIME=""
    local t
    for t in /usr/bin/time gtime; do
        if command -v "$t" >/dev/null && "$t" -f %M -o /dev/null true 2>/dev/null; then
            GNU_TIME=$(command -v "$t")
            break
        fi
    done
    [ -n "${BENCH_NO_GNU_TIME:-}" ] && GNU_TIME=""
    return 0
}

TMP=$(mktemp -d /tmp/vpcflow-bench-XXXXXX)
GENERATED=0
cleanup() {
    pg_stop
    rm -rf "$TMP"
    if [ $GENERATED = 1 ] && [ $KEEP = 0 ]; then
        rm -rf "$DATA"
        rmdir "$DATA_ROOT" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
install_missing

# --- data -----------------------------------------------------------------------------------

data_complete() {
    [ -f "$DATA/truth.json" ] && [ -f "$DATA/flows.log" ] && [ -d "$DATA/AWSLogs" ] &&
        [ -f "$DATA/topology/ip-ranges.json" ]
}
if data_complete; then
    say "using the data in $DATA"
else
    rm -rf "$DATA" "$DATA.part"
    mkdir -p "$DATA_ROOT"
    say "generating $SIZE of flow logs into $DATA"
    "$GEN" --seed $SEED --size "$SIZE" --layout both --format default "$DATA.part" 2>"$TMP/gen.err" ||
        { cat "$TMP/gen.err" >&2; die "vpcflow-gen failed"; }
    mv "$DATA.part" "$DATA"
    GENERATED=1
fi
FLOWS=$DATA/flows.log TREE=$DATA/AWSLogs PARQUET=$DATA/flows.parquet
if [ ! -f "$PARQUET" ]; then
    say "converting flows.log to Parquet (snappy) with DuckDB"
    node "$ROOT/tests/tools/duckdb_parquet.mjs" --input "$FLOWS" --output "$PARQUET.part" --codec snappy \
        2>"$TMP/parquet.err" || { cat "$TMP/parquet.err" >&2; die "writing $PARQUET failed"; }
    mv "$PARQUET.part" "$PARQUET"
fi
case $FLOWS in *"'"*) die "the data path must not contain a quote: $DATA" ;; esac
TOPO=(--subnets "$DATA/topology/describe-subnets.json" --enis "$DATA/topology/describe-network-interfaces.json"
    --ip-ranges "$DATA/topology/ip-ranges.json")
TEXT_BYTES=$(stat -c %s "$FLOWS")
GZ_BYTES=$(find "$TREE" -type f -name '*.gz' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
GZ_FILES=$(find "$TREE" -type f -name '*.gz' | wc -l)
PQ_BYTES=$(stat -c %s "$PARQUET")
truth() { "$PY" "$ROOT/bench/check.py" json "$DATA/truth.json" "$1"; }
RECORDS_OK=$(truth records)
RECORD_LINES=$((RECORDS_OK + $(truth records_nodata) + $(truth records_skipdata)))

say "warming the page cache"
cat "$FLOWS" "$PARQUET" >/dev/null
find "$TREE" -type f -exec cat {} + >/dev/null

# Column types from flows.log's header line, for DuckDB (no sniffing) and PostgreSQL.
read -r HEADER <"$FLOWS"
DUCK_COLS="" PG_COLS=""
for f in $HEADER; do
    case $f in
    packets | bytes | start | end) dt=BIGINT pt=bigint ;;
    version | srcport | dstport | protocol | tcp-flags | type) dt=INTEGER pt=integer ;;
    *) dt=VARCHAR pt=text ;;
    esac
    DUCK_COLS+="${DUCK_COLS:+,}${f//-/_}:$dt"
    PG_COLS+="${PG_COLS:+, }\"${f//-/_}\" $pt"
done
for f in dstaddr bytes log-status; do
    [[ " $HEADER " == *" $f "* ]] || die "flows.log has no $f field: $HEADER"
done

# --- one measured command -------------------------------------------------------------------

RAW=$TMP/raw.tsv
: >"$RAW"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; } # system work threads rep seconds rss_kb

# measure OUTFILE COMMAND...: sets M_SEC (wall seconds) and M_RSS (peak RSS, kB)
measure() {
    local out=$1 rc=0
    shift
    if [ -n "$GNU_TIME" ]; then
        local t0=$EPOCHREALTIME t1
        "$GNU_TIME" -f %M -o "$TMP/rss" "$@" >"$out" 2>"$TMP/stderr" || rc=$?
        t1=$EPOCHREALTIME
        M_SEC=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')
        M_RSS=$(tail -n 1 "$TMP/rss")
    else
        "$PY" "$ROOT/bench/rusage.py" "$TMP/rss" "$@" >"$out" 2>"$TMP/stderr" || rc=$?
        read -r M_SEC M_RSS <"$TMP/rss"
    fi
    if [ $rc != 0 ]; then
        head -20 "$TMP/stderr" >&2
        die "exit status $rc from: $*"
    fi
}

check_top() { "$PY" "$ROOT/bench/check.py" top "$TMP/ref.top" "$1" "$2" "$3" || die "answers differ (see above)"; }
check_summary() { "$PY" "$ROOT/bench/check.py" summary "$DATA/truth.json" "$1" "$2" || die "summary differs from truth.json"; }

vpcflow_top() { measure "$2" "$VPCFLOW" top --by dstaddr --no-dedup -n 10 -o csv --no-progress -j "$1" "$3"; }
vpcflow_summary() { measure "$2" "$VPCFLOW" summary -o json --no-progress -j "$1" "${TOPO[@]}" "$3"; }
duckdb_top() { # threads outfile input [--gzip]
    measure "$2" node "$ROOT/bench/duckdb.mjs" --threads "$1" --input "$3" --columns "$DUCK_COLS" "${@:4}"
    M_SEC=$("$PY" "$ROOT/bench/check.py" json "$2" seconds)
}
GZ_GLOB="$TREE/**/*.log.gz" # expanded by DuckDB, not the shell

PG_QUERY="SELECT dstaddr, sum(bytes) AS bytes FROM flows WHERE log_status = 'OK' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10;"
# shellcheck disable=SC2016 # $BENCH_PID is for the shell that psql's \! starts
PG_RSS_PROBE='SELECT pg_backend_pid() AS pid \gset
\setenv BENCH_PID :pid
\! grep VmHWM /proc/$BENCH_PID/status'
pg_seconds() { awk '/^Time: / {printf "%.6f", $2 / 1000; exit}' "$1"; }
pg_rss() { awk '/^VmHWM:/ {print $2; exit}' "$1"; }
pg_load() { # outfile: a new UNLOGGED table filled by \copy; the \copy alone is timed
    pg_psql >"$1" 2>&1 <<EOF || { cat "$1" >&2; die "PostgreSQL load failed"; }
DROP TABLE IF EXISTS flows;
BEGIN;
CREATE UNLOGGED TABLE flows ($PG_COLS);
\\timing on
\\copy flows FROM '$FLOWS' WITH (FORMAT text, DELIMITER ' ', NULL '-', HEADER true, FREEZE true)
\\timing off
COMMIT;
$PG_RSS_PROBE
EOF
    M_SEC=$(pg_seconds "$1") M_RSS=$(pg_rss "$1")
}
pg_query() { # threads outfile: the query with threads-1 parallel workers (the leader works too)
    pg_psql -A -t -F '|' >"$2" 2>&1 <<EOF || { cat "$2" >&2; die "PostgreSQL query failed"; }
SET max_parallel_workers_per_gather = $(($1 - 1));
\\timing on
$PG_QUERY
\\timing off
$PG_RSS_PROBE
EOF
    M_SEC=$(pg_seconds "$2") M_RSS=$(pg_rss "$2")
}

# --- checks: every engine's answer before anything is timed ---------------------------------

say "checking answers ($RECORD_LINES records, $TEXT_BYTES bytes of text)"
vpcflow_top "$MAX_T" "$TMP/v.csv" "$FLOWS"
"$PY" "$ROOT/bench/check.py" norm "$TMP/v.csv" vpcflow-csv >"$TMP/ref.top"
[ "$(wc -l <"$TMP/ref.top")" = 10 ] || die "vpcflow top gave $(wc -l <"$TMP/ref.top") rows, not 10"
for t in $THREADS; do
    vpcflow_top "$t" "$TMP/v.csv" "$FLOWS" && check_top "vpcflow -j $t flows.log" "$TMP/v.csv" vpcflow-csv
    vpcflow_top "$t" "$TMP/v.csv" "$TREE" && check_top "vpcflow -j $t gzip tree" "$TMP/v.csv" vpcflow-csv
    vpcflow_summary "$t" "$TMP/s.json" "$FLOWS" && check_summary "vpcflow summary -j $t flows.log" "$TMP/s.json"
    vpcflow_summary "$t" "$TMP/s.json" "$TREE" && check_summary "vpcflow summary -j $t gzip tree" "$TMP/s.json"
    vpcflow_top "$t" "$TMP/v.csv" "$PARQUET" && check_top "vpcflow -j $t Parquet" "$TMP/v.csv" vpcflow-csv
    vpcflow_summary "$t" "$TMP/s.json" "$PARQUET" && check_summary "vpcflow summary -j $t Parquet" "$TMP/s.json"
done
DUCK_VERSION=$(node "$ROOT/bench/duckdb.mjs" --version | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["version"])')
duckdb_top "$MAX_T" "$TMP/d.json" "$FLOWS" && check_top "DuckDB flows.log" "$TMP/d.json" duckdb-json
duckdb_top "$MAX_T" "$TMP/d.json" "$GZ_GLOB" --gzip && check_top "DuckDB gzip tree" "$TMP/d.json" duckdb-json
duckdb_top "$MAX_T" "$TMP/d.json" "$PARQUET" --parquet && check_top "DuckDB Parquet" "$TMP/d.json" duckdb-json
say "starting a throw-away PostgreSQL server"
pg_start
say "PostgreSQL server up in $PG_DIR"
PG_VERSION=$(pg_version)
pg_load "$TMP/pg.out"
pg_psql -c 'ANALYZE flows' >/dev/null
pg_query "$MAX_T" "$TMP/pg.out" && check_top "PostgreSQL" "$TMP/pg.out" psql
PG_PLAN=""
for t in $THREADS; do
    w=$(pg_psql -A -t -c "SET max_parallel_workers_per_gather = $((t - 1))" -c "EXPLAIN $PG_QUERY" |
        awk '/Workers Planned:/ {print $NF; exit}')
    PG_PLAN+="${PG_PLAN:+, }$t thread(s): ${w:-0} worker(s) planned"
done
say "all engines agree"

# --- timing ---------------------------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

timed() { # system work threads label kind runner args...: REPS runs, each answer checked
    local sys=$1 work=$2 t=$3 label=$4 kind=$5 rep
    shift 5
    for rep in $(seq "$REPS"); do
        "$@"
        case $kind in
        summary) check_summary "$label" "$TMP/o" ;;
        *) check_top "$label" "$TMP/o" "$kind" ;;
        esac
        record "$sys" "$work" "$t" "$rep" "$M_SEC" "$M_RSS"
        say "$(printf '%-10s %-13s -j %-3s run %s: %8.3f s' "$sys" "$work" "$t" "$rep" "$M_SEC")"
    done
}
for t in $THREADS; do
    timed vpcflow top-plain "$t" "vpcflow top -j $t flows.log" vpcflow-csv vpcflow_top "$t" "$TMP/o" "$FLOWS"
    timed vpcflow summary-plain "$t" "vpcflow summary -j $t flows.log" summary vpcflow_summary "$t" "$TMP/o" "$FLOWS"
    timed vpcflow top-gz "$t" "vpcflow top -j $t gzip tree" vpcflow-csv vpcflow_top "$t" "$TMP/o" "$TREE"
    timed vpcflow summary-gz "$t" "vpcflow summary -j $t gzip tree" summary vpcflow_summary "$t" "$TMP/o" "$TREE"
    timed duckdb top-plain "$t" "DuckDB threads=$t flows.log" duckdb-json duckdb_top "$t" "$TMP/o" "$FLOWS"
    timed duckdb top-gz "$t" "DuckDB threads=$t gzip tree" duckdb-json duckdb_top "$t" "$TMP/o" "$GZ_GLOB" --gzip
    timed vpcflow top-parquet "$t" "vpcflow top -j $t Parquet" vpcflow-csv vpcflow_top "$t" "$TMP/o" "$PARQUET"
    timed vpcflow summary-parquet "$t" "vpcflow summary -j $t Parquet" summary vpcflow_summary "$t" "$TMP/o" "$PARQUET"
    timed duckdb top-parquet "$t" "DuckDB threads=$t Parquet" duckdb-json duckdb_top "$t" "$TMP/o" "$PARQUET" --parquet
done
for rep in $(seq "$REPS"); do
    pg_load "$TMP/o"
    record postgres load 1 "$rep" "$M_SEC" "$M_RSS"
    say "$(printf '%-10s %-13s -j %-3s run %s: %8.3f s' postgres load 1 "$rep" "$M_SEC")"
done
pg_psql -c 'ANALYZE flows' >/dev/null
for t in $THREADS; do
    timed postgres query "$t" "PostgreSQL $t thread(s)" psql pg_query "$t" "$TMP/o"
done
pg_stop

# --- report ---------------------------------------------------------------------------------

META=$TMP/meta.tsv
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
: >"$META"
meta date "$(date -u +%Y-%m-%dT%H:%MZ)"
meta cpu "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
meta cores "$NPROC"
meta memory "$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
meta kernel "$(uname -sr)"
meta os "$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")"
meta vpcflow "$("$VPCFLOW" --version)"
meta duckdb "DuckDB $DUCK_VERSION (@duckdb/node-api $("$PY" "$ROOT/bench/check.py" json "$ROOT/node_modules/@duckdb/node-api/package.json" version), Node.js $(node --version))"
meta postgres "PostgreSQL $PG_VERSION"
meta size "$SIZE"
meta seed "$SEED"
meta text_bytes "$TEXT_BYTES"
meta gz_bytes "$GZ_BYTES"
meta gz_files "$GZ_FILES"
meta pq_bytes "$PQ_BYTES"
meta record_lines "$RECORD_LINES"
meta records_ok "$RECORDS_OK"
meta reps "$REPS"
meta threads "$THREADS"
meta load "$LOAD_BEFORE"
if [ -n "$GNU_TIME" ]; then
    meta timer "GNU time (peak RSS), bash \$EPOCHREALTIME (wall)"
else
    measure /dev/null true
    meta timer "bench/rusage.py (wait4; a peak RSS under $((M_RSS / 1024)) MiB, the wrapper's own, reads as that)"
fi
meta pg_plan "$PG_PLAN"
mkdir -p "$OUT"
cp "$RAW" "$OUT/raw.tsv"
"$PY" "$ROOT/bench/report.py" "$RAW" "$META" >"$OUT/results.md"
cat "$OUT/results.md"
say "results in $OUT/results.md (every run in $OUT/raw.tsv)"
