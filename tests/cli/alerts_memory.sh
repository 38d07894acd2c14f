#!/usr/bin/env bash
# alerts_memory.sh — `alerts` and `watch` keep their state within --memory: 300 k distinct
# internal sources (600 k keys) in `alerts --memory 32M` peak under 32 MiB + 10 MiB (the
# program, libc, input buffers) where they took 600 MB (2 M sources: 2 GB), and the run says
# how many keys it forgot; `watch --memory 16M` with a --max-keys too large to matter likewise.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-alerts-memory-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed"; exit 1; }
n=300000
[ -n "${ASAN_OPTIONS:-}" ] && n=60000
python3 - $n >"$TMP/flows.log" <<'PY'
import sys
n = int(sys.argv[1])
T0 = 1793491200
out = []
for i in range(n):
    a = 10 << 24 | (i + 1)
    t = T0 + i // 50
    out.append("2 123456789012 eni-0a1b2c3d4e5f60001 %d.%d.%d.%d 10.9.0.1 40000 443 6 1 60 %d %d REJECT OK\n"
               % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, t, t + 60))
sys.stdout.write("".join(out))
PY
check_rss() { # what limit_mib
    local rss
    rss=$(tail -1 "$TMP/rss")
    echo "$1: peak RSS ${rss} KiB for --memory $2M"
    if [ -z "${ASAN_OPTIONS:-}" ] && [ "$rss" -gt $((($2 + 10) * 1024)) ]; then
        fail "$1: peak RSS ${rss} KiB over --memory $2M + 10 MiB"
    fi
}
"$TIME" -f "%M" -o "$TMP/rss" "$VPCFLOW" alerts -j 2 --memory 32M "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" ||
    fail "alerts exited $?: $(cat "$TMP/err")"
check_rss alerts 32
grep -q "^vpcflow: warning: [0-9]* keys were forgotten (the least recently seen) to stay within --memory" "$TMP/err" ||
    fail "alerts does not say it forgot keys: $(cat "$TMP/err")"
[ -s "$TMP/out" ] || fail "alerts found nothing at all"
"$VPCFLOW" alerts -j 2 --memory 32M --quiet "$TMP/flows.log" 2>"$TMP/err" >/dev/null
[ ! -s "$TMP/err" ] || fail "--quiet: $(cat "$TMP/err")"
# all of it fits in the default 512M when there are few keys: nothing forgotten
head -1000 "$TMP/flows.log" >"$TMP/few.log"
"$VPCFLOW" alerts "$TMP/few.log" >"$TMP/out" 2>"$TMP/err" || fail "alerts on 1000 records exited $?"
[ "$(wc -l <"$TMP/out")" = 1000 ] || fail "1000 sources, $(wc -l <"$TMP/out") alerts"
! grep -q forgotten "$TMP/err" || fail "keys forgotten with room: $(cat "$TMP/err")"

"$TIME" -f "%M" -o "$TMP/rss" "$VPCFLOW" watch --exit-at-eof --memory 16M --max-keys 10000000 "$TMP/flows.log" \
    >/dev/null 2>"$TMP/err" || fail "watch exited $?: $(cat "$TMP/err")"
check_rss watch 16
grep -q "^  [0-9]* keys were forgotten (the least recently seen) to stay within --memory$" "$TMP/err" ||
    fail "watch summary: $(cat "$TMP/err")"
echo ok
