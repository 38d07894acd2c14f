#!/usr/bin/env bash
# dataloss_follow.sh — `vpcflow watch` loses no line of a followed file: a path that does not
# exist yet is waited for (with one message), a file rewritten within one poll interval (longer,
# or of the same size) is read again from its start, and lines a writer still appends to the old
# file after a rotation are read. Each case ends with SIGTERM and checks the record count of
# watch's summary and the message on stderr.
set -u
dir=$(mktemp -d /tmp/vpcflow-follow-XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$dir"' EXIT
recs() { # recs N PORT: N default-format records to PORT
    for i in $(seq 1 "$1"); do
        printf '2 123456789012 eni-0a1b2c3d4e5f60001 10.0.1.%d 10.0.2.9 40000 %d 6 1 60 1793491200 1793491260 ACCEPT OK\n' "$((i % 10))" "$2"
    done
}
start() { # start POLL_MS PATH
    "$VPCFLOW" watch --poll "$1" "$2" >"$dir/out" 2>"$dir/err" &
    PID=$!
    sleep 0.4
}
finish() { # finish NAME RECORDS MESSAGE
    kill -TERM "$PID" 2>/dev/null
    wait "$PID"
    local rc=$? n
    PID=""
    n=$(sed -n 's/^vpcflow watch: \([0-9]*\) records.*/\1/p' "$dir/err")
    if [ "$rc" != 0 ] || [ "$n" != "$2" ] || ! grep -q "$3" "$dir/err"; then
        echo "FAIL $1: exit $rc, $n records (want $2), message '$3' $(grep -c "$3" "$dir/err") times"
        cat "$dir/err"
        fail=1
    fi
}
fail=0

# a path that does not exist yet: waited for, one message
f=$dir/later.log
start 50 "$f"
kill -0 "$PID" 2>/dev/null || { echo "FAIL missing: watch exited at once"; cat "$dir/err"; fail=1; }
recs 3 22 >"$f"
sleep 0.4
finish missing 3 "does not exist yet: waiting for it to appear"
[ "$(grep -c 'does not exist yet' "$dir/err")" = 1 ] || { echo "FAIL missing: message not once"; fail=1; }

# rewritten, longer, within one poll interval
f=$dir/rewrite.log
recs 5 22 >"$f"
start 1500 "$f"
recs 8 23 >"$f"
sleep 2
finish rewrite 13 "rewritten: reading it again from the start"

# rewritten with the same size
f=$dir/same.log
recs 5 22 >"$f"
start 1500 "$f"
recs 5 23 >"$f"
sleep 2
finish same-size 10 "rewritten: reading it again from the start"

# rotated while the writer still appends to the old file, then moves to the new one
f=$dir/rot.log
recs 3 22 >"$f"
start 50 "$f"
mv "$f" "$f.1"
: >"$f"
sleep 0.4
recs 4 23 >>"$f.1"
sleep 0.4
recs 2 24 >>"$f"
sleep 0.4
finish rotation 9 "rotated: following the new file"
exit $fail
