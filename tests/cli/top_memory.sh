#!/usr/bin/env bash
# top_memory.sh — grouping 20 million distinct source addresses stays within --memory and still
# returns the true top 10 (the generator's planted heavy hitters), with exact bytes for them and
# an error bound printed. Under the sanitizers (whose shadow memory inflates RSS) the same runs
# on 2 million sources without the RSS check.
set -euo pipefail
records=20100000 sources=20000000
[ -n "${ASAN_OPTIONS:-}" ] && records=2100000 sources=2000000
dir=$(mktemp -d /tmp/vpcflow-mem-XXXXXX)
trap 'rm -rf "$dir"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 1; }
"$GEN" --scenario distinct --records $records --distinct-sources $sources --heavy 10 --seed 5 \
    --truth "$dir/truth.json" --stdout 2>/dev/null |
    "$TIME" -f "%M" -o "$dir/rss" "$VPCFLOW" top --by srcaddr --no-dedup --memory 64M -n 10 -o json \
        --no-progress - >"$dir/top.json"
python3 - "$dir/truth.json" "$dir/top.json" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))["top_srcaddr"]
got = json.load(open(sys.argv[2]))
assert got["approximate"], "20 M distinct keys in 64 MiB must need the heavy-hitter mode"
assert [r["srcaddr"] for r in got["rows"]] == [t["key"] for t in truth], (got["rows"], truth)
for r, t in zip(got["rows"], truth):
    assert t["bytes"] <= r["bytes"] <= t["bytes"] + got["error_bound"], (r, t, got["error_bound"])
print("top 10 exact; error bound", got["error_bound"])
PY
rss_kib=$(cat "$dir/rss")
echo "peak RSS ${rss_kib} KiB for --memory 64M"
if [ -z "${ASAN_OPTIONS:-}" ] && [ "$rss_kib" -gt 65536 ]; then
    echo "over the memory limit"
    exit 1
fi
