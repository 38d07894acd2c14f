#!/usr/bin/env bash
# scripts/demo.sh — the first thing to run: installs missing Debian packages (as root), builds
# vpcflow, and runs the main job on the bundled sample data: the bill summary of one day of a
# VPC's flow logs (examples/vpc, in the S3 delivery layout) with its topology.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s -j"$(nproc 2>/dev/null || echo 2)" build/vpcflow >/dev/null
topo=examples/vpc/topology
set -x
build/vpcflow summary --subnets $topo/describe-subnets.json --enis $topo/describe-network-interfaces.json \
    --ip-ranges $topo/ip-ranges.json examples/vpc/AWSLogs
