#!/usr/bin/env bash
# convert_distributed.sh — the map stage: the generator's S3 tree converted object by object in
# separate processes (xargs -P2 -n1, as a Lambda per S3 object or a Spark task would), then one
# SQL over every output file (DuckDB over the Hive tree) gives what `vpcflow summary --output
# json` gives over the whole tree: bytes, packets, flows and cost per class to the micro-dollar,
# and the NAT processing bytes. Re-running one object replaces its files, never adds rows.
# The SQL is the export-spec's "unique" rows; internet-out's tiered cost uses the built-in
# first tier (0.09 USD/GB; these logs are far below its 10 TB) until `vpcflow sql` prints it.
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

cat >"$dir/summary.sql" <<SQL
CREATE VIEW T AS SELECT * FROM read_parquet('$dir/out/**/*.parquet', hive_partitioning = true, union_by_name = true);
CREATE VIEW U AS SELECT * FROM T WHERE class IS NOT NULL AND (dedup = 'keep'
    OR (dedup = 'unless-logged' AND dedup_eni NOT IN (SELECT interface_id FROM T WHERE interface_id IS NOT NULL)
        AND (dedup_eni2 IS NULL OR dedup_eni2 NOT IN (SELECT interface_id FROM T WHERE interface_id IS NOT NULL)))
    OR (dedup = 'unless-nat-peer' AND dedup_peer NOT IN (SELECT nat_peer FROM T WHERE nat_peer IS NOT NULL)));
SELECT class, sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS flows, sum(cost_num) AS cost_num
FROM U GROUP BY class
UNION ALL SELECT 'nat-processing', sum(bytes), sum(packets), count(*), NULL FROM T WHERE nat_processing
UNION ALL SELECT 'rows', count(*), NULL, NULL, NULL FROM T
ORDER BY 1;
SQL
node "$ROOT/tests/tools/parquet_rows.mjs" sql <"$dir/summary.sql" >"$dir/sql.jsonl"
nobj=$(wc -l <"$dir/objects")
nfiles=$(find "$dir/out" -name '*.parquet' | wc -l)
ntmp=$(find "$dir/out" -name '*.tmp' | wc -l)

python3 - "$dir" "$nobj" "$nfiles" "$ntmp" <<'PY'
import json, sys
d, nobj, nfiles, ntmp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = json.load(open(d + "/summary.json"))
rows = {r["class"]: r for r in map(json.loads, open(d + "/sql.jsonl"))}
DENOM = 2**30 * 10**12  # cost_num is bytes x pico-USD per GB (GB = 2^30 bytes)
def micro(num):  # USD rounded half up to the micro-dollar
    return (num * 10**6 + DENOM // 2) // DENOM
bad = []
for cls, want in s["classes"].items():
    got = rows.get(cls, {"bytes": 0, "packets": 0, "flows": 0, "cost_num": "0"})
    num = int(got["cost_num"] or 0)
    if cls == "internet-out":
        num = int(got["bytes"]) * 9 * 10**10  # first tier, 0.09 USD/GB
    for k in ("bytes", "packets", "flows"):
        if int(got[k] or 0) != want[k]:
            bad.append(f"{cls}.{k}: SQL {got[k]}, summary {want[k]}")
    if micro(num) != round(want["cost_usd"] * 10**6):
        bad.append(f"{cls}.cost_usd: SQL {micro(num) / 1e6}, summary {want['cost_usd']}")
if int(rows["nat-processing"]["bytes"]) != s["nat_processing"]["bytes"]:
    bad.append(f"nat_processing.bytes: SQL {rows['nat-processing']['bytes']}, summary {s['nat_processing']['bytes']}")
want_rows = s["records"] + s["records_nodata"] + s["records_skipdata"]
if int(rows["rows"]["bytes"]) != want_rows:
    bad.append(f"rows: {rows['rows']['bytes']}, records read {want_rows} (a re-run added rows?)")
if sum(1 for c in s["classes"].values() if c["bytes"]) < 5:
    bad.append("the data set exercises too few classes")
if nfiles < nobj or ntmp:
    bad.append(f"{nfiles} files for {nobj} objects, {ntmp} temporaries")
print("\n".join(bad) if bad else f"ok: {nobj} objects, {nfiles} files")
sys.exit(1 if bad else 0)
PY
echo "convert per S3 object in separate processes + SQL over the files = vpcflow summary"
