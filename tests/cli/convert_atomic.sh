#!/usr/bin/env bash
# convert_atomic.sh — a convert killed (SIGKILL) in the middle of a file leaves no file that a
# reader's glob (**/*.parquet) would take: only the hidden .NAME.tmp; running it again writes
# the whole output and removes the temporary. The input comes through a pipe that this script
# holds open, so the kill lands while the file is being written, whatever the machine's speed.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}" "${ROOT:?set ROOT}"
dir=$(mktemp -d /tmp/vpcflow-convert-atomic-XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
"$GEN" --size 24M --format v5 --layout flat --seed 41 "$dir/g" 2>/dev/null
topo="$dir/g/topology"
opts=(--to parquet --out "$dir/out" --partition hour --memory 16M -j1 --quiet
    --enis "$topo/describe-network-interfaces.json" --subnets "$topo/describe-subnets.json")
mkfifo "$dir/pipe"
"$VPCFLOW" convert "${opts[@]}" - <"$dir/pipe" &
pid=$!
exec 3>"$dir/pipe"
head -c 12000000 "$dir/g/flows.log" >&3 # half the input; the pipe stays open
for _ in $(seq 1 600); do               # until a row group has reached the temporary file
    if find "$dir/out" -name '.*.tmp' -size +0 2>/dev/null | grep -q .; then break; fi
    sleep 0.05
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
pid=
exec 3>&-
find "$dir/out" -name '.*.tmp' -size +0 | grep -q . || { echo "no temporary file: the kill did not land mid-file"; exit 1; }
if find "$dir/out" -name '*.parquet' | grep -q .; then
    echo "a killed run left files a reader would take:"
    find "$dir/out" -name '*.parquet'
    exit 1
fi
# again, to the end: the whole output, no temporaries
"$VPCFLOW" convert "${opts[@]}" - <"$dir/g/flows.log"
if find "$dir/out" -name '*.tmp' | grep -q .; then
    echo "temporaries left after a complete run:"
    find "$dir/out" -name '*.tmp'
    exit 1
fi
echo "SELECT count(*) AS n FROM read_parquet('$dir/out/**/*.parquet')" |
    node "$ROOT/tests/tools/parquet_rows.mjs" sql >"$dir/count.jsonl"
want=$("$VPCFLOW" cat "$dir/g/flows.log" | wc -l)
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["n"])' "$dir/count.jsonl")
[ "$got" = "$want" ] || { echo "rows after the re-run: $got, records: $want"; exit 1; }
echo "a killed convert leaves only a hidden .tmp; the re-run writes all $want rows"
