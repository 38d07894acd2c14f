#!/usr/bin/env bash
# convert_distributed.sh — the map stage: the generator's S3 tree converted object by object in
# separate processes (xargs -P2 -n1, as a Lambda per S3 object or a Spark task would), then one
# SQL over every output file (DuckDB over the Hive tree) gives what `vpcflow summary --output
# json` gives over the whole tree: bytes, packets, flows and cost per class to the micro-dollar,
# NAT processing and the total. The SQL is `vpcflow sql summary --dialect duckdb --parquet OUT`.
# Re-running one object replaces its files, never adds rows.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}" "${ROOT:?set ROOT}"
dir=$(mktemp -d /tmp/vpcflow-convert-dist-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$GEN" --size 4M --format v5 --layout both --seed 31 "$dir/g" 2>/dev/null
topo="$dir/g/topology"
opts=(--enis "$topo/describe-network-interfaces.json" --subnets "$topo/describe-subnets.json"
    --ip-ranges "$topo/ip-ranges.json")
find "$dir/g/AWSLogs" -type f -name '*.log.gz' | sort >"$dir/objects"
xargs -P2 -n1 "$VPCFLOW" convert --to parquet --out "$dir/out" --partition hour --quiet "${opts[@]}" \
    <"$dir/objects"
# one object again: its files are replaced
"$VPCFLOW" convert --to parquet --out "$dir/out" --partition hour --quiet "${opts[@]}" "$(head -1 "$dir/objects")"
"$VPCFLOW" summary --output json --no-progress "${opts[@]}" "$dir/g/AWSLogs" >"$dir/summary.json"

"$VPCFLOW" sql summary --dialect duckdb --parquet "$dir/out" >"$dir/summary.sql"
echo "SELECT count(*) AS n FROM read_parquet('$dir/out/**/*.parquet')" |
    node "$ROOT/tests/tools/parquet_rows.mjs" sql >"$dir/count.jsonl"
node "$ROOT/tests/tools/parquet_rows.mjs" sql <"$dir/summary.sql" >"$dir/sql.jsonl"
nobj=$(wc -l <"$dir/objects")
nfiles=$(find "$dir/out" -name '*.parquet' | wc -l)
ntmp=$(find "$dir/out" -name '*.tmp' | wc -l)

python3 - "$dir" "$nobj" "$nfiles" "$ntmp" <<'PY'
import json, sys
d, nobj, nfiles, ntmp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = json.load(open(d + "/summary.json"))
rows = {r["class"]: r for r in map(json.loads, open(d + "/sql.jsonl"))}
bad = []
for cls, want in s["classes"].items():
    got = rows[cls]
    for k in ("bytes", "packets", "flows"):
        if int(got[k]) != want[k]:
            bad.append(f"{cls}.{k}: SQL {got[k]}, summary {want[k]}")
    if got["cost_micro_usd"] != round(want["cost_usd"] * 10**6):
        bad.append(f"{cls}.cost_usd: SQL {got['cost_micro_usd'] / 1e6}, summary {want['cost_usd']}")
nat = rows["nat-processing"]
if int(nat["bytes"]) != s["nat_processing"]["bytes"] or nat["cost_micro_usd"] != round(s["nat_processing"]["cost_usd"] * 10**6):
    bad.append(f"nat_processing: SQL {nat}, summary {s['nat_processing']}")
if rows["total"]["cost_micro_usd"] != round(s["cost_usd_total"] * 10**6):
    bad.append(f"total cost: SQL {rows['total']['cost_micro_usd']}, summary {s['cost_usd_total']}")
n = json.load(open(d + "/count.jsonl"))["n"]
want_rows = s["records"] + s["records_nodata"] + s["records_skipdata"]
if n != want_rows:
    bad.append(f"rows: {n}, records read {want_rows} (a re-run added rows?)")
if sum(1 for c in s["classes"].values() if c["bytes"]) < 5:
    bad.append("the data set exercises too few classes")
if nfiles < nobj or ntmp:
    bad.append(f"{nfiles} files for {nobj} objects, {ntmp} temporaries")
print("\n".join(bad) if bad else f"ok: {nobj} objects, {nfiles} files")
sys.exit(1 if bad else 0)
PY
echo "convert per S3 object in separate processes + SQL over the files = vpcflow summary"
