#!/usr/bin/env bash
# cli_json_shapes.sh — every JSON shape the AWS CLI and CloudWatch Logs deliveries give gives
# the same records as the text lines it wraps. The bundled tree's records (examples/vpc, a
# custom format, headers dropped as CloudWatch Logs has none) are wrapped here as
#   filter.json     `aws logs filter-log-events` (pretty-printed, searchedLogStreams, nextToken)
#   events/NNN.json `aws logs get-log-events`, one per log file, read as a directory
#   query.json      `aws logs get-query-results` (rows of @timestamp, @message, @ptr)
#   array.json      `aws logs filter-log-events --query events` (a bare array of events)
#   lines.jsonl     JSON lines {"message": ..., ...}; lines.jsonl.gz the same gzipped
#   firehose.gz     CloudWatch Logs -> Firehose -> S3: gzip members of subscription payloads
#                   concatenated without separators, a CONTROL_MESSAGE among them
#   firehose.json   the same payloads decompressed, still concatenated without separators
#   firehose2.gz    firehose.gz gzipped again (S3 compression on top of Firehose's)
# `cat` of each equals `cat` of the tree, and `summary --output json` (with the topology)
# equals the tree's once its input counts are set aside; `top` and `alerts` read them too.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${EXAMPLES:=$(dirname "$0")/../../examples}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
TMP=$(mktemp -d /tmp/vpcflow-cli-json-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed"; exit 1; }

TREE=$EXAMPLES/vpc/AWSLogs
TOPO=$EXAMPLES/vpc/topology
python3 - "$TREE" "$TMP" <<'EOF'
import base64, gzip, json, os, sys
tree, tmp = sys.argv[1], sys.argv[2]
paths = []
for d, dirs, files in os.walk(tree):
    paths += [os.path.join(d, f) for f in files if not f.startswith(".")]
paths.sort(key=lambda p: p.split("/"))  # the order vpcflow walks a tree in
header, files = None, []
for p in paths:
    lines = gzip.open(p, "rt").read().splitlines()
    header = lines[0]
    files.append([l for l in lines[1:] if l.strip()])
open(tmp + "/format", "w").write(" ".join("${%s}" % f for f in header.split()))
records = [r for f in files for r in f]
T0 = 1793491200000
def event(i, r):
    return {"logStreamName": r.split()[1] + "-all", "timestamp": T0 + i, "message": r,
            "ingestionTime": T0 + i + 500, "eventId": "%056d" % i}
evs = [event(i, r) for i, r in enumerate(records)]
json.dump({"events": evs, "searchedLogStreams": [{"logStreamName": "eni-1-all", "searchedCompletely": True}],
           "nextToken": "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCqd"}, open(tmp + "/filter.json", "w"), indent=4)
json.dump(evs, open(tmp + "/array.json", "w"), indent=2)
os.mkdir(tmp + "/events")
for k, f in enumerate(files):
    json.dump({"events": [{"timestamp": T0 + i, "message": r, "ingestionTime": T0 + i} for i, r in enumerate(f)],
               "nextForwardToken": "f/3758%052d" % k, "nextBackwardToken": "b/3758%052d" % k},
              open("%s/events/%03d.json" % (tmp, k), "w"), indent=4)
def ts(i):
    s = (T0 + i) // 1000
    return "2026-11-01 %02d:%02d:%02d.%03d" % (s // 3600 % 24, s // 60 % 60, s % 60, i % 1000)
json.dump({"results": [[{"field": "@timestamp", "value": ts(i)}, {"field": "@message", "value": r},
                        {"field": "@ptr", "value": "CmAKJwoj%d" % i}] for i, r in enumerate(records)],
           "statistics": {"recordsMatched": len(records), "recordsScanned": len(records), "bytesScanned": 1},
           "status": "Complete"}, open(tmp + "/query.json", "w"), indent=4)
jl = "".join(json.dumps({"timestamp": T0 + i, "message": r, "logGroup": "vpc-flow", "logStream": "s"}) + "\n"
             for i, r in enumerate(records))
open(tmp + "/lines.jsonl", "w").write(jl)
open(tmp + "/lines.jsonl.gz", "wb").write(gzip.compress(jl.encode()))
def payload(i, f, kind="DATA_MESSAGE"):
    return json.dumps({"messageType": kind, "owner": "123456789012", "logGroup": "vpc-flow",
                       "logStream": "eni-%d-all" % i, "subscriptionFilters": ["to-firehose"],
                       "logEvents": [{"id": "%d" % j, "timestamp": T0 + j, "message": r} for j, r in enumerate(f)]},
                      separators=(",", ":")).encode()
docs = [payload(k, f) for k, f in enumerate(files)]
docs.insert(1, payload(0, ["CWL CONTROL MESSAGE: Checking health of destination Firehose."], "CONTROL_MESSAGE"))
fh = b"".join(gzip.compress(d) for d in docs)
open(tmp + "/firehose.gz", "wb").write(fh)
open(tmp + "/firehose.json", "wb").write(b"".join(docs))
open(tmp + "/firehose2.gz", "wb").write(gzip.compress(fh))
EOF
FMT=$(cat "$TMP/format")
TOPOARGS=(--subnets "$TOPO/describe-subnets.json" --enis "$TOPO/describe-network-interfaces.json"
    --ip-ranges "$TOPO/ip-ranges.json")
# summary's JSON without what counts inputs (files, lines, headers): the rest must be equal
strip() { python3 -c '
import json, sys
d = json.load(sys.stdin)
def drop(o):
    if isinstance(o, dict):
        return {k: drop(v) for k, v in o.items() if k not in ("inputs", "files", "lines", "headers", "input_bytes", "elapsed_s", "seconds")}
    if isinstance(o, list):
        return [drop(v) for v in o]
    return o
json.dump(drop(d), sys.stdout, indent=1, sort_keys=True)'; }

"$VPCFLOW" cat --format "$FMT" "$TREE" >"$TMP/want.cat"
[ "$(wc -l <"$TMP/want.cat")" -gt 10000 ] || fail "the tree gave $(wc -l <"$TMP/want.cat") records"
"$VPCFLOW" summary --output json "${TOPOARGS[@]}" --format "$FMT" "$TREE" | strip >"$TMP/want.summary"
"$VPCFLOW" top --by class --format "$FMT" "$TREE" >"$TMP/want.top"
for shape in filter.json events array.json query.json lines.jsonl lines.jsonl.gz firehose.gz firehose.json \
    firehose2.gz; do
    "$VPCFLOW" cat --format "$FMT" "$TMP/$shape" >"$TMP/got.cat" 2>"$TMP/err" || fail "cat $shape: exit $?: $(cat "$TMP/err")"
    [ ! -s "$TMP/err" ] || fail "cat $shape said: $(cat "$TMP/err")"
    cmp -s "$TMP/want.cat" "$TMP/got.cat" || fail "cat $shape differs: $(diff "$TMP/want.cat" "$TMP/got.cat" | head -5)"
    "$VPCFLOW" summary --output json "${TOPOARGS[@]}" --format "$FMT" "$TMP/$shape" | strip >"$TMP/got.summary" ||
        fail "summary $shape: exit $?"
    cmp -s "$TMP/want.summary" "$TMP/got.summary" ||
        fail "summary $shape differs: $(diff "$TMP/want.summary" "$TMP/got.summary" | head -10)"
    "$VPCFLOW" top --by class --format "$FMT" "$TMP/$shape" >"$TMP/got.top" || fail "top $shape: exit $?"
    cmp -s "$TMP/want.top" "$TMP/got.top" || fail "top $shape differs: $(diff "$TMP/want.top" "$TMP/got.top" | head -5)"
    echo "$shape: $(wc -l <"$TMP/got.cat") records, as the text lines"
done

# alerts read them as files too, and fire what they fire on the tree
"$VPCFLOW" alerts --format "$FMT" "$TREE" >"$TMP/want.alerts" || fail "alerts on the tree: exit $?"
"$VPCFLOW" alerts --format "$FMT" "$TMP/query.json" >"$TMP/got.alerts" || fail "alerts on query.json: exit $?"
cmp -s "$TMP/want.alerts" "$TMP/got.alerts" || fail "alerts differ: $(diff "$TMP/want.alerts" "$TMP/got.alerts" | head -5)"

# a malformed record inside a JSON input is named by the number of its event
printf '{"events":[{"timestamp":1,"message":"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 7 1501236000 1501236060 ACCEPT OK"},\n{"timestamp":2,"message":"2 1 eni-1 not-an-address"}],\n"nextToken":"x"}\n' >"$TMP/bad.json"
rc=0
"$VPCFLOW" cat "$TMP/bad.json" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$(wc -l <"$TMP/out")" = 1 ] || fail "bad.json: $(cat "$TMP/out")"
grep -q "^$TMP/bad.json:2: field 4 (srcaddr): " "$TMP/err" || fail "bad.json's second event: $(cat "$TMP/err")"

# JSON lines are decoded a part at a time (over 8 MiB here, read from a file and from a pipe):
# the event numbers run on from part to part, and every record counts once
python3 - "$TMP" <<'EOF'
import json, sys
rec = "2 123456789012 eni-0a1b2c3d4e5f60001 10.0.1.5 10.0.2.9 40000 443 6 10 %d 1793491200 1793491260 ACCEPT OK"
with open(sys.argv[1] + "/long.jsonl", "w") as f:
    for i in range(1, 60001):
        m = "2 123456789012 eni-0a1b2c3d4e5f60001 bad" if i == 45000 else rec % i
        f.write(json.dumps({"timestamp": 1793491200000 + i, "message": m, "logStream": "eni-0a1b2c3d4e5f60001-all",
                            "logGroup": "vpc-flow-logs-with-a-long-name-to-make-the-lines-longer"}) + "\n")
EOF
[ "$(stat -c %s "$TMP/long.jsonl")" -gt $((8 << 20)) ] || fail "long.jsonl is too short to come in parts"
for input in "$TMP/long.jsonl" -; do
    "$VPCFLOW" summary --output json "$input" <"$TMP/long.jsonl" >"$TMP/out" 2>"$TMP/err" || fail "long.jsonl: exit $?"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["records"], d["bytes_logged"])' "$TMP/out" \
        >"$TMP/got" || fail "long.jsonl summary: $(cat "$TMP/out")"
    [ "$(cat "$TMP/got")" = "59999 $((60000 * 60001 / 2 - 45000))" ] || fail "long.jsonl ($input): $(cat "$TMP/got")"
    grep -q ":45000: field 4 (srcaddr): " "$TMP/err" || fail "long.jsonl's bad event ($input): $(cat "$TMP/err")"
done

# One document over 16 MiB (filter-log-events with every page in one output; a DATA_MESSAGE and
# a CONTROL_MESSAGE as large) is read element by element: the same records as the JSON lines,
# the control message's events skipped although they come before its type, the bad event named
# by its number, a syntax error by its line in the file, and the whole JSON tree never held
python3 - "$TMP" <<'EOF'
import json, sys
tmp = sys.argv[1]
lines = [json.loads(l) for l in open(tmp + "/long.jsonl")]
evs = [{"logStreamName": l["logStream"], "timestamp": l["timestamp"], "message": l["message"],
        "ingestionTime": l["timestamp"] + 9, "eventId": "%056d" % i} for i, l in enumerate(lines)]
json.dump({"events": evs, "searchedLogStreams": [{"logStreamName": "eni-0a1b2c3d4e5f60001-all"}],
           "nextToken": "Bxkq6k"}, open(tmp + "/large.json", "w"), indent=4)
with open(tmp + "/large-dm.json", "w") as f:
    json.dump({"logEvents": evs, "owner": "1", "messageType": "CONTROL_MESSAGE"}, f)
    json.dump({"logEvents": evs, "owner": "1", "messageType": "DATA_MESSAGE"}, f)
text = open(tmp + "/large.json").read()
cut = text.index("\n", len(text) // 2)  # a line's end, outside any string
open(tmp + "/large-bad.json", "w").write(text[:cut] + "}" + text[cut:])
open(tmp + "/large-bad.line", "w").write("%d\n" % (text[:cut].count("\n") + 1))
EOF
[ "$(stat -c %s "$TMP/large.json")" -gt $((16 << 20)) ] || fail "large.json is not over 16 MiB"
"$VPCFLOW" cat "$TMP/long.jsonl" >"$TMP/want.cat" 2>/dev/null
for f in large.json large-dm.json; do
    rc=0
    "$TIME" -f "%M" -o "$TMP/rss" "$VPCFLOW" cat "$TMP/$f" >"$TMP/got.cat" 2>"$TMP/err" || rc=$?
    [ $rc = 0 ] || fail "$f: exit $rc: $(cat "$TMP/err")"
    cmp -s "$TMP/want.cat" "$TMP/got.cat" || fail "$f differs: $(diff "$TMP/want.cat" "$TMP/got.cat" | head -5)"
    grep -q ":45000: field 4 (srcaddr): " "$TMP/err" || fail "$f's bad event: $(cat "$TMP/err")"
    size=$(($(stat -c %s "$TMP/$f") / 1024))
    rss=$(tail -1 "$TMP/rss")
    echo "$f: $((size / 1024)) MiB, peak RSS $((rss / 1024)) MiB"
    if [ -z "${ASAN_OPTIONS:-}" ] && [ "$rss" -gt $((size * 3)) ]; then
        fail "$f: peak RSS ${rss} KiB over 3 times its ${size} KiB"
    fi
done
rc=0
"$VPCFLOW" cat "$TMP/large-bad.json" >/dev/null 2>"$TMP/err" || rc=$?
line=$(cat "$TMP/large-bad.line")
[ $rc = 2 ] || fail "large-bad.json: exit $rc: $(cat "$TMP/err")"
grep -q "^vpcflow: $TMP/large-bad.json:$line:[0-9]*: " "$TMP/err" || fail "large-bad.json (line $line): $(cat "$TMP/err")"
echo ok
