#!/usr/bin/env bash
# write_error.sh — every command that writes records or a report says so and exits 1 (runtime
# error) when standard output cannot be written (/dev/full), rather than exiting 0.
set -euo pipefail
[ -w /dev/full ] || { echo "no /dev/full: skipped"; exit 0; }
log=tests/data/samples/default-v2.log
fail=0
check() {
    local rc=0 err
    err=$("$VPCFLOW" "$@" --no-progress "$log" 2>&1 >/dev/full) || rc=$?
    if [ "$rc" != 1 ] || [[ "$err" != *"write error on standard output"* ]]; then
        echo "vpcflow $*: rc $rc, stderr: $err"
        fail=1
    fi
}
check cat
check cat --output csv
check filter REJECT
check filter action=ACCEPT --output jsonl
check summary
check summary --output json
check top --by srcaddr
check timeline
exit $fail
