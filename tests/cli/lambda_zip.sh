#!/usr/bin/env bash
# lambda_zip.sh — the deploy zip (deploy/lambda/build.sh, what `make lambda-zip` runs) builds,
# holds bootstrap, the tool and its libraries, and its bootstrap, unzipped and started as
# Lambda starts it (AWS_LAMBDA_RUNTIME_API, settings in the environment), answers an event of
# a local Runtime API (tests/tools/http_stub.py) with the alert it fires.
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SAMPLES:=$ROOT/tests/data/samples}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
TMP=$(mktemp -d /tmp/vpcflow-lambda-zip-XXXXXX)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

echo '{"rules": [], "port-scan": {"enabled": false}}' >"$TMP/rules.json"
"$ROOT/deploy/lambda/build.sh" "$VPCFLOW" "$TMP/function.zip" "$TMP/rules.json" >"$TMP/build.out" ||
    fail "build: $(cat "$TMP/build.out")"
cat "$TMP/build.out"
mkdir "$TMP/task"
python3 - "$TMP/function.zip" "$TMP/task" <<'PY' || fail "zip contents"
import os, stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
for need in ("bootstrap", "vpcflow", "rules.json", "lib/ld-linux-x86-64.so.2", "lib/libc.so.6", "lib/libcurl.so.4"):
    assert need in names, (need, names)
assert (z.getinfo("bootstrap").external_attr >> 16) & 0o111, "bootstrap is not executable"
for info in z.infolist():  # Python's extractall drops the modes: keep them, as Lambda does
    path = z.extract(info, sys.argv[2])
    os.chmod(path, (info.external_attr >> 16) & 0o777)
PY

python3 "$ROOT/tests/tools/http_stub.py" runtime "$TMP/log" "$TMP/port" "$SAMPLES/lambda-subscription-event.json" &
SERVER=$!
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.1; done
[ -f "$TMP/port" ] || fail "the runtime API stub did not start"
# as Lambda runs it: from another directory, with an environment of its own
(cd / && env -i PATH=/usr/bin:/bin LAMBDA_TASK_ROOT="$TMP/task" AWS_LAMBDA_RUNTIME_API="127.0.0.1:$(cat "$TMP/port")" \
    VPCFLOW_OPTIONS="--max-invocations 1" timeout 60 "$TMP/task/bootstrap") >"$TMP/out" 2>"$TMP/err" ||
    fail "bootstrap: exit $?: $(cat "$TMP/err")"
python3 - "$TMP/log" <<'PY' || fail "response: $(cat "$TMP/log")"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
assert [e["path"] for e in log] == ["/2018-06-01/runtime/invocation/req-1/response"], log
doc = json.loads(log[0]["body"])
assert (doc["records"], doc["control_messages"]) == (2, 0), doc
assert [(a["rule"], a["key"]["srcaddr"]) for a in doc["alerts"]] == [("internal-reject", "172.31.9.69")], doc
PY
grep -q '"rule":"internal-reject"' "$TMP/out" || fail "the alert is not logged: $(cat "$TMP/out")"
echo ok
