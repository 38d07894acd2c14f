#!/usr/bin/env bash
# alerts_follow.sh — `vpcflow watch` follows a file like tail -F: lines appended are read, a
# file renamed and recreated (rotation) and a truncated file are followed on; every alert
# fires once, none is lost, none twice; SIGTERM and SIGINT end it with exit status 0 and a
# summary on stderr that counts every record written. Also stdin with a signal, and
# --exit-at-eof.
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-alerts-follow-XXXXXX)
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    echo "--- stdout"; cat "$TMP/out" 2>/dev/null
    echo "--- stderr"; cat "$TMP/err" 2>/dev/null
    exit 1
}

T0=1793491200
# rec SRC DST DPORT OFFSET ACTION: one default-format record at T0 + OFFSET
rec() {
    printf '2 123456789012 eni-0a1b2c3d4e5f6%04d %s %s 40000 %s 6 1 60 %s %s %s OK\n' \
        "${#1}" "$1" "$2" "$3" $((T0 + $4)) $((T0 + $4 + 60)) "$5"
}
# scan SRC FIRSTPORT N OFFSET: N rejected ports from the internet, 5 s apart
scan() {
    for i in $(seq 0 $(($3 - 1))); do rec "$1" 10.0.2.9 $(($2 + i)) $(($4 + 5 * i)) REJECT; done
}
# waits until stdout has $1 lines (10 s at most)
wait_lines() {
    for _ in $(seq 1 200); do
        [ "$(wc -l <"$TMP/out")" -ge "$1" ] && return 0
        sleep 0.05
    done
    fail "waited for $1 alert lines"
}
# the alert lines must be exactly these rule/srcaddr pairs, each once
expect() {
    python3 - "$TMP/out" "$@" <<'EOF'
import json, sys
got = sorted("%s %s" % (a["rule"], a["key"]["srcaddr"]) for a in map(json.loads, open(sys.argv[1])))
want = sorted(sys.argv[2:])
if got != want:
    sys.exit("alerts %s\nwant   %s" % (got, want))
EOF
}

L=$TMP/flows.log
WRITTEN=0
write() { # appends stdin to $1 and counts the lines (called with < <(...): no subshell)
    cat >"$TMP/chunk"
    cat "$TMP/chunk" >>"$1"
    WRITTEN=$((WRITTEN + $(wc -l <"$TMP/chunk")))
}

# ---- a followed file: append, rotate, truncate, SIGTERM ------------------------------------
write "$L" < <(
    echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    rec 10.0.1.5 10.0.2.9 22 100 REJECT          # internal-reject A
    rec 198.51.100.7 10.0.2.9 22 110 REJECT      # internet: nothing
    scan 203.0.113.50 1000 12 200                # 12 ports of B: not yet
)
WRITTEN=$((WRITTEN - 1)) # the header is not a record
"$VPCFLOW" watch --poll 20 "$L" >"$TMP/out" 2>"$TMP/err" &
PID=$!
wait_lines 1
write "$L" < <(scan 203.0.113.50 1012 8 260)   # B reaches 20 ports: port-scan B
wait_lines 2
# rotation: renamed, the writer adds a last line to the old file, then a new file
mv "$L" "$L.1"
write "$L.1" < <(rec 10.0.1.6 10.0.2.9 22 400 REJECT)   # internal-reject C, in the old file
sleep 0.2
{
    echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    rec 192.0.2.44 10.0.2.9 22 500 ACCEPT       # sensitive-port-accepted D
    rec 10.0.1.5 10.0.2.9 22 510 REJECT         # A again, same window: nothing
} >"$L.new"
WRITTEN=$((WRITTEN + 2))
mv "$L.new" "$L"
wait_lines 4
# truncation: the same file emptied, then shorter content
: >"$L"
sleep 0.3
write "$L" < <(rec 10.0.1.7 10.0.2.9 22 600 REJECT)     # internal-reject E
wait_lines 5
sleep 0.2
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ $rc = 0 ] || fail "watch exited $rc after SIGTERM"
expect "internal-reject 10.0.1.5" "port-scan 203.0.113.50" "internal-reject 10.0.1.6" \
    "sensitive-port-accepted 192.0.2.44" "internal-reject 10.0.1.7" || fail "alerts of the followed file"
grep -q "^vpcflow watch: $WRITTEN records (0 NODATA, 0 SKIPDATA, 0 malformed), 5 alerts$" "$TMP/err" ||
    fail "summary should count $WRITTEN records and 5 alerts"
grep -q "^  internal-reject  *3$" "$TMP/err" || fail "summary per rule"
grep -q "^  port-scan  *1$" "$TMP/err" || fail "summary per rule"
grep -q "rotated" "$TMP/err" || fail "no word of the rotation"
grep -q "truncated" "$TMP/err" || fail "no word of the truncation"
echo "ok: followed file (rotation, truncation, SIGTERM), $WRITTEN records"

# ---- stdin and SIGINT -------------------------------------------------------------------
mkfifo "$TMP/fifo"
"$VPCFLOW" watch --poll 20 - <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
PID=$!
exec 3>"$TMP/fifo"
rec 10.0.1.9 10.0.2.9 22 100 REJECT >&3
wait_lines 1
kill -INT "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
exec 3>&-
[ $rc = 0 ] || fail "watch exited $rc after SIGINT"
expect "internal-reject 10.0.1.9" || fail "alerts of stdin"
grep -q "^vpcflow watch: 1 records" "$TMP/err" || fail "stdin summary"
echo "ok: stdin, SIGINT"

# ---- --exit-at-eof: several files, no signal needed -----------------------------------------
rec 10.0.1.10 10.0.2.9 22 100 REJECT >"$TMP/a.log"
scan 203.0.113.60 1 20 100 >"$TMP/b.log"
"$VPCFLOW" watch --exit-at-eof "$TMP/a.log" "$TMP/b.log" >"$TMP/out" 2>"$TMP/err" || fail "exit-at-eof: exit $?"
expect "internal-reject 10.0.1.10" "port-scan 203.0.113.60" || fail "alerts with --exit-at-eof"
grep -q "^vpcflow watch: 21 records" "$TMP/err" || fail "exit-at-eof summary"
# stdin that ends ends the watch too
rec 10.0.1.11 10.0.2.9 22 100 REJECT | "$VPCFLOW" watch >"$TMP/out" 2>"$TMP/err" || fail "stdin end: exit $?"
expect "internal-reject 10.0.1.11" || fail "alerts of a closed stdin"
# --from-end: lines already there are not read
"$VPCFLOW" watch --from-end --exit-at-eof "$TMP/a.log" >"$TMP/out" 2>"$TMP/err" || fail "from-end: exit $?"
[ ! -s "$TMP/out" ] || fail "--from-end read old lines"
echo "ok: --exit-at-eof, closed stdin, --from-end"
