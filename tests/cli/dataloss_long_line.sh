#!/usr/bin/env bash
# dataloss_long_line.sh — a line of 65 MiB between four records is one malformed line, named by
# its line number and the byte where it starts, and the four records count: for `cat` on the
# plain file and on its gzip, for `summary`, and for `watch` (which once counted it 30 times).
set -uo pipefail
dir=$(mktemp -d /tmp/vpcflow-long-XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/long.log" <<'PY'
import sys
r = b'2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK\n'
open(sys.argv[1], 'wb').write(r + r + b'y' * (65 << 20) + b'\n' + r + r)
PY
gzip -1 -k "$dir/long.log"
fail=0
want="long.log:3: line longer than 64 MiB (it starts at byte 140)"
while IFS='|' read -r what cmd lines; do
    out=$(cd "$dir" && eval "$VPCFLOW $cmd" 2>"$dir/err")
    rc=$?
    n=$(printf '%s\n' "$out" | grep -c 'ACCEPT' || true)
    malformed=$(grep -c 'line longer than' "$dir/err" || true)
    if [ $rc != 0 ] || [ "$n" != "$lines" ] || [ "$malformed" != 1 ] || ! grep -qF "${want/long.log/$what}" "$dir/err"; then
        echo "FAIL [$cmd]: exit $rc, $n record lines (want $lines), $malformed long-line reports (want 1)"
        head -5 "$dir/err"
        fail=1
    fi
done <<'CASES'
long.log|cat --no-progress long.log|4
long.log.gz|cat --no-progress long.log.gz|4
long.log|cat --threads 4 --no-progress long.log|4
long.log|watch --exit-at-eof long.log|0
CASES
# watch's own count: one malformed line
# (read whole before grep: grep -q would close the pipe early, and with pipefail the writer's
# SIGPIPE would fail the check when the machine is slow enough for it to still be writing)
got=$(cd "$dir" && "$VPCFLOW" watch --exit-at-eof long.log 2>&1 >/dev/null)
grep -q '4 records (0 NODATA, 0 SKIPDATA, 1 malformed)' <<<"$got" || { echo "FAIL: watch counts: $got"; fail=1; }
records=$(cd "$dir" && "$VPCFLOW" summary -o json long.log 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["records"], d["records_malformed"])')
[ "$records" = "4 1" ] || { echo "FAIL: summary counts '$records' (want '4 1')"; fail=1; }
exit $fail
