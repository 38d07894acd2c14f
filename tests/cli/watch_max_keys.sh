#!/usr/bin/env bash
# watch_max_keys.sh — a full --max-keys table costs O(1) per new key (CPU time for 400 k distinct
# keys at most 8x that for 100 k: linear cost gives 4x, a cost per key that grows with the table
# 16x; it was O(--max-keys) per key: 15 s against 185 s), and the
# "did not count" counter is exact: a record counts once however many of its keys missed, and
# never more than were read. Under the sanitizers the timing runs on a quarter of the keys.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-watch-keys-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed"; exit 1; }

# N records, each from its own internal source, rejected: every record makes two keys
# (internal-reject and port-scan, both by source); PER records share a second.
gen() {
    python3 - "$1" "$2" <<'PY'
import sys
n, per = int(sys.argv[1]), int(sys.argv[2])
T0 = 1793491200
out = []
for i in range(n):
    a = 10 << 24 | (i + 1)
    t = T0 + i // per
    out.append("2 123456789012 eni-0a1b2c3d4e5f60001 %d.%d.%d.%d 10.9.0.1 40000 443 6 1 60 %d %d REJECT OK\n"
               % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, t, t + 60))
sys.stdout.write("".join(out))
PY
}

# exact: 40 sources in one second, 16 keys: the first 8 sources take both their keys, the
# other 32 records count nowhere (the old counter said 64: one per key)
gen 40 1000 >"$TMP/small.log"
"$VPCFLOW" watch --exit-at-eof --max-keys 16 "$TMP/small.log" >"$TMP/out" 2>"$TMP/err" || fail "exit $?: $(cat "$TMP/err")"
grep -q "^  32 records did not count: --max-keys keys were tracked already$" "$TMP/err" || fail "counter: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/out")" = 8 ] || fail "alerts of the 8 tracked sources: $(cat "$TMP/out")"
# a record with only one of its two keys missing did not count either: with 17 keys the ninth
# source keeps its internal-reject key and misses its port-scan key (1 + 31 records)
"$VPCFLOW" watch --exit-at-eof --max-keys 17 "$TMP/small.log" >"$TMP/out" 2>"$TMP/err" || fail "exit $?"
grep -q "^  32 records did not count" "$TMP/err" || fail "counter with an odd cap: $(cat "$TMP/err")"

# O(1) per key once the table is full
small=100000 keys=()
[ -n "${ASAN_OPTIONS:-}" ] && small=25000 keys=(--max-keys 25000)
gen $small 50 >"$TMP/a.log"
gen $((4 * small)) 50 >"$TMP/b.log"
for f in a b; do
    "$TIME" -f "%U %S" -o "$TMP/$f.time" "$VPCFLOW" watch --exit-at-eof "${keys[@]}" "$TMP/$f.log" >/dev/null \
        2>"$TMP/$f.err" || fail "exit $?: $(cat "$TMP/$f.err")"
    read -r u s <"$TMP/$f.time"
    echo "$f: $(grep -c . "$TMP/$f.log") records, ${u}s user ${s}s system"
    n=$(sed -n 's/^  \([0-9]*\) records did not count.*/\1/p' "$TMP/$f.err")
    [ "${n:-0}" -le "$(grep -c . "$TMP/$f.log")" ] || fail "$n records did not count out of fewer read"
done
python3 - "$TMP/a.time" "$TMP/b.time" <<'PY'
import sys
a, b = (sum(map(float, open(p).read().split())) for p in sys.argv[1:])
print("4x the keys took %.1fx the CPU time" % (b / max(a, 0.01)))
assert b <= 8 * max(a, 0.2), "new keys cost more as the table fills: %.2fs against %.2fs" % (b, a)
PY
echo ok
