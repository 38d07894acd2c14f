#!/usr/bin/env bash
# pg_load.sh — `vpcflow load` into a real PostgreSQL (tests/tools/pg.sh): what the SQL of `vpcflow
# sql` answers over the loaded table and its view TABLE_unique equals what `summary` and `top`
# answer, class by class (bytes, packets, flows, cost to the micro-dollar), NAT processing, the
# total, and the top rows of eight key families;
#   1 the flat file and the S3 tree loaded in one go,
#   2 the S3 tree's files loaded one run each, in shuffled order,
#   3 a server killed in the middle of a large file: nothing of the file is visible, the next
#     run completes it exactly, a further run adds nothing,
#   4 --rollup 1h: the same totals as the raw rows (and a raw load into it refused),
#   5 errors, one line each and exit 1: no server, wrong password (never printed), wrong
#     user, a schema without privilege (nothing created),
#   6 paths that hold no flow-log record at all: exit 4 (a file skipped as loaded already: 0).
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}" "${ROOT:?set ROOT}"
source "$(dirname "$0")/../tools/pg.sh"
if ! pg_start; then
    [ -n "${PG_SKIP:-}" ] && { echo "skipped: no PostgreSQL server binaries"; exit 0; }
    exit 1
fi
dir=$PG_DIR/work
mkdir -p "$dir"
"$GEN" --size 4M --format v5 --layout both --seed 21 "$dir/d" 2>/dev/null
topo=$dir/d/topology
NET=(--subnets "$topo/describe-subnets.json" --enis "$topo/describe-network-interfaces.json"
    --ip-ranges "$topo/ip-ranges.json")
load() { "$VPCFLOW" load --dsn "$PG_DSN" --no-progress "${NET[@]}" "$@"; }

# What vpcflow itself answers.
KEYS="srcaddr class dstaddr pair dstport port day src-owner"
truth() { # data, name
    "$VPCFLOW" summary --output json --no-progress "${NET[@]}" "$1" >"$dir/$2.summary.json"
    for by in $KEYS; do
        "$VPCFLOW" top --by "$by" -n 12 --output json --no-progress "${NET[@]}" "$1" >"$dir/$2.$by.json"
    done
}

# The same questions asked by the SQL `vpcflow sql` prints, run in PostgreSQL over table T
# and its view T_unique, compared number for number (tests/tools/compare_*.py).
pg_rows() { # SQL on stdin -> JSON lines, every value as text
    psql -X -q --csv -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p 5432 -U vpcflow -d postgres |
        python3 -c 'import csv, json, sys
for r in csv.DictReader(sys.stdin): print(json.dumps({k: (v if v != "" else None) for k, v in r.items()}))'
}
check() { # table, truth name
    "$VPCFLOW" sql summary --table "$1" | pg_rows >"$dir/$1.summary.jsonl"
    python3 "$ROOT/tests/tools/compare_summary.py" "$dir/$2.summary.json" "$dir/$1.summary.jsonl" >"$dir/cmp" ||
        { echo "$1:"; cat "$dir/cmp"; return 1; }
    for by in $KEYS; do
        "$VPCFLOW" sql top --by "$by" -n 12 --table "$1" | pg_rows >"$dir/$1.$by.jsonl"
        python3 "$ROOT/tests/tools/compare_top.py" "$dir/$2.$by.json" "$dir/$1.$by.jsonl" >"$dir/cmp" ||
            { echo "$1:"; cat "$dir/cmp"; return 1; }
    done
}
rows_of() { pg_psql -c "SELECT count(*) FROM \"$1\""; }

truth "$dir/d/flows.log" all

# 1. in one go: the flat file, and the S3 tree
load --table flat "$dir/d/flows.log" 2>"$dir/err"
grep -q '^vpcflow: 1 file loaded, 0 skipped, [0-9]* rows, .* rows/s, .* MB/s$' "$dir/err" || { cat "$dir/err"; exit 1; }
check flat all
load --table prog --progress "$dir/d/flows.log" 2>"$dir/err" # the progress line, as on a terminal
tr '\r' '\n' <"$dir/err" | grep -aq 'K1 file loaded, 0 skipped, [1-9][0-9]* rows, [0-9.]* s, [1-9][0-9]* rows/s, [0-9.]* MB/s$' ||
    { cat -v "$dir/err"; exit 1; }
[ "$(rows_of prog)" = "$(rows_of flat)" ]
[ "$(tr '\r' '\n' <"$dir/err" | grep -a 'K1 file loaded' | tail -1 | grep -o ' [0-9]* rows,')" = " $(rows_of prog) rows," ] ||
    { cat -v "$dir/err"; exit 1; } # a file's rows counted once
load --table s3 "$dir/d/AWSLogs" 2>"$dir/err"
check s3 all
nfiles=$(find "$dir/d/AWSLogs" -type f | wc -l)
[ "$(pg_psql -c "SELECT count(*) FROM vpcflow_loaded_files WHERE table_name = 's3'")" = "$nfiles" ]
[ "$(rows_of s3)" = "$(rows_of flat)" ]
echo "1: flat file and S3 tree ($nfiles files) equal summary and top (${SECONDS}s)"

# 2. file by file, shuffled, one run each
find "$dir/d/AWSLogs" -type f | sort | shuf --random-source=<(yes) >"$dir/files"
# two loaders at a time: the first ones race to create the table and its indexes
export VPCFLOW PG_DSN
export NETS="${NET[*]}"
xargs -P 2 -I{} bash -c '"$VPCFLOW" load --dsn "$PG_DSN" --no-progress $NETS --table byfile "$1" 2>>"$0"' \
    "$dir/err.byfile" {} <"$dir/files" || { cat "$dir/err.byfile"; exit 1; }
[ "$(grep -c '^vpcflow: 1 file loaded, 0 skipped' "$dir/err.byfile")" = "$nfiles" ] || { cat "$dir/err.byfile"; exit 1; }
check byfile all
echo "2: $nfiles runs of one file each, shuffled, two at a time: the same numbers (${SECONDS}s)"

# 3. the server killed mid-file
"$GEN" --size 24M --format v5 --layout flat --seed 22 "$dir/big" 2>/dev/null
truth "$dir/big/flows.log" big
load --table crash "$dir/d/AWSLogs/$(cd "$dir/d/AWSLogs" && find . -type f | sort | sed -n 1p)" 2>/dev/null
before=$(rows_of crash)
load --table crash "$dir/big/flows.log" >"$dir/crash.out" 2>"$dir/crash.err" &
pid=$!
for _ in $(seq 1 200); do # until the rows flow
    [ "$(pg_psql -c "SELECT count(*) FROM pg_stat_progress_copy WHERE tuples_processed > 20000")" = 1 ] && break
    sleep 0.05
done
[ "$(pg_psql -c "SELECT count(*) FROM pg_stat_progress_copy")" = 1 ] || { echo "3: the load ended before the kill"; exit 1; }
pg_kill
rc=0
wait $pid || rc=$?
[ $rc = 1 ] || { echo "3: a load whose server died exits $rc"; cat "$dir/crash.err"; exit 1; }
[ "$(wc -l <"$dir/crash.err")" = 1 ] || { cat "$dir/crash.err"; exit 1; }
pg_restart
[ "$(rows_of crash)" = "$before" ]
[ "$(pg_psql -c "SELECT count(*) FROM vpcflow_loaded_files WHERE path = '$dir/big/flows.log'")" = 0 ]
load --table crash "$dir/big/flows.log" 2>"$dir/err"
pg_psql -c "DELETE FROM crash WHERE file_id IN (SELECT file_id FROM vpcflow_loaded_files WHERE path <> '$dir/big/flows.log')"
check crash big
after=$(rows_of crash)
load --table crash "$dir/big/flows.log" 2>"$dir/err"
grep -q "big/flows.log: loaded already (.*): skipped" "$dir/err" || { cat "$dir/err"; exit 1; }
grep -q '^vpcflow: 0 files loaded, 1 skipped, 0 rows' "$dir/err" || { cat "$dir/err"; exit 1; }
[ "$(rows_of crash)" = "$after" ]
(cd "$dir/big" && load --table crash flows.log 2>"$dir/err") # known by its absolute path
grep -q '^vpcflow: flows.log: loaded already (.*): skipped' "$dir/err" || { cat "$dir/err"; exit 1; }
sums=$(pg_psql -c "SELECT count(*), sum(bytes), sum(cost_num) FROM crash")
load --table crash --reload "$dir/big/flows.log" 2>"$dir/err"
grep -q "big/flows.log: loaded before (.*): its rows are replaced (--reload)" "$dir/err" || { cat "$dir/err"; exit 1; }
[ "$(pg_psql -c "SELECT count(*), sum(bytes), sum(cost_num) FROM crash")" = "$sums" ]
echo "3: killed mid-file: nothing of it; the next run loads it exactly; again: skipped; --reload replaces (${SECONDS}s)"

# 4. rollup
load --table hourly --rollup 1h "$dir/d/AWSLogs" 2>"$dir/err"
check hourly all
[ "$(pg_psql -c "SELECT sum(flows) FROM hourly")" = "$(rows_of s3)" ]
[ "$(pg_psql -c "SELECT count(*) < (SELECT count(*) FROM s3) FROM hourly")" = t ]
load --table hourly --rollup 1d "$dir/d/flows.log" 2>"$dir/err" && exit 1
grep -q 'table "public"."hourly" holds rollup 1h rows, not rollup 1d rows' "$dir/err" || { cat "$dir/err"; exit 1; }
load --table hourly "$dir/d/flows.log" 2>"$dir/err" && exit 1
grep -q 'table "public"."hourly" holds rollup 1h rows, not raw rows' "$dir/err" || { cat "$dir/err"; exit 1; }
load --table flat --rollup 1h "$dir/d/flows.log" 2>"$dir/err" && exit 1
grep -q 'table "public"."flat" holds raw rows, not rollup 1h rows: load it without --rollup' "$dir/err" || { cat "$dir/err"; exit 1; }
echo "4: --rollup 1h totals equal the raw ones; a table stays raw or its rollup (${SECONDS}s)"

# a file that cannot be read wholly is not loaded at all; the others are (exit 3)
mkdir -p "$dir/part"
good=$(find "$dir/d/AWSLogs" -type f | sort | sed -n 1p)
cp "$good" "$dir/part/a.log.gz"
head -c $(($(stat -c %s "$good") / 2)) "$good" >"$dir/part/b.log.gz"
rc=0
load --table partial "$dir/part" 2>"$dir/err" || rc=$?
[ $rc = 3 ] || { echo "a truncated file: exit $rc"; cat "$dir/err"; exit 1; }
grep -q 'b.log.gz: not read wholly: nothing of it was loaded' "$dir/err" || { cat "$dir/err"; exit 1; }
[ "$(pg_psql -c "SELECT string_agg(path, ',') FROM vpcflow_loaded_files WHERE table_name = 'partial'")" = "$dir/part/a.log.gz" ]
[ "$(rows_of partial)" = "$(pg_psql -c "SELECT rows FROM vpcflow_loaded_files WHERE table_name = 'partial'")" ]
rc=0
load --table partial "$dir/part/a.log.gz" "$dir/part/missing.log.gz" 2>"$dir/err" || rc=$?
[ $rc = 3 ] && grep -q 'missing.log.gz: cannot open: No such file or directory: nothing of it was loaded' "$dir/err" ||
    { echo "a missing file: exit $rc"; cat "$dir/err"; exit 1; }
echo "a truncated gzip or a missing file among others: nothing of it, the others loaded, exit 3"

# 5. errors: one line each, exit 1
fails() { # expected text, load arguments...
    local want=$1 rc=0
    shift
    "$VPCFLOW" load --no-progress "$@" "$dir/d/flows.log" >"$dir/out" 2>"$dir/err" || rc=$?
    [ $rc = 1 ] || { echo "5: exit $rc, not 1: $*"; cat "$dir/err"; exit 1; }
    [ "$(wc -l <"$dir/err")" = 1 ] || { echo "5: not one line: $*"; cat "$dir/err"; exit 1; }
    grep -qF -- "$want" "$dir/err" || { echo "5: no '$want': $*"; cat "$dir/err"; exit 1; }
    if grep -q "S3cr3t" "$dir/err"; then echo "5: the password is printed: $*"; exit 1; fi
}
fails "cannot connect to PostgreSQL (host=$dir/nothing port=5432 dbname=postgres user=vpcflow): connection refused" \
    --dsn "host=$dir/nothing port=5432 dbname=postgres user=vpcflow password=S3cr3t"
pg_psql -c "CREATE ROLE pw LOGIN PASSWORD 'right-password'"
{ echo "local all pw scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } >"$dir/hba"
cat "$dir/hba" >"$PG_DIR/data/pg_hba.conf"
pg_psql -c "SELECT pg_reload_conf()" >/dev/null
fails "user=pw): authentication failed: password authentication failed for user \"pw\"" \
    --dsn "$PG_DSN user=pw password=S3cr3t-wrong"
fails "authentication failed" --dsn "postgresql://pw:S3cr3t-wrong@/postgres?host=$PG_SOCK"
fails 'role "nobody" does not exist' --dsn "$PG_DSN user=nobody password=S3cr3t"
pg_psql -c "CREATE SCHEMA locked; CREATE ROLE limited LOGIN"
fails 'PostgreSQL: permission denied for schema locked (creating the tables in schema "locked")' \
    --dsn "$PG_DSN user=limited" --schema locked
[ "$(pg_psql -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'locked'")" = 0 ]
rc=0
"$VPCFLOW" load --dsn "host=x password=S3cr3t x" "$dir/d/flows.log" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && ! grep -q S3cr3t "$dir/err" || { echo "5: a malformed DSN: exit $rc"; cat "$dir/err"; exit 1; }
echo "5: no server, wrong password, wrong user, no privilege: one line each, exit 1, no password"

# 6: paths that hold no flow-log record at all: exit 4 with what was found; files loaded before
# and skipped now are not that case (exit 0)
mkdir -p "$dir/none"
printf 'not a flow log\n' >"$dir/notes.txt"
for p in "$dir/none" "$dir/notes.txt"; do
    rc=0
    "$VPCFLOW" load --no-progress --dsn "$PG_DSN" --table norec "$p" >/dev/null 2>"$dir/err" || rc=$?
    [ $rc = 4 ] && grep -q "^vpcflow: no flow-log records" "$dir/err" || { echo "6: $p: exit $rc"; cat "$dir/err"; exit 1; }
done
"$VPCFLOW" load --no-progress --dsn "$PG_DSN" --table norec "$dir/d/flows.log" >/dev/null 2>&1
"$VPCFLOW" load --no-progress --dsn "$PG_DSN" --table norec "$dir/d/flows.log" >/dev/null 2>&1 ||
    { echo "6: a file loaded already: exit $?"; exit 1; }
echo "6: no records at all: exit 4; a file skipped as loaded already: exit 0"
