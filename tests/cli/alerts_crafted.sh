#!/usr/bin/env bash
# alerts_crafted.sh — tests/data/alerts/crafted.log holds one case per rule and its near
# misses (see the table below); `alerts` and `watch` must fire exactly the expected alerts,
# in any thread count, plain or gzip, sorted or not. Also: the rules files of
# tests/data/alerts, exit statuses (bad rules file 2, missing file 1, usage 2), the help.
#
#   case                                               fires
#   10.0.1.5 rejected by a neighbour (twice)            internal-reject
#   198.51.100.7 rejected from the internet             -  (noise)
#   203.0.113.50 rejected on 20 ports                    port-scan
#   203.0.113.51 rejected on 19 ports                    -  (just below)
#   203.0.113.52 rejected on port 23 of 20 hosts         port-scan
#   192.0.2.44 accepted on 22 from the internet          sensitive-port-accepted
#   192.0.2.45 accepted on 443 from the internet         -
#   10.0.1.7 accepted on 3306 from inside                -
#   192.0.2.46 rejected on 3389 from the internet        -
#   10.0.4.4 1 MiB per 10 min, then 151 MiB in 10 min    egress-spike
#   10.0.4.5 1 MiB per 10 min, then 51 MiB in 10 min     -  (below the 100 MiB floor)
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=$ROOT/tests/data/alerts
TMP=$(mktemp -d /tmp/vpcflow-alerts-crafted-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

summarize() {
    python3 -c '
import json, sys
for a in map(json.loads, open(sys.argv[1])):
    k = a["key"]
    print(a["rule"], k["srcaddr"], k.get("dstaddr", ""), k.get("dstport", ""))' "$1"
}
WANT='internal-reject 10.0.1.5  
port-scan 203.0.113.50  
port-scan 203.0.113.52  
sensitive-port-accepted 192.0.2.44 10.0.2.9 22
egress-spike 10.0.4.4  '

for j in 1 2 4; do
    "$VPCFLOW" alerts -j $j "$DATA/crafted.log" >"$TMP/a$j.json" || fail "alerts -j $j: exit $?"
done
[ "$(summarize "$TMP/a1.json")" = "$WANT" ] || fail "alerts fired:
$(summarize "$TMP/a1.json")"
cmp -s "$TMP/a1.json" "$TMP/a2.json" && cmp -s "$TMP/a1.json" "$TMP/a4.json" || fail "thread count changes the output"
gzip -c "$DATA/crafted.log" >"$TMP/crafted.log.gz"
"$VPCFLOW" alerts "$TMP/crafted.log.gz" >"$TMP/gz.json" || fail "alerts on gzip: exit $?"
cmp -s "$TMP/a1.json" "$TMP/gz.json" || fail "gzip changes the output"
# the same records in reverse order: the same alerts (event time, not arrival)
{ head -1 "$DATA/crafted.log"; tail -n +2 "$DATA/crafted.log" | tac; } >"$TMP/reversed.log"
"$VPCFLOW" alerts "$TMP/reversed.log" >"$TMP/rev.json" || fail "alerts reversed: exit $?"
[ "$(summarize "$TMP/rev.json")" = "$WANT" ] || fail "reversed input fired: $(summarize "$TMP/rev.json")"

# streaming: the same alerts, from a file and from stdin
"$VPCFLOW" watch --exit-at-eof "$DATA/crafted.log" >"$TMP/w.json" 2>"$TMP/w.err" || fail "watch: exit $?"
[ "$(summarize "$TMP/w.json")" = "$WANT" ] || fail "watch fired:
$(summarize "$TMP/w.json")"
grep -q "^vpcflow watch: 119 records (0 NODATA, 0 SKIPDATA, 0 malformed), 5 alerts$" "$TMP/w.err" ||
    fail "watch summary: $(cat "$TMP/w.err")"
"$VPCFLOW" watch <"$TMP/crafted.log.gz" >"$TMP/w2.json" 2>/dev/null || fail "watch gzip stdin: exit $?"
[ "$(summarize "$TMP/w2.json")" = "$WANT" ] || fail "watch on gzip stdin fired: $(summarize "$TMP/w2.json")"
# without a header line --format applies
tail -n +2 "$DATA/crafted.log" | "$VPCFLOW" watch --format '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}' >"$TMP/w3.json" 2>/dev/null ||
    fail "watch --format: exit $?"
[ "$(summarize "$TMP/w3.json")" = "$WANT" ] || fail "watch --format fired: $(summarize "$TMP/w3.json")"

# --only, and a rules file that tightens port-scan
"$VPCFLOW" alerts --only port-scan "$DATA/crafted.log" >"$TMP/o.json" || fail "--only: exit $?"
[ "$(summarize "$TMP/o.json")" = "port-scan 203.0.113.50  
port-scan 203.0.113.52  " ] || fail "--only fired: $(summarize "$TMP/o.json")"
"$VPCFLOW" alerts --rules "$DATA/rules-scans-only.json" "$DATA/crafted.log" >"$TMP/s.json" || fail "rules: exit $?"
[ "$(summarize "$TMP/s.json")" = "port-scan 203.0.113.50  
port-scan 203.0.113.51  
port-scan 203.0.113.52  " ] || fail "rules-scans-only fired: $(summarize "$TMP/s.json")"
grep -q '"severity":"high"' "$TMP/s.json" || fail "severity from the rules file"

# every example rules file is valid; every bad one is exit status 2 naming the file
for f in "$DATA"/rules-*.json; do
    "$VPCFLOW" alerts --rules "$f" --print-rules >/dev/null || fail "$f: exit $?"
done
for f in "$DATA"/bad-*.json; do
    for cmd in alerts watch; do
        rc=0
        "$VPCFLOW" $cmd --rules "$f" "$DATA/crafted.log" >/dev/null 2>"$TMP/err" || rc=$?
        [ $rc = 2 ] || fail "$cmd --rules $f exited $rc"
        grep -q "^vpcflow: $f:" "$TMP/err" || fail "$cmd --rules $f: $(cat "$TMP/err")"
    done
done
status() { # expected status, then the command
    local want=$1 rc=0
    shift
    "$@" >/dev/null 2>&1 </dev/null || rc=$?
    [ $rc = "$want" ] || fail "'$*' exited $rc, want $want"
}
status 1 "$VPCFLOW" alerts --rules "$TMP/missing.json" "$DATA/crafted.log"
status 2 "$VPCFLOW" alerts --only port-scan,nope "$DATA/crafted.log"
status 2 "$VPCFLOW" alerts --bogus "$DATA/crafted.log"
status 2 "$VPCFLOW" alerts -o csv "$DATA/crafted.log"
status 2 "$VPCFLOW" alerts
status 2 "$VPCFLOW" alerts --exit-at-eof "$DATA/crafted.log"
status 2 "$VPCFLOW" watch --poll 0 "$DATA/crafted.log"
status 2 "$VPCFLOW" watch --exit-at-eof "$DATA"
status 1 "$VPCFLOW" watch --exit-at-eof "$TMP/missing.log"
status 1 "$VPCFLOW" alerts "$TMP/missing.log"
status 0 "$VPCFLOW" alerts --help
status 0 "$VPCFLOW" watch --help

# the help teaches the rules, with examples
for cmd in alerts watch; do
    "$VPCFLOW" help $cmd >"$TMP/help" || fail "help $cmd: exit $?"
    for w in internal-reject port-scan sensitive-port-accepted egress-spike "--rules" Examples:; do
        grep -q -- "$w" "$TMP/help" || fail "help $cmd lacks $w"
    done
done
"$VPCFLOW" help watch | grep -q -- "--exit-at-eof" || fail "help watch lacks --exit-at-eof"
"$VPCFLOW" --help | grep -q "^  alerts " || fail "vpcflow --help lacks alerts"
"$VPCFLOW" --help | grep -q "^  watch " || fail "vpcflow --help lacks watch"
echo "ok"
