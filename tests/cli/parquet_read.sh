#!/usr/bin/env bash
# parquet_read.sh — Parquet flow logs (as AWS delivers them: '_' names, int32 ports, int64 bytes,
# NULL for '-') written by DuckDB read exactly like the same text: `summary --output json` and
# `cat --output jsonl` equal for each codec, row-group size, dictionary on/off, data pages v1
# and v2, INT64 where AWS says int32; a subset of the columns in another order; a Hive-style
# tree mixing Parquet and gzip text in one walk; a bad row reported by its row number; a
# corrupt Parquet file among good inputs is a partial result (exit 3) naming the file.
set -euo pipefail
: "${VPCFLOW:?}" "${GEN:?}" "${ROOT:?}"
if ! command -v node >/dev/null || [ ! -d "$ROOT/node_modules/@duckdb/node-api" ]; then
    echo "SKIP: node or @duckdb/node-api missing: no DuckDB to write Parquet files"
    exit 0
fi
dir=$(mktemp -d /tmp/vpcflow-pqread-XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
pq() { node "$ROOT/tests/tools/duckdb_parquet.mjs" "$@"; }
summary() { "$VPCFLOW" summary --output json --no-progress --threads 1 "$@"; }
jsonl() { "$VPCFLOW" cat --output jsonl --no-progress "$@"; }

"$GEN" --size 1M --format v5 --layout flat --seed 5 "$dir/v5" 2>/dev/null
text=$dir/v5/flows.log
summary "$text" >"$dir/want.json"
jsonl "$text" >"$dir/want.jsonl"
variants=("--codec snappy" "--codec gzip --row-group-size 500" "--codec zstd --row-group-size 2048 --page-v2"
    "--codec uncompressed --no-dictionary" "--codec snappy --no-dictionary --page-v2 --row-group-size 999"
    "--codec zstd --int64" "--codec gzip --page-v2 --int64 --no-dictionary")
n=0
for opts in "${variants[@]}"; do
    n=$((n + 1))
    echo "--input $text --output $dir/f$n.parquet $opts"
done >"$dir/jobs"
cols=dstaddr,bytes,srcaddr,log-status,start,end,interface-id,action,packets,srcport
echo "--input $text --output $dir/sub.parquet --columns $cols --codec zstd" >>"$dir/jobs"
printf 'version srcaddr dstaddr bytes log-status\n2 10.0.0.1 10.0.0.2 5 OK\n2 10.0.0.1 10.0.0.2 5 OK\n2 10.0.0.x 10.0.0.2 5 OK\n' >"$dir/bad.log"
echo "--input $dir/bad.log --output $dir/bad.parquet" >>"$dir/jobs"
# a Hive-style tree: a few gzip text files turned into Parquet, walked with the others
"$GEN" --size 1M --format default --layout s3 --seed 6 "$dir/s3" 2>/dev/null
summary "$dir/s3/AWSLogs" >"$dir/want-tree.json"
hive=$dir/s3/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1
k=0
for gz in $(find "$dir/s3/AWSLogs" -name '*.log.gz' | sort | awk 'NR % 60 == 1'); do
    k=$((k + 1))
    mkdir -p "$hive/year=2026/month=12/day=03/hour=0$k"
    echo "--input $gz --output $hive/year=2026/month=12/day=03/hour=0$k/x$k.log.parquet --row-group-size 300"
done >>"$dir/jobs"
[ $k -ge 2 ] || fail "too few files to convert"
pq --jobs "$dir/jobs"
n=0
for opts in "${variants[@]}"; do
    n=$((n + 1))
    summary "$dir/f$n.parquet" >"$dir/got.json"
    cmp -s "$dir/want.json" "$dir/got.json" || { diff "$dir/want.json" "$dir/got.json" | head; fail "summary differs ($opts)"; }
    jsonl "$dir/f$n.parquet" >"$dir/got.jsonl"
    cmp -s "$dir/want.jsonl" "$dir/got.jsonl" || fail "cat differs ($opts)"
done
# what the files hold: NULLs, several row groups, AWS's types, each family of encodings
pq --describe "$dir/f1.parquet" --describe "$dir/f2.parquet" --describe "$dir/f3.parquet" \
    --describe "$dir/f4.parquet" --describe "$dir/f5.parquet" | python3 -c '
import json, sys
files = list(json.load(sys.stdin).values())
rows = files[1]
assert len({r[0] for r in rows}) > 2, "one row group"
types = {r[1]: r[2] for r in rows}
assert types["srcport"] == "INT32" and types["bytes"] == "INT64" and types["start"] == "INT64", types
assert types["srcaddr"] == "BYTE_ARRAY", types
assert sum(int(r[5]) for r in rows if r[1] == "instance_id") > 0, "no NULL instance_id"
enc = [set(e for r in f for e in r[3].split(", ")) for f in files]
assert "PLAIN_DICTIONARY" in enc[0], enc[0]
assert "RLE_DICTIONARY" in enc[2], enc[2]
assert enc[3] == {"PLAIN"}, enc[3]
assert {"DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY"} <= enc[4], enc[4]'
grep -q '"instance-id":null' "$dir/got.jsonl" || fail "no NULL read back"

# a subset of the columns, in another order: the same as the text cut the same way
python3 - "$text" "$cols" >"$dir/sub.log" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
names = lines[0].split()
want = [names.index(c) for c in sys.argv[2].split(",")]
for line in lines:
    f = line.split()
    print(" ".join(f[i] for i in want))
PY
jsonl "$dir/sub.log" >"$dir/want.jsonl"
jsonl "$dir/sub.parquet" >"$dir/got.jsonl"
cmp -s "$dir/want.jsonl" "$dir/got.jsonl" || fail "cat of a column subset differs"
summary "$dir/sub.log" >"$dir/want.json"
summary "$dir/sub.parquet" >"$dir/got.json"
cmp -s "$dir/want.json" "$dir/got.json" || fail "summary of a column subset differs"

# the Hive tree: the converted gzip files removed, the Parquet ones in their place
grep -o -- '--input [^ ]*\.log\.gz' "$dir/jobs" | cut -d' ' -f2 | xargs rm
summary "$dir/s3/AWSLogs" >"$dir/got.json"
cmp -s "$dir/want-tree.json" "$dir/got.json" || { diff "$dir/want.json" "$dir/got.json" | head; fail "summary of the mixed tree differs"; }

# a bad value is reported with its row number (line N = row N)
"$VPCFLOW" summary --no-progress "$dir/bad.parquet" >/dev/null 2>"$dir/err" || true
grep -q "bad.parquet:3: field 2 (srcaddr)" "$dir/err" || { cat "$dir/err"; fail "the bad row is not named by its number"; }

# a corrupt (truncated) Parquet file among good inputs: partial result, exit 3, named
head -c 2000 "$dir/f1.parquet" >"$dir/cut.parquet"
rc=0
"$VPCFLOW" summary --no-progress "$dir/f1.parquet" "$dir/cut.parquet" >/dev/null 2>"$dir/err" || rc=$?
[ $rc = 3 ] || fail "a truncated Parquet file: exit $rc (want 3)"
grep -q "cut.parquet: corrupt Parquet file" "$dir/err" || { cat "$dir/err"; fail "the corrupt file is not named"; }
# standard input cannot be Parquet (it is read from its end): said so
rc=0
"$VPCFLOW" cat --no-progress - <"$dir/f1.parquet" >/dev/null 2>"$dir/err" || rc=$?
[ $rc != 0 ] && grep -q "must be a regular file" "$dir/err" || fail "Parquet on standard input: exit $rc"
# alerts reads Parquet like its text; watch (which follows a growing file) refuses it, saying why
"$VPCFLOW" alerts --no-progress "$text" >"$dir/want.alerts"
"$VPCFLOW" alerts --no-progress "$dir/f3.parquet" >"$dir/got.alerts"
cmp -s "$dir/want.alerts" "$dir/got.alerts" || fail "alerts differ"
rc=0
timeout 20 "$VPCFLOW" watch "$dir/f1.parquet" >/dev/null 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "a Parquet file cannot be followed" "$dir/err" || { cat "$dir/err"; fail "watch of Parquet: exit $rc"; }
echo "ok: $n Parquet variants, a column subset, a Hive tree of $k Parquet files among gzip, errors"
