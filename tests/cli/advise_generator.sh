#!/usr/bin/env bash
# advise_generator.sh — on the generator's data with a planted chatty database
# (--plant-chatty-db), the first action of `vpcflow advise` names the RDS primary and its
# clients' AZs, and its saving is the primary's charged cross-AZ bytes (truth.json rds_cross_az)
# x the cross-AZ rate ($0.02 a GB) over the window; per month it is that x 30 days / window.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}"
dir=$(mktemp -d /tmp/vpcflow-advise-gen-XXXXXX)
trap 'rm -rf "$dir"' EXIT
for fmt in v3 default; do
    "$GEN" --size 6M --format "$fmt" --seed 5 --plant-chatty-db "$dir/$fmt" 2>/dev/null
    t="$dir/$fmt/topology"
    "$VPCFLOW" advise --no-progress --subnets "$t/describe-subnets.json" --enis "$t/describe-network-interfaces.json" \
        --ip-ranges "$t/ip-ranges.json" --output json "$dir/$fmt/AWSLogs" >"$dir/$fmt.json"
    python3 - "$dir/$fmt.json" "$dir/$fmt/truth.json" "$fmt" <<'PY'
import json, sys
from decimal import Decimal, ROUND_HALF_UP
a, t, fmt = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
db = t["rds_cross_az"]
first = a["actions"][0]
num = db["bytes"] * 20000000000  # pico-dollars per GB, out + in
den = (1 << 30) * 10**12
def usd(n, d):
    return (Decimal(n) / Decimal(d)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
window = t["last_end"] - t["first_start"]
want_month = usd(num * 2592000 // window, den)
bad = []
if first["kind"] != "cross-az" or not first["change"].startswith("rds " + db["eni"] + " in " + db["az_id"] + " "):
    bad.append("first action: " + first["change"])
azs = " and ".join(db["peer_az_ids"])
if "talks with clients in %s: add a read replica in %s" % (azs, azs) not in first["change"]:
    bad.append("the clients' AZs %s are not named: %s" % (azs, first["change"]))
if first["evidence"]["bytes"] != db["bytes"] or first["evidence"]["flows"] != db["flows"]:
    bad.append("evidence %s, truth %s" % (first["evidence"], db))
if Decimal(str(first["saving_usd"])).quantize(Decimal("0.000001")) != usd(num, den):
    bad.append("saving %s, want %s" % (first["saving_usd"], usd(num, den)))
if Decimal(str(first["saving_usd_month"])).quantize(Decimal("0.000001")) != want_month:
    bad.append("saving a month %s, want %s" % (first["saving_usd_month"], want_month))
if a["window_seconds"] != window:
    bad.append("window %s, want %s" % (a["window_seconds"], window))
for b in bad:
    print(fmt + ": " + b)
sys.exit(1 if bad else 0)
PY
done
echo "advise names the planted RDS primary and its clients' AZs first, with the exact saving"
