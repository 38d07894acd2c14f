#!/usr/bin/env bash
# convert_parquet.sh — `vpcflow convert --to parquet` reads back the same in two independent
# readers, DuckDB and hyparquet, row for row, and its AWS field columns equal `vpcflow cat
# --output jsonl` of the same input (vpcflow's own reader gives them back from the file too):
# for the default format (v2), v5 and a custom format of every field up to v8 (IPv6, NODATA,
# a record without start), with each codec, without and with (hour, day) partitions. Also:
# the column types DuckDB sees, filters that use the row-group statistics, the jsonl and csv
# outputs equal to the Parquet rows, and the writer's round-trip file of every column type
# (tests/unit/test_parquet_write.c) read back by both readers.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}" "${ROOT:?set ROOT}"
ROWS="node $ROOT/tests/tools/parquet_rows.mjs"
dir=$(mktemp -d /tmp/vpcflow-convert-parquet-XXXXXX)
trap 'rm -rf "$dir"' EXIT

"$GEN" --size 256K --format default --layout flat --seed 21 "$dir/g2" 2>/dev/null
"$GEN" --size 256K --format v5 --layout flat --seed 22 "$dir/g5" 2>/dev/null
cat "$ROOT/tests/data/samples/default-v2.log" >>"$dir/g2/flows.log"
declare -A input=([v2]="$dir/g2/flows.log" [v5]="$dir/g5/flows.log" [v8]="$ROOT/tests/data/convert/custom-v8.log")
cases=()
for name in v2 v5 v8; do
    "$VPCFLOW" cat --output jsonl "${input[$name]}" >"$dir/cat-$name.jsonl"
    for run in zstd-none snappy-none gzip-none none-none zstd-hour gzip-day; do
        out="$dir/out/$name-$run"
        "$VPCFLOW" convert --to parquet --compression "${run%-*}" --partition "${run#*-}" --out "$out" --quiet \
            "${input[$name]}"
        cases+=("$out")
        # vpcflow reads its own Parquet output too (a third reader)
        [ "${run#*-}" != none ] || "$VPCFLOW" cat --output jsonl --quiet "$out"/*.parquet >"$out.cat.jsonl" 2>/dev/null
    done
    "$VPCFLOW" convert --to jsonl --out "$dir/jsonl-$name" --quiet "${input[$name]}"
    "$VPCFLOW" convert --to csv --out "$dir/csv-$name" --quiet "${input[$name]}"
done
# no temporaries left behind
if find "$dir/out" -name '*.tmp' | grep -q .; then
    echo "temporary files left:"
    find "$dir/out" -name '*.tmp'
    exit 1
fi
mkdir -p "$dir/rt"
PQW_ROUNDTRIP_DIR="$dir/rt" "$(dirname "$VPCFLOW")/tests/test_parquet_write" file_frame >/dev/null

$ROWS duckdb "${cases[@]}" "$dir"/rt/*.parquet >"$dir/duckdb.tsv"
$ROWS hyparquet "${cases[@]}" "$dir"/rt/*.parquet >"$dir/hyparquet.tsv"
$ROWS schema "$dir/out/v8-zstd-none" >"$dir/schema.jsonl"
f=$(ls "$dir/out/v8-zstd-none"/*.parquet)
$ROWS sql >"$dir/filters.jsonl" <<SQL
SELECT
  (SELECT count(*) FROM read_parquet('$f') WHERE bytes > 500000000000) AS big,
  (SELECT count(*) FROM read_parquet('$f') WHERE interface_id = 'eni-00000000000000003') AS eni3,
  (SELECT count(*) FROM read_parquet('$f') WHERE srcaddr >= '2600:' ) AS v6,
  (SELECT count(*) FROM read_parquet('$f') WHERE start < 1793577600) AS day1,
  (SELECT count(*) FROM read_parquet('$f') WHERE traffic_path = 8) AS tp8
SQL

python3 - "$dir" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
bad = []

def grouped(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        p, j = line.rstrip("\n").split("\t", 1)
        out.setdefault(p, []).append(json.loads(j))
    return out

duck, hyp = grouped(d + "/duckdb.tsv"), grouped(d + "/hyparquet.tsv")
schema = [json.loads(l) for l in open(d + "/schema.jsonl")]
names = [c for c, _ in schema]
aws = names[: names.index("class")]
key = lambda r: json.dumps(r, sort_keys=True)

def norm(v):  # as the node tool writes them
    return str(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53 else v

def cat_rows(name, path=None):
    rows = []
    for line in open(path or f"{d}/cat-{name}.jsonl", encoding="utf-8"):
        rec = {k.replace("-", "_"): v for k, v in json.loads(line).items()}
        rows.append({c: norm(rec.get(c)) for c in aws})
    return rows

for case in sorted(duck):
    if case.endswith(".parquet"):
        continue
    name, codec, part = os.path.basename(case).split("-")
    got, other = duck[case], hyp.get(case, [])
    if part != "none":  # partitions lose the input order: compare as multisets
        got, other = sorted(got, key=key), sorted(other, key=key)
    if got != other:
        bad.append(f"{case}: DuckDB and hyparquet differ ({len(got)} and {len(other)} rows)")
    want = cat_rows(name)
    proj = [{c: r[c] for c in aws} for r in duck[case]]
    if part != "none":
        want, proj = sorted(want, key=key), sorted(proj, key=key)
    if proj != want:
        diff = next((i for i, (a, b) in enumerate(zip(proj, want)) if a != b), min(len(proj), len(want)))
        bad.append(f"{case}: AWS columns differ from vpcflow cat at row {diff} ({len(proj)} vs {len(want)} rows)")
        if diff < min(len(proj), len(want)):
            bad.append("  " + str({c: (proj[diff][c], want[diff][c]) for c in aws if proj[diff][c] != want[diff][c]}))
    if part == "none" and cat_rows(name, case + ".cat.jsonl") != want:
        bad.append(f"{case}: vpcflow cat of the Parquet file differs from vpcflow cat of the input")
    if len(want) < 300:
        bad.append(f"{case}: only {len(want)} rows")
    # jsonl and csv hold the same rows as the Parquet file
    if codec == "zstd" and part == "none":
        (jf,) = [f for f in os.listdir(f"{d}/jsonl-{name}") if f.endswith(".jsonl")]
        jrows = [{k: norm(v) for k, v in json.loads(l).items()} for l in open(f"{d}/jsonl-{name}/{jf}", encoding="utf-8")]
        if jrows != duck[case]:
            bad.append(f"jsonl-{name}: differs from the Parquet rows")
        (cf,) = [f for f in os.listdir(f"{d}/csv-{name}") if f.endswith(".csv")]
        with open(f"{d}/csv-{name}/{cf}", newline="", encoding="utf-8") as fh:
            crows = list(csv.reader(fh))
        text = lambda v: "" if v is None else ("true" if v is True else "false" if v is False else str(v))
        if crows[0] != names or crows[1:] != [[text(r[c]) for c in names] for r in duck[case]]:
            bad.append(f"csv-{name}: differs from the Parquet rows")

# the writer's round trip of every column type, against the rows it meant to write
for case in sorted(c for c in duck if c.endswith(".parquet")):
    want = [json.loads(l) for l in open(case[: -len(".parquet")] + ".jsonl", encoding="utf-8")]
    for reader, rows in (("DuckDB", duck[case]), ("hyparquet", hyp.get(case, []))):
        if rows != want:
            bad.append(f"{os.path.basename(case)}: {reader} reads other values than were written")

types = dict(schema)
for col, t in {"version": "SMALLINT", "srcport": "INTEGER", "bytes": "BIGINT", "start": "BIGINT",
               "srcaddr": "VARCHAR", "account_id": "VARCHAR", "nat_processing": "BOOLEAN",
               "cost_num": "DECIMAL(38,0)", "reject_reason": "VARCHAR", "traffic_path": "SMALLINT"}.items():
    if types.get(col) != t:
        bad.append(f"column {col}: DuckDB type {types.get(col)}, want {t}")
if len(names) != 70:
    bad.append(f"{len(names)} columns, want 70")

# filters DuckDB answers with the help of the statistics equal counts over cat's rows
rows = cat_rows("v8")
want = {
    "big": sum(1 for r in rows if isinstance(r["bytes"], int) and r["bytes"] > 500000000000),
    "eni3": sum(1 for r in rows if r["interface_id"] == "eni-00000000000000003"),
    "v6": sum(1 for r in rows if r["srcaddr"] is not None and r["srcaddr"] >= "2600:"),
    "day1": sum(1 for r in rows if r["start"] is not None and r["start"] < 1793577600),
    "tp8": sum(1 for r in rows if r["traffic_path"] == 8),
}
got = json.loads(open(d + "/filters.jsonl").readline())
if got != want:
    bad.append(f"filtered counts {got}, want {want}")
print("\n".join(bad) if bad else "ok")
sys.exit(1 if bad else 0)
PY
# records without a start go to year=0000
ls -d "$dir/out/v8-zstd-hour/year=0000/month=00/day=00/hour=00" >/dev/null
echo "convert --to parquet: DuckDB, hyparquet and vpcflow cat agree for v2, v5, v8, 4 codecs, with and without partitions"
