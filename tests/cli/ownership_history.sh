#!/usr/bin/env bash
# ownership_history.sh — with --history one address that belonged to three instances in turn
# (tests/data/history/make-data.py) is split by owner with exact bytes, its cross-AZ class follows
# the owner's AZ of each time, the summary says where owners came from, and without --history
# the current snapshot misattributes every byte to today's owner.
set -euo pipefail
D="$ROOT/tests/data/history"
dir=$(mktemp -d /tmp/vpcflow-hist-XXXXXX)
trap 'rm -rf "$dir"' EXIT
H=(--region us-east-1 --enis "$D/enis.json" --history "$D/trail" --history "$D/lookup-events.json"
    --history "$D/config")
fail=0
check() { # name, python expression over `j` (the JSON output) that must be true
    if ! python3 -c "import json,sys; j=json.load(open('$dir/out.json')); sys.exit(0 if ($2) else 1)"; then
        echo "FAIL: $1"
        cat "$dir/out.json"
        fail=1
    fi
}
"$VPCFLOW" top --by dstaddr --output json --no-progress "${H[@]}" "$D/flows.log" >"$dir/out.json" 2>"$dir/err"
check "three owners of 10.0.1.50, exact bytes" \
    "sorted((r['dstaddr_owner'], r['bytes']) for r in j['rows']) == [('ec2 i-0aaa', 1000), ('ec2 i-0bbb', 2000), ('ec2 i-0ccc', 4000)]"
"$VPCFLOW" top --by dstaddr,class --output json --no-progress "${H[@]}" "$D/flows.log" >"$dir/out.json" 2>/dev/null
check "the class follows the owner's AZ" \
    "sorted((r['dstaddr_owner'], r['class']) for r in j['rows']) == [('ec2 i-0aaa', 'same-az'), ('ec2 i-0bbb', 'cross-az'), ('ec2 i-0ccc', 'same-az')]"
"$VPCFLOW" summary --output json --no-progress "${H[@]}" "$D/flows.log" >"$dir/out.json" 2>/dev/null
check "summary classes" \
    "j['classes']['same-az']['bytes'] == 5000 and j['classes']['cross-az']['bytes'] == 2000"
check "summary names the owner of the time" \
    "[r['owner'] for r in j['top_receivers']['cross-az']] == ['ec2 i-0bbb']"
"$VPCFLOW" summary --no-progress "${H[@]}" "$D/flows.log" >"$dir/out.txt" 2>/dev/null
grep -q "owners of VPC addresses, by bytes: 7000 (50.0%) from --history, 7000 (50.0%) from the --enis snapshot, 0 (0.0%) with no owner" \
    "$dir/out.txt" || { echo "FAIL: attribution note"; cat "$dir/out.txt"; fail=1; }
for note in "1 event of other regions than us-east-1 ignored" "1 event of ENIs in other VPCs than the topology's ignored" \
    "1 address taken by another ENI without a recorded release"; do
    grep -q "$note" "$dir/out.txt" || { echo "FAIL: note: $note"; fail=1; }
done
# without the history: today's owner gets everything, all same-az
"$VPCFLOW" top --by dstaddr --output json --no-progress --region us-east-1 --enis "$D/enis.json" "$D/flows.log" \
    >"$dir/out.json" 2>/dev/null
check "--enis alone misattributes" "[(r['dstaddr_owner'], r['bytes']) for r in j['rows']] == [('ec2 i-0ccc', 7000)]"
"$VPCFLOW" summary --output json --no-progress --region us-east-1 --enis "$D/enis.json" "$D/flows.log" \
    >"$dir/out.json" 2>/dev/null
check "--enis alone: no cross-az" "j['classes']['cross-az']['bytes'] == 0"
# the same answer from each shape on its own where they overlap: Config alone gives i-0ccc from 16:00
"$VPCFLOW" top --by dstaddr --output json --no-progress --region us-east-1 --history "$D/config" "$D/flows.log" \
    >"$dir/out.json" 2>/dev/null
check "Config history alone" \
    "sorted((r['dstaddr_owner'], r['bytes']) for r in j['rows']) == [('ec2 i-0ccc', 4000), ('private', 3000)]"
# timeline and alerts take --history too
"$VPCFLOW" timeline --by dst-owner --every 8h --output json --no-progress "${H[@]}" "$D/flows.log" \
    >"$dir/out.json" 2>/dev/null
check "timeline by owner" \
    "sorted((r['dst-owner'], r['bytes']) for r in j['rows']) == [('ec2 i-0aaa', 1000), ('ec2 i-0bbb', 2000), ('ec2 i-0ccc', 4000)]"
# convert writes the owner and AZ of each record's time
"$VPCFLOW" convert --to jsonl --out "$dir/conv" --no-progress "${H[@]}" "$D/flows.log" 2>/dev/null
python3 - "$dir/conv" <<'PY' || { echo "FAIL: convert owners"; fail=1; }
import glob, json, sys
rows = [json.loads(l) for f in sorted(glob.glob(sys.argv[1] + "/*.jsonl")) for l in open(f)]
got = sorted((r["bytes"], r["dst_owner"], r["dst_az"], r["class"]) for r in rows)
want = [(1000, "ec2 i-0aaa", "us-east-1a", "same-az"), (2000, "ec2 i-0bbb", "us-east-1b", "cross-az"),
        (4000, "ec2 i-0ccc", "us-east-1a", "same-az")]
sys.exit(0 if got == want else print(got) or 1)
PY
# alerts accept it too
"$VPCFLOW" alerts --no-progress "${H[@]}" "$D/flows.log" >/dev/null 2>"$dir/err" || { echo "FAIL: alerts --history"; cat "$dir/err"; fail=1; }
# the generator's planted reuse: halfway through, the RDS standby's address goes to a new
# instance; with its CloudTrail events summary equals the truth, with --enis alone it does not
"$GEN" --size 8M --format v3 --layout flat --seed 5 --plant-reuse "$dir/gen" 2>/dev/null
topo="$dir/gen/topology"
G=(--subnets "$topo/describe-subnets.json" --enis "$topo/describe-network-interfaces.json"
    --ip-ranges "$topo/ip-ranges.json")
"$VPCFLOW" summary --output json --no-progress "${G[@]}" --history "$dir/gen/history" "$dir/gen/flows.log" \
    >"$dir/with.json" 2>/dev/null
"$VPCFLOW" summary --output json --no-progress "${G[@]}" "$dir/gen/flows.log" >"$dir/without.json" 2>/dev/null
"$VPCFLOW" top --by dstaddr -n 1000 --output json --no-progress "${G[@]}" --history "$dir/gen/history" \
    "$dir/gen/flows.log" >"$dir/top.json" 2>/dev/null
python3 - "$dir" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
truth = json.load(open(d + "/gen/truth.json"))
want = truth["summary"]
with_h, without = json.load(open(d + "/with.json")), json.load(open(d + "/without.json"))
bad = [k for k in want if with_h.get(k) != want[k]]
for k in bad:
    print("FAIL: generator reuse with --history: %s: got %s want %s" % (k, with_h.get(k), want[k]))
if without["cost_usd_total"] <= want["cost_usd_total"] or \
        without["classes"]["cross-az"]["cost_usd"] <= want["classes"]["cross-az"]["cost_usd"]:
    print("FAIL: --enis alone should charge the RDS replication of the first half: %s vs %s"
          % (without["cost_usd_total"], want["cost_usd_total"]))
    bad.append("misattribution")
reuse = truth["address_reuse"]
owners = sorted(r["dstaddr_owner"] for r in json.load(open(d + "/top.json"))["rows"] if r["dstaddr"] == reuse["addr"])
if owners != sorted([reuse["before"], reuse["after"]]):
    print("FAIL: generator reuse: %s rows by owner %s, want %s and %s" % (reuse["addr"], owners, reuse["before"], reuse["after"]))
    bad.append("owners")
sys.exit(1 if bad else 0)
PY
exit $fail
