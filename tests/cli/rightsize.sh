#!/usr/bin/env bash
# rightsize.sh — `vpcflow rightsize` on crafted metrics whose answers are known by construction
# (tests/data/rightsize/gen_metrics.py): flat low, spiky, growing, too short, idle, gaps,
# several instances in both AWS CLI shapes and CSV, memory observed, an auto-scaling group;
# exact types and dollars from the built-in catalog (docs/rightsize.md). Then the Price List
# CSV path on a generated 100 MB file of the real header and shape, under 100 MB of RSS.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${ROOT:?set ROOT to the repository}"
dir=$(mktemp -d /tmp/vpcflow-rightsize-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 "$ROOT/tests/data/rightsize/gen_metrics.py" "$dir"
check() { # $1 name; the rest: vpcflow rightsize arguments; stdin of python: the assertions on rows `r`
    local name=$1
    shift
    "$VPCFLOW" rightsize -o json "$@" >"$dir/out.json" || { echo "$name: exit $?"; exit 1; }
    python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
r = rows[0]
notes = r["evidence"]["notes"]
def note(s):
    assert any(s in n for n in notes), (s, notes)
exec(sys.stdin.read())
print("ok", sys.argv[2])' "$dir/out.json" "$name"
}
row() { # the expected instance, current, recommended, verdict, monthly saving, RI verdict, RI saving, waste
    printf 'assert (r["instance"], r["current_type"], r["recommended_type"], r["verdict"], r["monthly_saving_usd"], r["ri_verdict"], r["ri_saving_usd"], r["ri_waste_usd"]) == ("%s", "%s", "%s", "%s", %s, "%s", %s, %s), r\n' "$@"
}

# flat low: an m5.2xlarge peaking at 15% over 14 days, memory unobserved -> m5.large, $210.24 a month
# ((0.384 - 0.096) x 730), with the memory warning; --min-memory 16 -> m5.xlarge, $140.16
{ row i-0000000000000f1a7 m5.2xlarge m5.large downsize 210.24 "do not reserve yet" 337.96 1576.8
  echo 'note("memory was not observed: m5.large has 8 GiB, m5.2xlarge has 32 GiB")'
  echo 'note("do not reserve yet: run a month at m5.large first")'
  echo 'assert r["evidence"]["cpu_percentile_pct"] == 15 and r["evidence"]["cpu_needed_pct"] == 18'
  echo 'assert [o["term_total_usd"] for o in r["ri_options"][:3]] == [525.6, 511.79, 503.0], r["ri_options"][:3]'
  echo 'assert r["ri_options"][0]["break_even_utilisation"] == 0.625'; } |
    check flat --type m5.2xlarge "$dir/flat-i-0000000000000f1a7.json"
{ row i-0000000000000f1a7 m5.2xlarge m5.xlarge downsize 140.16 "do not reserve yet" 675.92 1051.2
  echo 'note("memory was not observed: m5.xlarge has 16 GiB, m5.2xlarge has 32 GiB")'; } |
    check flat-min-memory --type m5.2xlarge --min-memory 16 "$dir/flat-i-0000000000000f1a7.json"
# spiky: three hours at 95% of 336 are above the p99, which is 10%: m5.large, and three hours
# that auto-scaling (or the other 50%) would have to cover
{ row i-00000000000005b1c m5.xlarge m5.large downsize 70.08 "do not reserve yet" 337.96 525.6
  echo 'assert r["evidence"]["cpu_max_pct"] == 95 and r["evidence"]["cpu_percentile_pct"] == 10'
  echo 'assert r["questions"]["autoscaling_could_cover_peaks"].startswith("3 hours above m5.large")'; } |
    check spiky --type m5.xlarge "$dir/spiky-i-00000000000005b1c.json"
# growing one point a day: m5.large fits today (p99 18.8% of 8 vCPUs), but the trend crosses its
# 25% in weeks: observe longer
{ row i-00000000000000960 m5.2xlarge m5.large "observe longer" 210.24 "do not reserve yet" 337.96 1576.8
  echo 'note("observe longer: CPU grows 1.000 points a day and would cross m5.large")'
  echo 'assert r["evidence"]["trend_pct_per_day"] == 1.0'; } |
    check growing --type m5.2xlarge "$dir/growing-i-00000000000000960.json"
{ row i-00000000000005407 m5.xlarge m5.large "observe longer" 70.08 "do not reserve yet" 337.96 525.6
  echo 'note("observe longer: 5.0 days of data, 14 needed")'; } |
    check short --type m5.xlarge "$dir/short-i-00000000000005407.json"
# idle: never above 1.5% -> stop it: the whole $70.08 (0.096 x 730), and all of a 1-year RI wasted
{ row i-00000000000001d1e m5.large - idle 70.08 "do not reserve" 0.0 525.6
  echo 'note("idle: CPU never above 2% in 14.0 days: stop or terminate it")'; } |
    check idle --type m5.large "$dir/idle-i-00000000000001d1e.json"
{ row i-00000000000009a95 m5.xlarge m5.large "observe longer" 70.08 "do not reserve yet" 337.96 525.6
  echo 'note("observe longer: 25.0% of the window'"'"'s hours have no datapoint (over 10%)")'; } |
    check gaps --type m5.xlarge "$dir/gaps-i-00000000000009a95.json"
# several instances: get-metric-data (ids in the labels) and a CSV, in one directory
{ echo 'assert [(x["instance"], x["recommended_type"], x["verdict"], x["monthly_saving_usd"]) for x in rows] == ['
  echo '  ("i-00000000000000aa1", "m5.large", "downsize", 70.08), ("i-00000000000000aa2", "m5.large", "downsize", 70.08),'
  echo '  ("i-00000000000000aa3", "m5.xlarge", "right-sized", 0.0)], rows'
  echo 'assert rows[2]["ri_verdict"] == "reserve" and rows[2]["ri_option"] == "1y standard all-upfront" and rows[2]["ri_saving_usd"] == 675.92'; } |
    check several --type m5.xlarge "$dir/many"
# memory observed (60% of 32 GiB, 23.04 GiB with headroom): the m5.2xlarge stays
{ row i-00000000000004e40 m5.2xlarge m5.2xlarge right-sized 0.0 reserve 1351.84 0.0
  echo 'note("memory peaked at 60.0% of 32 GiB: 23.04 GiB needed with headroom")'; } |
    check memory --type m5.2xlarge "$dir/withmem"
# the README's m4.large: the smallest of its family; elsewhere t3a.medium (4 GiB floor), its
# 1-year RI wastes $337.26 (0.062 - 0.0235) x 8760), do not reserve yet
{ row i-0a1b2c3d4e5f60718 m4.large t3a.medium downsize 45.55 "do not reserve yet" 132.38 337.26
  echo 'note("m4.large is the smallest of the m4 family")'
  echo 'note("the cheapest fitting type elsewhere is t3a.medium ($27.45 a month)")'; } |
    check m4 --type m4.large --any-family --min-memory 4 --reserved 1y "$dir/cpu-i-0a1b2c3d4e5f60718.json"
# an auto-scaling group that ran 3 to 4 instances: three reserved, the fourth on demand
{ echo 'assert [x["ri_verdict"] for x in rows] == ["reserve baseline"] * 3 + ["do not reserve"], rows'
  echo 'assert all(x["ri_count"] == 3 for x in rows)'
  echo 'assert r["questions"]["seen_on_other_sizes"] == "m5.xlarge"'
  echo 'assert notes[0] == "Name web, owner team-web, launched 2026-10-01T00:00:00+00:00", notes'; } |
    check group --instances "$dir/instances.json" "$dir/asg"
# both shapes as tables and CSV, and the errors
"$VPCFLOW" rightsize --type m5.xlarge "$dir/many" | grep -q "^i-00000000000000aa3  *m5.xlarge  *m5.xlarge  *right-sized"
"$VPCFLOW" rightsize --type m5.xlarge -o csv "$dir/many" | grep -q '^i-00000000000000aa1,m5.xlarge,m5.large,downsize,70.08,do not reserve yet,'
rc=0; "$VPCFLOW" rightsize --type m9.huge "$dir/many" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "type m9.huge is not in the built-in catalog" "$dir/err" || { echo "want exit 2 and ""type m9.huge is not in the built-in catalog"; cat "$dir/err"; exit 1; }
rc=0; "$VPCFLOW" rightsize "$dir/many" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "its type is unknown: give --type or --instances" "$dir/err" || { echo "want exit 2 and ""its type is unknown: give --type or --instances"; cat "$dir/err"; exit 1; }
printf '{"Datapoints": [{"Timestamp": "2026-11-01T00:00:00Z", "Maximum": 5},\n {"Timestamp": "x"}]}\n' >"$dir/bad-i-00000000000000bad.json"
rc=0; "$VPCFLOW" rightsize --type m5.large "$dir/bad-i-00000000000000bad.json" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "bad-i-00000000000000bad.json: Datapoints\[1\]: Timestamp: expected a time" "$dir/err" || { echo "want exit 2 and ""bad-i-00000000000000bad.json: Datapoints\[1\]: Timestamp: expected a time"; cat "$dir/err"; exit 1; }
printf 'timestamp,value\n2026-11-01T00:00:00Z,5\n2026-11-01T01:00:00Z,105\n' >"$dir/i-00000000000000bad.csv"
printf '{"Datapoints": [{"Timestamp": "2026-11-01T00:00:00Z", "Maximum": "12"}]}' >"$dir/str-i-00000000000000bad.json"
rc=0; "$VPCFLOW" rightsize --type m5.large "$dir/str-i-00000000000000bad.json" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "Datapoints\[0\]: Maximum: expected a number, found a string" "$dir/err" || { echo "want exit 2 and Maximum: expected a number, found a string"; cat "$dir/err"; exit 1; }
rc=0; "$VPCFLOW" rightsize --type m5.large "$dir/i-00000000000000bad.csv" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "i-00000000000000bad.csv:3:22: a utilisation of 105%" "$dir/err" || { echo "want exit 2 and ""i-00000000000000bad.csv:3:22: a utilisation of 105%"; cat "$dir/err"; exit 1; }
echo "errors ok"

# the Price List CSV: 100 MB of the real header and shape (1 GB: docs/rightsize.md), its own
# prices (m5.2xlarge 0.40, m5.large 0.10, m5.xlarge 0.20 $/hour, m5.xlarge's rows last)
mb=100
[ -n "${ASAN_OPTIONS:-}" ] && mb=10
python3 "$ROOT/tests/data/rightsize/gen_pricelist.py" "$dir/index.csv" $mb
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 1; }
"$TIME" -f "%M" -o "$dir/rss" "$VPCFLOW" rightsize --prices "$dir/index.csv" --type m5.2xlarge -o json \
    "$dir/flat-i-0000000000000f1a7.json" >"$dir/out.json"
{ row i-0000000000000f1a7 m5.2xlarge m5.large downsize 219.0 "do not reserve yet" 350.4 1576.8; } |
    check pricelist --prices "$dir/index.csv" --type m5.2xlarge "$dir/flat-i-0000000000000f1a7.json"
{ row i-0000000000000f1a7 m5.2xlarge m5.xlarge downsize 146.0 "do not reserve yet" 701.0 1051.2; } |
    check pricelist-last-rows --prices "$dir/index.csv" --type m5.2xlarge --min-memory 16 "$dir/flat-i-0000000000000f1a7.json"
rss_kib=$(cat "$dir/rss")
echo "peak RSS ${rss_kib} KiB for $mb MB of Price List CSV"
if [ -z "${ASAN_OPTIONS:-}" ] && [ "$rss_kib" -gt 102400 ]; then
    echo "over 100 MB"
    exit 1
fi
rc=0; "$VPCFLOW" rightsize --prices "$dir/index.csv" --region ap-south-1 --type m5.large "$dir/flat-i-0000000000000f1a7.json" 2>"$dir/err" || rc=$?
[ $rc = 2 ] && grep -q "no ap-south-1 Linux row with shared tenancy in" "$dir/err" || { echo "want exit 2 and ""no ap-south-1 Linux row with shared tenancy in"; cat "$dir/err"; exit 1; }
echo ok
