#!/usr/bin/env bash
# alerts_payload.sh — CloudWatch Logs subscription payloads: the Lambda sample, and payloads
# built here (base64 of gzip of a DATA_MESSAGE) as a Lambda event, a Kinesis record batch,
# bare base64 lines and a pretty-printed event, with a CONTROL_MESSAGE among them. `alerts`
# reads them as files and `watch` as lines of a stream; both fire the same alerts, control
# messages are skipped, and a broken payload is a malformed line, not the end of the watch.
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
: "${SAMPLES:=$(dirname "$0")/../data/samples}"
TMP=$(mktemp -d /tmp/vpcflow-alerts-payload-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the sample: one REJECT from 172.31.9.69 (inside) among its events
for cmd in "alerts" "watch --exit-at-eof"; do
    $VPCFLOW $cmd "$SAMPLES/lambda-subscription-event.json" >"$TMP/out" 2>"$TMP/err" || fail "$cmd: exit $?"
    [ "$(wc -l <"$TMP/out")" = 1 ] || fail "$cmd on the sample: $(cat "$TMP/out")"
    grep -q '"rule":"internal-reject".*"srcaddr":"172.31.9.69"' "$TMP/out" || fail "$cmd: $(cat "$TMP/out")"
done
grep -q "1 subscription payload decoded, 0 control messages skipped" "$TMP/err" || fail "summary: $(cat "$TMP/err")"

# payloads of our own
python3 - "$TMP" <<'EOF'
import base64, gzip, json, sys
tmp = sys.argv[1]
T0 = 1793491200
def rec(src, dst, dport, t, action):
    return "2 123456789012 eni-0a1b2c3d4e5f60001 %s %s 40000 %d 6 1 60 %d %d %s OK" % (src, dst, dport, t, t + 60, action)
def payload(messages, kind="DATA_MESSAGE"):
    doc = {"messageType": kind, "owner": "123456789012", "logGroup": "/vpc/flowlogs",
           "logStream": "eni-0a1b2c3d4e5f60001-all", "subscriptionFilters": ["alerts"],
           "logEvents": [{"id": str(i), "timestamp": (T0 + i) * 1000, "message": m} for i, m in enumerate(messages)]}
    return base64.b64encode(gzip.compress(json.dumps(doc).encode())).decode()
scan = [rec("203.0.113.50", "10.0.2.9", 1000 + i, T0 + 100 + 5 * i, "REJECT") for i in range(25)]
inside = [rec("10.0.1.5", "10.0.2.9", 22, T0 + 50, "REJECT"), rec("198.51.100.7", "10.0.2.9", 22, T0 + 60, "REJECT")]
ssh = [rec("192.0.2.44", "10.0.2.9", 22, T0 + 300, "ACCEPT"), rec("192.0.2.45", "10.0.2.9", 443, T0 + 310, "ACCEPT")]
control = payload(["CWL CONTROL MESSAGE: Checking health of destination Firehose."], "CONTROL_MESSAGE")
lines = [
    json.dumps({"awslogs": {"data": payload(inside)}}),                                 # Lambda event
    json.dumps({"Records": [{"kinesis": {"data": payload(scan[:10])}},                  # Kinesis batch
                            {"kinesis": {"data": control}}]}),
    payload(scan[10:]),                                                                 # bare base64
    json.dumps({"awslogs": {"data": payload(ssh)}}, indent=2),                          # pretty, 5 lines
]
open(tmp + "/stream.txt", "w").write("\n".join(lines) + "\n")
# as files: one document each (alerts reads a file as one payload input)
for i, l in enumerate(lines):
    open("%s/p%d.json" % (tmp, i), "w").write(l + "\n")
EOF

want='internal-reject 10.0.1.5
port-scan 203.0.113.50
sensitive-port-accepted 192.0.2.44'
summarize() {
    python3 -c '
import json, sys
for a in sorted(map(json.loads, open(sys.argv[1])), key=lambda a: (a["rule"], a["key"]["srcaddr"])):
    print(a["rule"], a["key"]["srcaddr"])' "$1"
}
"$VPCFLOW" alerts "$TMP"/p*.json >"$TMP/batch.json" 2>"$TMP/err" || fail "alerts on payload files: $(cat "$TMP/err")"
[ "$(summarize "$TMP/batch.json")" = "$want" ] || fail "alerts on payload files: $(summarize "$TMP/batch.json")"
"$VPCFLOW" watch <"$TMP/stream.txt" >"$TMP/watch.json" 2>"$TMP/err" || fail "watch on payload lines: $(cat "$TMP/err")"
[ "$(summarize "$TMP/watch.json")" = "$want" ] || fail "watch on payload lines: $(summarize "$TMP/watch.json")"
grep -q "^vpcflow watch: 29 records (0 NODATA, 0 SKIPDATA, 0 malformed), 3 alerts$" "$TMP/err" ||
    fail "watch summary: $(cat "$TMP/err")"
grep -q "4 subscription payloads decoded, 1 control message skipped" "$TMP/err" || fail "payload count: $(cat "$TMP/err")"

# a broken payload among good lines: reported, counted, and the watch goes on
{
    echo '{"awslogs": {"data": "H4sIbroken"}}'
    cat "$TMP/stream.txt"
} | "$VPCFLOW" watch >"$TMP/watch.json" 2>"$TMP/err" || fail "watch with a broken payload: exit $?"
[ "$(summarize "$TMP/watch.json")" = "$want" ] || fail "after a broken payload: $(summarize "$TMP/watch.json")"
grep -q "1 malformed" "$TMP/err" || fail "broken payload not counted: $(cat "$TMP/err")"
grep -q "^-:1: payload data" "$TMP/err" || fail "broken payload not reported: $(cat "$TMP/err")"
# --strict makes it fatal (exit 2)
rc=0
echo '{"awslogs": {"data": "H4sIbroken"}}' | "$VPCFLOW" watch --strict >/dev/null 2>"$TMP/err" || rc=$?
[ $rc = 2 ] || fail "watch --strict on a broken payload exited $rc"
echo "ok"
