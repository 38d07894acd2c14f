#!/usr/bin/env bash
# payload_limits.sh — a subscription payload may decompress to at most 256 MiB and at most 1000
# times its compressed size. A 400 KB base64 line of 300 MiB of JSON stops `cat` with an
# error naming the file, the line and the limit, within 256 MiB + 48 MiB of RSS (it took 0.9 GB
# and ended in a misleading message); a small zip bomb is a malformed line that `watch` reports
# and goes past; running out of memory is reported as that (exit 1), not as bad JSON.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-payload-limits-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed"; exit 1; }

# bomb.txt: 300 MiB of JSON in one base64 line; small.txt: a good line, then 20 MiB in 20 KB
python3 - "$TMP" <<'PY'
import base64, gzip, sys, zlib
tmp = sys.argv[1]
def bomb(mib):
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [z.compress(b'{"messageType":"DATA_MESSAGE","logEvents":[{"message":"')]
    block = b"a" * (1 << 20)
    parts += [z.compress(block) for _ in range(mib)]
    parts += [z.compress(b'"}]}'), z.flush()]
    return base64.b64encode(b"".join(parts)).decode()
open(tmp + "/bomb.txt", "w").write(bomb(300) + "\n")
good = '{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":1793491200000,"message":"2 123456789012 eni-1 10.0.1.5 10.0.2.9 40000 22 6 1 60 1793491200 1793491260 REJECT OK"}]}'
open(tmp + "/small.txt", "w").write(bomb(20) + "\n" + base64.b64encode(gzip.compress(good.encode())).decode() + "\n")
PY

rc=0
"$TIME" -f "%M" -o "$TMP/rss" "$VPCFLOW" cat "$TMP/bomb.txt" >/dev/null 2>"$TMP/err" || rc=$?
[ $rc = 2 ] || fail "cat on a 300 MiB payload exited $rc: $(cat "$TMP/err")"
grep -q "^vpcflow: $TMP/bomb.txt:1: payload data decompresses to more than 256 MiB (the limit per payload)$" \
    "$TMP/err" || fail "cat on a 300 MiB payload: $(cat "$TMP/err")"
rss=$(tail -1 "$TMP/rss")
echo "peak RSS ${rss} KiB on a 300 MiB payload"
if [ -z "${ASAN_OPTIONS:-}" ] && [ "$rss" -gt $(((256 + 48) * 1024)) ]; then
    fail "peak RSS ${rss} KiB over 256 MiB + 48 MiB"
fi

"$VPCFLOW" watch --exit-at-eof "$TMP/small.txt" >"$TMP/out" 2>"$TMP/err" || fail "watch exited $?: $(cat "$TMP/err")"
grep -q "^$TMP/small.txt:1: payload data decompresses to more than 1000 times its [0-9]* compressed bytes (the limit per payload)$" \
    "$TMP/err" || fail "watch on a zip bomb: $(cat "$TMP/err")"
grep -q "1 records (0 NODATA, 0 SKIPDATA, 1 malformed), 1 alert$" "$TMP/err" || fail "watch summary: $(cat "$TMP/err")"
grep -q '"rule":"internal-reject"' "$TMP/out" || fail "the good payload after the bomb: $(cat "$TMP/out")"

# out of memory (an address-space limit below the 256 MiB the payload needs) is said as such
if [ -z "${ASAN_OPTIONS:-}" ]; then
    rc=0
    (ulimit -v 200000 && exec "$VPCFLOW" cat -j 1 "$TMP/bomb.txt") >/dev/null 2>"$TMP/err" || rc=$?
    [ $rc = 1 ] || fail "out of memory exited $rc: $(cat "$TMP/err")"
    grep -q "^vpcflow: $TMP/bomb.txt:1: out of memory" "$TMP/err" || fail "out of memory: $(cat "$TMP/err")"
fi
echo ok
