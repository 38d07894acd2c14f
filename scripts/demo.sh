#!/usr/bin/env bash
# scripts/demo.sh — the first thing to run: installs missing Debian packages (as root), builds
# vpcflow, and runs it on the bundled sample data in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s -j"$(nproc 2>/dev/null || echo 2)" build/vpcflow >/dev/null
echo "\$ vpcflow cat examples/samples/default-v2.log" >&2
build/vpcflow cat examples/samples/default-v2.log
