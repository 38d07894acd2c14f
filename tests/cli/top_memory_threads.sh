#!/usr/bin/env bash
# top_memory_threads.sh — --memory covers everything `top` holds, the per-thread input and line
# buffers and tables included, at any thread count: 1 M distinct sources in `top --memory 32M`
# with -j 1, 2 and 256 peak under 32 MiB + 10 MiB (the program and libc), where -j 256 took
# 240 MB (threads are capped so that their buffers fit, and the table budget is what is left,
# shared by the threads); the planted top 10 is still found, within the error bound. A --memory smaller than one
# thread needs is refused (exit 2). Under the sanitizers the RSS is not checked.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}"
TMP=$(mktemp -d /tmp/vpcflow-top-threads-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed"; exit 1; }
records=1000100 sources=1000000
[ -n "${ASAN_OPTIONS:-}" ] && records=300100 sources=300000
"$GEN" --scenario distinct --records $records --distinct-sources $sources --heavy 10 --seed 7 \
    --truth "$TMP/truth.json" --stdout >"$TMP/flows.log" 2>/dev/null
for j in 1 2 256; do
    "$TIME" -f "%M" -o "$TMP/rss" "$VPCFLOW" top --by srcaddr --no-dedup --memory 32M -j $j -n 10 -o json \
        --no-progress "$TMP/flows.log" >"$TMP/top.json" 2>"$TMP/err" || fail "-j $j exited $?: $(cat "$TMP/err")"
    python3 - "$TMP/truth.json" "$TMP/top.json" <<'PY' || fail "-j $j: wrong top 10"
import json, sys
truth = json.load(open(sys.argv[1]))["top_srcaddr"]
got = json.load(open(sys.argv[2]))
assert got["approximate"], "1 M distinct keys in 32 MiB must overflow the table"
# the same ten sources (their order may differ within the error bound), each estimate bounded
assert sorted(r["srcaddr"] for r in got["rows"]) == sorted(t["key"] for t in truth), (got["rows"], truth)
est = {r["srcaddr"]: r["bytes"] for r in got["rows"]}
for t in truth:
    assert t["bytes"] <= est[t["key"]] <= t["bytes"] + got["error_bound"], (t, est[t["key"]], got["error_bound"])
PY
    rss=$(tail -1 "$TMP/rss")
    echo "-j $j: peak RSS ${rss} KiB for --memory 32M"
    if [ -z "${ASAN_OPTIONS:-}" ] && [ "$rss" -gt $(((32 + 10) * 1024)) ]; then
        fail "-j $j: peak RSS ${rss} KiB over --memory 32M + 10 MiB"
    fi
done
rc=0
"$VPCFLOW" top --by srcaddr --memory 8M "$TMP/flows.log" >/dev/null 2>"$TMP/err" || rc=$?
[ $rc = 2 ] || fail "--memory 8M exited $rc"
grep -q "^vpcflow: --memory 8M is smaller than the minimum 11M" "$TMP/err" ||
    fail "--memory 8M: $(cat "$TMP/err")"
echo ok
