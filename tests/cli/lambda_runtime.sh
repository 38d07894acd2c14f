#!/usr/bin/env bash
# lambda_runtime.sh — `vpcflow lambda` against a local Lambda Runtime API
# (tests/tools/http_stub.py runtime): seven invocations in turn — a subscription event, a
# control message, a malformed payload, the rest of a port scan whose first half came in the
# first event (state kept between invocations), text that is not JSON, an S3 event carrying
# its object, and an S3 event whose gzipped object --fetch reads — answered on …/response or
# …/error with the exact documents; then a rules file that does not parse, reported on
# /init/error.
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
TMP=$(mktemp -d /tmp/vpcflow-lambda-XXXXXX)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 - "$TMP" <<'PY'
import base64, gzip, json, sys
tmp = sys.argv[1]
T0 = 1793491200
def rec(src, dst, dport, t, action):
    return "2 123456789012 eni-0a1b2c3d4e5f60001 %s %s 40000 %d 6 1 60 %d %d %s OK" % (src, dst, dport, t, t + 60, action)
def payload(messages, kind="DATA_MESSAGE"):
    doc = {"messageType": kind, "owner": "123456789012", "logGroup": "/vpc/flowlogs",
           "logStream": "eni-0a1b2c3d4e5f60001-all", "subscriptionFilters": ["vpcflow"],
           "logEvents": [{"id": str(i), "timestamp": (T0 + i) * 1000, "message": m} for i, m in enumerate(messages)]}
    return base64.b64encode(gzip.compress(json.dumps(doc).encode())).decode()
scan = [rec("203.0.113.50", "10.0.2.9", 1000 + i, T0 + 100 + i, "REJECT") for i in range(20)]
first = [rec("10.0.1.5", "10.0.2.9", 22, T0, "REJECT"), rec("198.51.100.7", "10.0.2.9", 443, T0, "ACCEPT")] + scan[:10]
events = [
    {"awslogs": {"data": payload(first)}},
    {"awslogs": {"data": payload(["CWL CONTROL MESSAGE: Checking health of destination Lambda function."],
                                 "CONTROL_MESSAGE")}},
    {"awslogs": {"data": "H4sIAAAA this is not base64"}},
    {"awslogs": {"data": payload(scan[10:])}},
    None,
    {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "flow-logs"},
                  "object": {"key": "AWSLogs/a.log", "body": "version account-id interface-id srcaddr dstaddr "
                             "srcport dstport protocol packets bytes start end action log-status\n" +
                             rec("10.0.3.7", "10.0.2.9", 3389, T0 + 400, "REJECT") + "\n"}}}]},
    {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "flow-logs"},
                  "object": {"key": "AWSLogs/b+c%2B.log.gz"}}}]},
]
for i, e in enumerate(events):
    open("%s/e%d.json" % (tmp, i + 1), "w").write("this is not JSON\n" if e is None else json.dumps(e))
import os
os.mkdir(tmp + "/AWSLogs")
open(tmp + "/AWSLogs/b c+.log.gz", "wb").write(gzip.compress(
    ("version srcaddr dstaddr dstport action start end bytes packets protocol srcport\n"
     "2 10.0.4.8 10.0.2.9 445 REJECT %d %d 60 1 6 40000\n" % (T0 + 500, T0 + 560)).encode()))
PY

python3 "$ROOT/tests/tools/http_stub.py" runtime "$TMP/log" "$TMP/port" "$TMP"/e{1,2,3,4,5,6,7}.json &
SERVER=$!
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.1; done
[ -f "$TMP/port" ] || fail "the runtime API stub did not start"
API="127.0.0.1:$(cat "$TMP/port")"

AWS_LAMBDA_RUNTIME_API=$API timeout 60 $VPCFLOW lambda --max-invocations 7 --fetch "cat $TMP/{key}" \
    >"$TMP/out" 2>"$TMP/err" || fail "lambda: exit $?: $(cat "$TMP/err")"

python3 - "$TMP/log" "$TMP/out" <<'PY' || fail "responses: $(cat "$TMP/log")"
import json, sys
T0 = 1793491200
log = [json.loads(l) for l in open(sys.argv[1])]
def rec(src, dst, dport, t, action):
    return "2 123456789012 eni-0a1b2c3d4e5f60001 %s %s 40000 %d 6 1 60 %d %d %s OK" % (src, dst, dport, t, t + 60, action)
def alert(rule, sev, src, owner, first, last, ws, we, records, ports, hosts, examples):
    return {"rule": rule, "severity": sev, "key": {"srcaddr": src, "owner": owner}, "first_seen": first,
            "last_seen": last, "window_start": ws, "window_end": we, "records": records, "bytes": 60 * records,
            "ports": ports, "hosts": hosts, "examples": examples}
def response(records, payloads, control, objects, alerts):
    return {"records": records, "malformed": 0, "payloads": payloads, "control_messages": control,
            "objects": objects, "alerts": alerts}
scan = [rec("203.0.113.50", "10.0.2.9", 1000 + i, T0 + 100 + i, "REJECT") for i in range(3)]
want = [
    ("/2018-06-01/runtime/invocation/req-1/response", None,
     response(12, 1, 0, 0, [alert("internal-reject", "high", "10.0.1.5", "private", T0, T0 + 60, T0, T0 + 3600, 1, 1, 1,
                                  [rec("10.0.1.5", "10.0.2.9", 22, T0, "REJECT")])])),
    ("/2018-06-01/runtime/invocation/req-2/response", None, response(0, 1, 1, 0, [])),
    ("/2018-06-01/runtime/invocation/req-3/error", "InvalidEvent",
     {"errorMessage": "event:1: payload data: corrupt gzip data (invalid deflate block)", "errorType": "InvalidEvent"}),
    ("/2018-06-01/runtime/invocation/req-4/response", None,
     response(10, 1, 0, 0, [alert("port-scan", "medium", "203.0.113.50", "internet", T0 + 100, T0 + 179, T0, T0 + 600,
                                  20, 20, 1, scan)])),
    ("/2018-06-01/runtime/invocation/req-5/error", "InvalidEvent",
     {"errorMessage": "event:1: the event is not JSON: '[' or '{' expected near 'this'", "errorType": "InvalidEvent"}),
    ("/2018-06-01/runtime/invocation/req-6/response", None,
     response(1, 0, 0, 1, [alert("internal-reject", "high", "10.0.3.7", "private", T0 + 400, T0 + 460, T0, T0 + 3600,
                                 1, 1, 1, [rec("10.0.3.7", "10.0.2.9", 3389, T0 + 400, "REJECT")])])),
    ("/2018-06-01/runtime/invocation/req-7/response", None,
     response(1, 0, 0, 1, [alert("internal-reject", "high", "10.0.4.8", "private", T0 + 500, T0 + 560, T0, T0 + 3600,
                                 1, 1, 1, ["2 10.0.4.8 10.0.2.9 445 REJECT %d %d 60 1 6 40000" % (T0 + 500, T0 + 560)])])),
]
assert len(log) == len(want), log
for got, (path, etype, body) in zip(log, want):
    assert got["path"] == path, (got, path)
    assert got["error_type"] == etype, got
    doc = json.loads(got["body"])
    assert doc == body, "\n%s\n%s" % (json.dumps(doc), json.dumps(body))
    assert list(doc) == list(body), doc  # and in this order
# each alert is also logged (CloudWatch Logs), one JSON line each
logged = [json.loads(l) for l in open(sys.argv[2])]
assert [(a["rule"], a["key"]["srcaddr"]) for a in logged] == [
    ("internal-reject", "10.0.1.5"), ("port-scan", "203.0.113.50"), ("internal-reject", "10.0.3.7"),
    ("internal-reject", "10.0.4.8")], logged
PY

# alerts also go to --notify, flushed before each response
: >"$TMP/log"
rm -f "$TMP/port"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
python3 "$ROOT/tests/tools/http_stub.py" runtime "$TMP/log" "$TMP/port" "$TMP/e1.json" &
SERVER=$!
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.1; done
API="127.0.0.1:$(cat "$TMP/port")"
AWS_LAMBDA_RUNTIME_API=$API timeout 60 $VPCFLOW lambda --max-invocations 1 --notify "exec:cat >>'$TMP/notified'" \
    >"$TMP/out" 2>"$TMP/err" || fail "lambda --notify: exit $?: $(cat "$TMP/err")"
python3 - "$TMP/notified" <<'PY' || fail "notified: $(cat "$TMP/notified")"
import json, sys
n = [json.loads(l) for l in open(sys.argv[1])]
assert [(d["alert"]["rule"], d["alert"]["key"]["srcaddr"]) for d in n] == [("internal-reject", "10.0.1.5")], n
PY

# an initialisation failure: a rules file that does not parse, on /init/error, exit 2
: >"$TMP/log"
echo '{"rules": [' >"$TMP/bad-rules.json"
rc=0
AWS_LAMBDA_RUNTIME_API=$API timeout 60 $VPCFLOW lambda --rules "$TMP/bad-rules.json" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "bad rules: exit $rc: $(cat "$TMP/err")"
python3 - "$TMP/log" "$TMP/bad-rules.json" <<'PY' || fail "init error: $(cat "$TMP/log")"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
assert len(log) == 1 and log[0]["path"] == "/2018-06-01/runtime/init/error", log
assert log[0]["error_type"] == "Runtime.InitError", log
doc = json.loads(log[0]["body"])
assert list(doc) == ["errorMessage", "errorType"] and doc["errorType"] == "Runtime.InitError", doc
assert doc["errorMessage"].startswith(sys.argv[2] + ":"), doc
PY
# event files handled here, one answer a line; a JSON document left open by one event's object
# is that event's malformed line, and does not swallow the next event
printf '%s' '{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"k","body":"{ \"open\": [\n"}}}]}' >"$TMP/open.json"
$VPCFLOW lambda "$TMP/open.json" "$TMP/e2.json" >"$TMP/out" 2>"$TMP/err" || fail "local events: exit $?"
printf '%s\n' '{"records":0,"malformed":1,"payloads":0,"control_messages":0,"objects":1,"alerts":[]}' \
    '{"records":0,"malformed":0,"payloads":1,"control_messages":1,"objects":0,"alerts":[]}' | cmp -s - "$TMP/out" ||
    fail "local events: $(cat "$TMP/out")"
grep -q "unterminated JSON payload" "$TMP/err" || fail "local events: $(cat "$TMP/err")"
echo ok
