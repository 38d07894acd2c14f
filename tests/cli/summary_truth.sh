#!/usr/bin/env bash
# summary_truth.sh — `vpcflow summary --output json` equals the generator's ground truth, key for
# key, for each log format, on the S3 gzip tree and the flat file, with --enis and (where the
# format lets ENI ownership and NAT gateways be inferred from the logs) without it.
set -euo pipefail
dir=$(mktemp -d /tmp/vpcflow-truth-XXXXXX)
trap 'rm -rf "$dir"' EXIT
compare() { # truth.json key, summary options...
    local key=$1 data=$2
    shift 2
    "$VPCFLOW" summary --output json --no-progress "$@" "$data" >"$dir/out.json"
    python3 - "$dir/out.json" "$(dirname "$data")/truth.json" "$key" "$data" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))[sys.argv[3]]
bad = [k for k in want if got.get(k) != want[k]]
for k in bad:
    if isinstance(want[k], dict):
        for c in want[k]:
            if got[k].get(c) != want[k][c]:
                print(f"{sys.argv[4]} {sys.argv[3]}: {k}.{c}: got {got[k].get(c)} want {want[k][c]}")
    else:
        print(f"{sys.argv[4]} {sys.argv[3]}: {k}: got {got.get(k)} want {want[k]}")
sys.exit(1 if bad else 0)
PY
}
for fmt in v3 v5 default; do
    "$GEN" --size 8M --format "$fmt" --layout both --seed 11 "$dir/$fmt" 2>/dev/null
    topo="$dir/$fmt/topology"
    S="--subnets $topo/describe-subnets.json"
    E="--enis $topo/describe-network-interfaces.json"
    R="--ip-ranges $topo/ip-ranges.json"
    for data in "$dir/$fmt/flows.log" "$dir/$fmt/AWSLogs"; do
        compare summary "$data" $S $E $R
        if [ "$fmt" = default ]; then
            compare summary_without_nat_knowledge "$data" $S $R
        else
            compare summary_without_enis "$data" $S $R
        fi
    done
    # the thread count changes nothing
    compare summary "$dir/$fmt/flows.log" $S $E $R -j 1
done
echo "summary equals the truth for v3, v5 and default, with and without --enis"
