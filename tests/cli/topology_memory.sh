#!/usr/bin/env bash
# topology_memory.sh — topology inputs are read in bounded memory: a 60 MB
# describe-network-interfaces loads element by element (peak RSS under 150 MB, where the whole
# JSON tree cost 1.2 GB) and gives the same summary as the small file it extends; /dev/zero and
# friends fail at once with a clear message instead of growing to the 1 GiB file limit.
set -euo pipefail
dir=$(mktemp -d /tmp/vpcflow-topomem-XXXXXX)
trap 'rm -rf "$dir"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 1; }
topo="$ROOT/examples/vpc/topology"
logs="$ROOT/examples/vpc/AWSLogs"

# the example's ENIs, then ~40,000 more in 100.64.0.0/10, which no record of the example touches
python3 - "$topo/describe-network-interfaces.json" "$dir/big.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
template = doc["NetworkInterfaces"][-1]
with open(sys.argv[2], "w") as out:
    out.write('{\n    "NetworkInterfaces": [\n')
    for i, eni in enumerate(doc["NetworkInterfaces"]):
        out.write(json.dumps(eni, indent=4) + ",\n")
    n, size = 0, 0
    while size < 60_000_000:
        ip = "100.%d.%d.%d" % (64 + (n >> 16), (n >> 8) & 255, n & 255)
        eni = dict(template, NetworkInterfaceId="eni-%017x" % (0xb16000000 + n), PrivateIpAddress=ip,
                   PrivateIpAddresses=[{"Primary": True, "PrivateIpAddress": ip}], Association=None)
        text = json.dumps(eni, indent=4)
        out.write(",\n" if n else "")
        out.write(text)
        size += len(text)
        n += 1
    out.write('\n    ],\n    "NextToken": null\n}\n')
PY
echo "generated $(du -m "$dir/big.json" | cut -f1) MB"

args=(summary --subnets "$topo/describe-subnets.json" --ip-ranges "$topo/ip-ranges.json" --no-progress -o json)
"$VPCFLOW" "${args[@]}" --enis "$topo/describe-network-interfaces.json" "$logs" >"$dir/small.out"
"$TIME" -f "%M %e" -o "$dir/rss" "$VPCFLOW" "${args[@]}" --enis "$dir/big.json" "$logs" >"$dir/big.out"
cmp "$dir/small.out" "$dir/big.out"
read -r rss_kib secs <"$dir/rss"
echo "60 MB of ENIs: peak RSS ${rss_kib} KiB, ${secs} s"
sanitized=${ASAN_OPTIONS:-}
grep -q __asan_init "$VPCFLOW" && sanitized=1 # shadow memory inflates RSS: no bound then
if [ -z "$sanitized" ] && [ "$rss_kib" -gt 153600 ]; then
    echo "over 150 MB"
    exit 1
fi

# endless or binary inputs: a clear error at once, for every topology option
for opt in --subnets --enis --ip-ranges --topology; do
    rc=0
    timeout 5 "$VPCFLOW" summary "$opt" /dev/zero --no-progress "$logs" >/dev/null 2>"$dir/err" || rc=$?
    grep -q "^vpcflow: /dev/zero:1:1: JSON syntax error: '\[' or '{' expected near a NUL byte: not JSON text$" \
        "$dir/err" || { echo "$opt /dev/zero: rc $rc: $(cat "$dir/err")"; exit 1; }
done
# a document that never ends: refused at the element limit, not the file limit
rc=0
{ printf '{"Subnets": [{"SubnetId": "'; head -c 3000000 /dev/zero | tr '\0' x; } >"$dir/long.json"
"$TIME" -f "%M" -o "$dir/rss2" "$VPCFLOW" summary --subnets "$dir/long.json" --no-progress "$logs" \
    >/dev/null 2>"$dir/err" || rc=$?
grep -q "long.json:1:1048589: a JSON value larger than 1 MiB: not an AWS CLI JSON file" "$dir/err" ||
    { echo "rc $rc: $(cat "$dir/err")"; exit 1; }
echo "ok: /dev/zero refused for every option; a 3 MB element refused in $(cat "$dir/rss2") KiB"
