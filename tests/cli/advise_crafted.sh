#!/usr/bin/env bash
# advise_crafted.sh — `vpcflow advise` on tests/data/advise (each kind of action, its bytes and
# dollars known by construction: see tests/data/advise/README.md): the exact bytes, dollars and
# ranking; a change whose net is negative is not proposed; a replica's price from --prices turns
# the database's action negative; without topology inputs the advice says which input would
# make it exact and how much traffic is uncertain; usage errors.
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${ROOT:?set ROOT to the repository}"
D="$ROOT/tests/data/advise"
dir=$(mktemp -d /tmp/vpcflow-advise-XXXXXX)
trap 'rm -rf "$dir"' EXIT
A="--topology $D/topology.json --ip-ranges $D/ip-ranges.json"
"$VPCFLOW" advise $A --egress-gb 1000 --output json "$D/flows.log" >"$dir/full.json"
# shellcheck disable=SC2016
python3 - "$dir/full.json" <<'PY'
import json, sys
G = 1 << 30
a = json.load(open(sys.argv[1]))
assert a["window_seconds"] == 2592000, a["window_seconds"]
want = [  # kind, bytes, flows, saving (window = month), cost a month (None: unknown), net a month
    ("inter-region", 2100 * G, 2, "42.000000", "0.000000", "42.000000"),
    ("interface-endpoint", 1000 * G, 2, "35.000000", "14.400000", "20.600000"),
    ("internet-egress", 4003 * G, 5, "20.015000", "0.000000", "20.015000"),
    ("cross-az", 500 * G, 3, "10.000000", None, "10.000000"),
    ("nat-per-az", 2000 * G, 2, "40.000000", "32.400000", "7.600000"),
    ("gateway-endpoint", 100 * G, 2, "4.500000", "0.000000", "4.500000"),
    ("cross-az", 100 * G, 1, "2.000000", "0.000000", "2.000000"),
    ("gateway-endpoint", 20 * G, 2, "0.900000", "0.000000", "0.900000"),
]
got = a["actions"]
bad = []
if len(got) != len(want):
    bad.append("%d actions, want %d: %s" % (len(got), len(want), [x["change"] for x in got]))
for i, (w, g) in enumerate(zip(want, got)):
    kind, b, f, saving, cost, net = w
    fmt = lambda v: "%.6f" % v
    have = (g["kind"], g["evidence"]["bytes"], g["evidence"]["flows"], fmt(g["saving_usd"]),
            None if g["cost_usd_month"] is None else fmt(g["cost_usd_month"]), fmt(g["net_usd_month"]))
    if have != w or g["rank"] != i + 1 or fmt(g["saving_usd_month"]) != saving:
        bad.append("action %d: got %s want %s" % (i + 1, have, w))
checks = [
    ("gateway-endpoint", "S3 in us-east-1", ["nat-gateway nat-0aaa", "aws S3 us-east-1"]),
    ("interface-endpoint", "API_GATEWAY in us-east-1 (2 AZs: use1-az2 and use1-az3)",
     ["nat-gateway nat-0aaa", "aws API_GATEWAY us-east-1"]),
    ("nat-per-az", "add a NAT gateway in use1-az2", ["nat-gateway nat-0aaa"]),
    ("cross-az", "rds orders in use1-az1 talks with clients in use1-az2 and use1-az3: add a read replica",
     ["rds orders", "ec2 i-app2", "ec2 i-app1"]),
    ("inter-region", "in us-west-2", ["aws EC2 us-west-2"]),
    ("internet-egress", "top 5 internet destinations (99.9% of internet egress)",
     ["internet 81.0.0.1", "internet 81.0.0.2", "internet 81.0.0.3", "internet 81.0.0.4", "internet 81.0.0.5"]),
]
for kind, text, owners in checks:
    if not any(x["kind"] == kind and text in x["change"] and x["evidence"]["owners"] == owners for x in got):
        bad.append("no %s action with %r and owners %s" % (kind, text, owners))
est = {x["kind"]: x["estimate"] for x in got}
if not (est["inter-region"] and est["internet-egress"] and not est["cross-az"]):
    bad.append("estimates: %s" % est)
if [x["cost_known"] for x in got if x["kind"] == "cross-az"] != [False, True]:
    bad.append("the replica's cost is not marked unknown")
if any("use1-az3" in x["change"] for x in got if x["kind"] == "nat-per-az"):
    bad.append("the NAT gateway for use1-az3 (net -$12.40) was proposed")
if a["declined"] != 1 or a["inputs"] != []:
    bad.append("declined %s, inputs %s" % (a["declined"], a["inputs"]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# a replica's price: 2 AZs x 720 h x $0.136 = $195.84 a month > $10.00: the database's action goes
printf '{"replica": {"per-hour": 0.136}}\n' >"$dir/prices.json"
"$VPCFLOW" advise $A --egress-gb 1000 --prices "$dir/prices.json" --output json "$D/flows.log" >"$dir/replica.json"
python3 - "$dir/replica.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
kinds = [x["kind"] for x in a["actions"]]
assert kinds.count("cross-az") == 1 and a["declined"] == 2, (kinds, a["declined"])
assert not any("rds orders" in x["change"] for x in a["actions"])
PY

# below the egress threshold (default 100 GB a month is below 2000 GiB: above; 5000: below)
"$VPCFLOW" advise $A --egress-gb 5000 --output json "$D/flows.log" >"$dir/thr.json"
python3 - "$dir/thr.json" <<'PY'
import json, sys
kinds = [x["kind"] for x in json.load(open(sys.argv[1]))["actions"]]
assert "inter-region" not in kinds and "internet-egress" not in kinds, kinds
PY

# missing inputs: how much traffic is uncertain and which input fixes it
G=$((1 << 30))
"$VPCFLOW" advise --egress-gb 100000 --output json "$D/flows.log" >"$dir/none.json"
python3 - "$dir/none.json" "$G" <<'PY'
import json, sys
a, G = json.load(open(sys.argv[1])), int(sys.argv[2])
got = [(x["advice"].split(" ")[1], x["uncertain_bytes"]) for x in a["inputs"]]
# internal traffic without AZs: 3600 GiB logged, less app2 -> NAT (1000 GiB) dropped as the
# ingress copy of a logged sender (no --enis: the NAT is not recognised); internet-out: every
# external destination (no --ip-ranges): 10 + 5 + 500 + 100 + 2000 + 4006 GiB
want = [("--subnets", 2600 * G), ("--enis", 6621 * G)]
assert got == want, got
assert a["actions"] == [], a["actions"]
PY
"$VPCFLOW" advise --topology "$D/topology.json" --output json "$D/flows.log" >"$dir/noranges.json"
python3 - "$dir/noranges.json" "$G" <<'PY'
import json, sys
a, G = json.load(open(sys.argv[1])), int(sys.argv[2])
# NAT processing: every byte entering the NAT: 90 + 15 + 500 + 1500 + 1000 GiB
assert [(x["advice"].split(" ")[1], x["uncertain_bytes"]) for x in a["inputs"]] == [("--ip-ranges", 3105 * G)]
PY

# usage
set +e
"$VPCFLOW" advise --output xml "$D/flows.log" 2>/dev/null; rc1=$?
"$VPCFLOW" advise --egress-gb lots "$D/flows.log" 2>/dev/null; rc2=$?
"$VPCFLOW" advise 2>/dev/null; rc3=$?
"$VPCFLOW" advise "$dir/missing.log" 2>/dev/null; rc4=$?
set -e
[ "$rc1$rc2$rc3" = 222 ] || { echo "usage errors exit $rc1 $rc2 $rc3, want 2 2 2"; exit 1; }
[ "$rc4" != 0 ] || { echo "a missing input exits 0"; exit 1; }
"$VPCFLOW" advise --help | grep -q -- "--egress-gb N" || { echo "advise --help lacks --egress-gb"; exit 1; }
echo "advise: every kind of action with its exact bytes, dollars and rank; negative nets left out"
