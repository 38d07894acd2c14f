#!/usr/bin/env bash
# notify_webhook.sh — --notify against a local webhook receiver (tests/tools/http_stub.py):
# the bodies delivered are exactly {"text", "alert"} with the alert as printed; a 500 is
# retried; --notify-rate limits per rule; the same rule and key is sent once; exec: gets the
# same bodies on stdin; and a receiver that never answers, or a closed port, does not hold up
# `watch`: it prints every alert and ends within a second or two of its input; past 1000
# waiting alerts the newer ones are dropped and counted.
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
TMP=$(mktemp -d /tmp/vpcflow-notify-XXXXXX)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 "$ROOT/tests/tools/http_stub.py" webhook "$TMP/log" "$TMP/port" &
SERVER=$!
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.1; done
[ -f "$TMP/port" ] || fail "the receiver did not start"
URL="http://127.0.0.1:$(cat "$TMP/port")"

# internal-reject fires once per source: 10.0.1.5, .6, .7 now; 10.0.1.5 again 3h later (a
# new window, the same rule and key: not sent twice); one port-scan alert
T0=1793491200
python3 - "$TMP/flows.log" "$T0" <<'PY'
import sys
path, t0 = sys.argv[1], int(sys.argv[2])
def rec(src, dst, dport, t, action):
    return "2 123456789012 eni-0a1b2c3d4e5f60001 %s %s 40000 %d 6 1 60 %d %d %s OK" % (src, dst, dport, t, t + 60, action)
lines = [rec("10.0.1.%d" % (5 + i), "10.0.2.9", 22, t0 + 10 * i, "REJECT") for i in range(3)]
lines += [rec("203.0.113.50", "10.0.2.9", 1000 + i, t0 + 100 + i, "REJECT") for i in range(25)]
lines += [rec("10.0.1.5", "10.0.2.9", 22, t0 + 3 * 3600, "REJECT")]
open(path, "w").write("\n".join(lines) + "\n")
PY

# what a body must be, from the alert lines vpcflow printed
check_bodies() { # LOG-or-FILE KIND(log|exec) ALERTS-FILE EXPECTED-KEYS...
    python3 - "$@" <<'PY'
import json, sys, time
src, kind, alerts_file = sys.argv[1:4]
want = sys.argv[4:]
alerts = {}
for line in open(alerts_file):
    a = json.loads(line)
    alerts.setdefault((a["rule"], a["key"]["srcaddr"]), a)
if kind == "log":
    bodies = [e["body"] for e in map(json.loads, open(src)) if e["status"] == 200]
else:
    bodies = open(src).read().splitlines()
got = []
for b in bodies:
    doc = json.loads(b)
    assert list(doc) == ["text", "alert"], doc
    a = doc["alert"]
    k = (a["rule"], a["key"]["srcaddr"])
    assert a == alerts[k], (a, alerts[k])
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(a["first_seen"]))
    text = "vpcflow alert: %s %s %s (%s): %d records, %d bytes, from %s" % (
        a["severity"], a["rule"], a["key"]["srcaddr"], a["key"]["owner"], a["records"], a["bytes"], when)
    assert doc["text"] == text, (doc["text"], text)
    # the body is the alert as printed, byte for byte, inside {"text", "alert"}
    assert b == json.dumps({"text": text, "alert": a}, separators=(",", ":"), ensure_ascii=False), b
    got.append("%s %s" % k)
if sorted(got) != sorted(want):
    sys.exit("delivered %s, wanted %s" % (sorted(got), sorted(want)))
PY
}

# 1. watch: every alert delivered once (10.0.1.5's second window is a duplicate)
$VPCFLOW watch --exit-at-eof --notify "$URL/ok" "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" || fail "watch: exit $?: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/out")" = 5 ] || fail "watch printed $(wc -l <"$TMP/out") alerts, want 5"
check_bodies "$TMP/log" log "$TMP/out" "internal-reject 10.0.1.5" "internal-reject 10.0.1.6" \
    "internal-reject 10.0.1.7" "port-scan 203.0.113.50" || fail "watch --notify: $(cat "$TMP/log")"
grep -q "warning: notify" "$TMP/err" && fail "no warning expected: $(cat "$TMP/err")"

# 2. alerts (batch): the same four
: >"$TMP/log"
$VPCFLOW alerts --notify "$URL/ok" "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" || fail "alerts: exit $?: $(cat "$TMP/err")"
check_bodies "$TMP/log" log "$TMP/out" "internal-reject 10.0.1.5" "internal-reject 10.0.1.6" \
    "internal-reject 10.0.1.7" "port-scan 203.0.113.50" || fail "alerts --notify: $(cat "$TMP/log")"

# 3. a 500 is retried: the first attempt fails, the same body then arrives
: >"$TMP/log"
$VPCFLOW watch --exit-at-eof --only port-scan --notify "$URL/fail-once" "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" ||
    fail "retry: exit $?"
python3 - "$TMP/log" <<'PY' || fail "retry: $(cat "$TMP/log")"
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
assert [x["status"] for x in e] == [500, 200], e
assert e[0]["body"] == e[1]["body"]
PY
grep -q "warning: notify: port-scan 203.0.113.50: HTTP status 500, retrying in 250 ms" "$TMP/err" ||
    fail "retry not reported: $(cat "$TMP/err")"
check_bodies "$TMP/log" log "$TMP/out" "port-scan 203.0.113.50" || fail "retry body"

# 4. --notify-rate 2: two of the three internal-reject alerts of this minute, the third counted
# (10.0.1.5's second window is a repeat, counted apart)
: >"$TMP/log"
$VPCFLOW watch --exit-at-eof --only internal-reject --notify-rate 2 --notify "$URL/ok" "$TMP/flows.log" \
    >"$TMP/out" 2>"$TMP/err" || fail "rate: exit $?"
check_bodies "$TMP/log" log "$TMP/out" "internal-reject 10.0.1.5" "internal-reject 10.0.1.6" || fail "rate: $(cat "$TMP/log")"
grep -q "more than 2 alerts of rule internal-reject in a minute" "$TMP/err" || fail "rate warning: $(cat "$TMP/err")"
grep -q "notify: 2 sent, 0 failed, 1 over --notify-rate, 0 dropped (queue full or still waiting at the end), 1 repeated within the hour" "$TMP/err" || fail "rate summary: $(cat "$TMP/err")"

# 5. exec: the same bodies, one per line, on the command's stdin
$VPCFLOW watch --exit-at-eof --notify "exec:cat >>'$TMP/exec.out'" "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" ||
    fail "exec: exit $?"
check_bodies "$TMP/exec.out" exec "$TMP/out" "internal-reject 10.0.1.5" "internal-reject 10.0.1.6" \
    "internal-reject 10.0.1.7" "port-scan 203.0.113.50" || fail "exec: $(cat "$TMP/exec.out")"
# a command that fails is retried, then reported; the watch goes on
$VPCFLOW watch --exit-at-eof --only port-scan --notify "exec:exit 3" "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" ||
    fail "exec failing: exit $?"
[ "$(wc -l <"$TMP/out")" = 1 ] || fail "exec failing: $(cat "$TMP/out")"
grep -q "notify: port-scan 203.0.113.50: not delivered (command exited with status 3, after every retry)" "$TMP/err" ||
    fail "exec failure: $(cat "$TMP/err")"

# 6. a receiver that never answers, and a closed port: every alert printed, the watch ends
# within the 1 s --notify-timeout of its input's end, what was not sent is counted
for target in "$URL/hang" "http://127.0.0.1:9"; do
    start=$(date +%s.%N)
    $VPCFLOW watch --exit-at-eof --notify-timeout 1 --notify "$target" "$TMP/flows.log" >"$TMP/out" 2>"$TMP/err" ||
        fail "$target: exit $?"
    took=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
    [ "$(wc -l <"$TMP/out")" = 5 ] || fail "$target: $(wc -l <"$TMP/out") alerts printed"
    python3 -c "import sys; sys.exit(float(sys.argv[1]) > 3.0)" "$took" || fail "$target: watch took ${took}s"
    grep -q "warning: notify: 0 sent" "$TMP/err" || fail "$target: $(cat "$TMP/err")"
    echo "dead receiver $target: watch ended in ${took}s"
done
# 7. the queue is bounded (1000): 1100 alerts for a receiver that never answers; the newer
# ones are dropped and counted, nothing waits, and every alert is still printed
python3 - "$TMP/many.log" "$T0" <<'PY'
import sys
path, t0 = sys.argv[1], int(sys.argv[2])
open(path, "w").write("".join(
    "2 123456789012 eni-0a1b2c3d4e5f60001 10.1.%d.%d 10.0.2.9 40000 22 6 1 60 %d %d REJECT OK\n"
    % (i // 250, i % 250 + 1, t0 + i, t0 + i + 60) for i in range(1100)))
PY
start=$(date +%s.%N)
$VPCFLOW watch --exit-at-eof --notify-timeout 1 --notify-rate 100000 --notify "$URL/hang" "$TMP/many.log" \
    >"$TMP/out" 2>"$TMP/err" || fail "queue: exit $?"
took=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
[ "$(wc -l <"$TMP/out")" = 1100 ] || fail "queue: $(wc -l <"$TMP/out") alerts printed"
python3 -c "import sys; sys.exit(float(sys.argv[1]) > 3.0)" "$took" || fail "queue: watch took ${took}s"
grep -q "warning: notify: 1000 alerts are waiting for the receiver already: newer ones are dropped" "$TMP/err" ||
    fail "queue: $(head -3 "$TMP/err")"
grep -q "warning: notify: 0 sent, 1 failed, 0 over --notify-rate, 1099 dropped" "$TMP/err" ||
    fail "queue: $(tail -2 "$TMP/err")"
echo "1100 alerts, queue of 1000, dead receiver: watch ended in ${took}s"
echo ok
