#!/usr/bin/env bash
# alerts_generator.sh — on vpcflow-gen's data (5M, seed 3) `vpcflow alerts` fires exactly the
# events planted in truth.json — the internal scanner (internal-reject and port-scan), the
# internet scanners (port-scan), the accepted SSH login (sensitive-port-accepted), the egress
# spike (egress-spike) — and nothing for ordinary traffic; the output does not depend on the
# thread count or the layout; `vpcflow watch` over the same records (a followed file, and gzip
# on stdin) fires the same rule and key pairs.
set -eu
: "${GEN:?set GEN to the vpcflow-gen binary}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
TMP=$(mktemp -d /tmp/vpcflow-alerts-gen-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

D=$TMP/d
"$GEN" --size 5M --seed 3 --layout both "$D" 2>"$TMP/gen.err" || fail "vpcflow-gen: $(cat "$TMP/gen.err")"
T=$D/topology
TOPO=(--subnets "$T/describe-subnets.json" --enis "$T/describe-network-interfaces.json" --ip-ranges "$T/ip-ranges.json")

"$VPCFLOW" alerts "${TOPO[@]}" "$D/AWSLogs" >"$TMP/batch.json" || fail "alerts exited $?"
"$VPCFLOW" alerts -j 1 "${TOPO[@]}" "$D/AWSLogs" >"$TMP/batch1.json" || fail "alerts -j 1 exited $?"
"$VPCFLOW" alerts -j 3 "${TOPO[@]}" "$D/AWSLogs" >"$TMP/batch3.json" || fail "alerts -j 3 exited $?"
cmp -s "$TMP/batch.json" "$TMP/batch1.json" || fail "alerts output differs between default threads and -j 1"
cmp -s "$TMP/batch.json" "$TMP/batch3.json" || fail "alerts output differs between default threads and -j 3"
"$VPCFLOW" alerts "${TOPO[@]}" "$D/flows.log" >"$TMP/flat.json" || fail "alerts on flows.log exited $?"
"$VPCFLOW" watch --exit-at-eof "${TOPO[@]}" "$D/flows.log" >"$TMP/watch.json" 2>"$TMP/watch.err" ||
    fail "watch exited $?: $(cat "$TMP/watch.err")"
find "$D/AWSLogs" -name '*.log.gz' | sort | xargs cat |
    "$VPCFLOW" watch "${TOPO[@]}" - >"$TMP/stdin.json" 2>"$TMP/stdin.err" || fail "watch - exited $?"

python3 - "$D/truth.json" "$TMP" <<'EOF'
import json, sys
truth = json.load(open(sys.argv[1]))
tmp = sys.argv[2]
p = truth["planted"]

def load(name):
    return [json.loads(l) for l in open("%s/%s" % (tmp, name))]

def ident(a):
    k = a["key"]
    return (a["rule"], k["srcaddr"], k.get("dstaddr"), k.get("dstport"))

batch = load("batch.json")
got = sorted(ident(a) for a in batch)
want = [("internal-reject", p["internal_scanner"]["src"], None, None),
        ("port-scan", p["internal_scanner"]["src"], None, None),
        ("sensitive-port-accepted", p["ssh_accepted"]["src"], p["ssh_accepted"]["dst"], 22),
        ("egress-spike", p["egress_spike"]["src"], None, None)]
want += [("port-scan", s["src"], None, None) for s in p["internet_scanners"]]
want.sort()
if got != want:
    sys.exit("alerts fired %s\nplanted %s" % (got, want))
by = {ident(a): a for a in batch}

s = p["internal_scanner"]
a = by[("internal-reject", s["src"], None, None)]
assert (a["records"], a["ports"], a["hosts"]) == (s["probes"], s["ports"], s["hosts"]), a
assert a["key"]["owner"] == "ec2 " + s["instance"], a["key"]
assert s["first"] <= a["first_seen"] <= a["last_seen"] and a["first_seen"] <= s["last"], a
assert a["severity"] == "high" and len(a["examples"]) == 3, a
for s in p["internet_scanners"]:
    a = by[("port-scan", s["src"], None, None)]
    # every probe is rejected but those to 80 and 443, each port once, on one host
    assert a["records"] == s["rejected"] and a["ports"] == s["rejected"] and a["hosts"] == s["hosts"], (a, s)
    assert s["first"] <= a["first_seen"] <= s["last"], (a, s)
s = p["ssh_accepted"]
a = by[("sensitive-port-accepted", s["src"], s["dst"], 22)]
assert a["first_seen"] == s["first"] and a["key"]["owner"] == "ec2 " + s["instance"], a
assert a["records"] == s["records"] // 2, a  # the inbound half of the session
s = p["egress_spike"]
a = by[("egress-spike", s["src"], None, None)]
assert a["bytes"] == s["bytes"], (a["bytes"], s["bytes"])
assert (a["window_start"], a["window_end"]) == (s["window_start"], s["window_end"]), a
assert abs(a["baseline_bytes"] - s["baseline_bytes_per_window"]) <= s["baseline_bytes_per_window"] * 0.02, a
assert a["key"]["owner"] == "ec2 " + s["instance"], a

# the same records, another layout: the same alerts and counts
flat = sorted((ident(a), a["records"], a["bytes"]) for a in load("flat.json"))
assert flat == sorted((ident(a), a["records"], a["bytes"]) for a in batch), flat
# streaming: the same rule and key pairs, each once
for name in ("watch.json", "stdin.json"):
    w = sorted(ident(a) for a in load(name))
    if w != want:
        sys.exit("%s fired %s\nplanted %s" % (name, w, want))
print("%d alerts, as planted" % len(batch))
EOF
grep -q "vpcflow watch: $(python3 -c "import json;print(json.load(open('$D/truth.json'))['records'])") records" "$TMP/watch.err" ||
    fail "watch summary: $(head -1 "$TMP/watch.err")"
grep -q "^  port-scan  *4$" "$TMP/stdin.err" || fail "watch - summary: $(cat "$TMP/stdin.err")"

# without --ip-ranges AWS addresses count as internet, but the scanners and the SSH login
# are still found (and no internal-reject for any other source)
"$VPCFLOW" alerts --quiet "$D/AWSLogs" >"$TMP/bare.json" || fail "alerts without topology exited $?"
python3 - "$D/truth.json" "$TMP/bare.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))["planted"]
alerts = [json.loads(l) for l in open(sys.argv[2])]
ir = {a["key"]["srcaddr"] for a in alerts if a["rule"] == "internal-reject"}
assert ir == {p["internal_scanner"]["src"]}, ir
ps = {a["key"]["srcaddr"] for a in alerts if a["rule"] == "port-scan"}
assert ps == {p["internal_scanner"]["src"]} | {s["src"] for s in p["internet_scanners"]}, ps
sp = {a["key"]["srcaddr"] for a in alerts if a["rule"] == "sensitive-port-accepted"}
assert sp == {p["ssh_accepted"]["src"]}, sp
EOF
echo "ok"
