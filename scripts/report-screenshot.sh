#!/usr/bin/env bash
# report-screenshot.sh — the README's picture of `vpcflow report --html` on the bundled example
# (examples/vpc), made by headless Chromium: scripts/report-screenshot.sh [OUT.png], default
# docs/report.png. Build first (make).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/docs/report.png}
vpcflow=${VPCFLOW:-$root/build/vpcflow}
chromium=$(command -v chromium || command -v chromium-browser)
tmp=$(mktemp -d /tmp/vpcflow-shot-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
t=$root/examples/vpc/topology
"$vpcflow" report --no-progress --html "$tmp/report.html" --subnets "$t/describe-subnets.json" \
    --enis "$t/describe-network-interfaces.json" --ip-ranges "$t/ip-ranges.json" "$root/examples/vpc/AWSLogs"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --user-data-dir="$tmp/profile" --hide-scrollbars --screenshot="$tmp/shot.png" --window-size=1280,1800 \
    "file://$tmp/report.html" 2>/dev/null
cp "$tmp/shot.png" "$out"
echo "$out"
