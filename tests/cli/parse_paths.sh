#!/usr/bin/env bash
# parse_paths.sh — the parser's fast path (the default v2 format, parse.c) and the generic parser
# give the same results: every query on the same inputs with and without VPCFLOW_GENERIC_PARSE=1
# (which turns the fast path off) prints the same bytes, to stdout and stderr, with the same
# exit status. Inputs: the generator's data in each format it writes (default v2, v3, v5; flat
# and gzip S3 trees), the v2 to v8 files of tests/data/ecs, and edge cases of the v2 format
# (tabs, CR, runs of spaces, NODATA/SKIPDATA, IPv6, numbers out of range, wrong field counts).
# When a new fast path lands (issue 17: projection, block tokenizer), this is its check.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=$(mktemp -d /tmp/vpcflow-parse-paths-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$GEN" --size 3M --format default --layout both --seed 21 "$dir/v2" 2>/dev/null
"$GEN" --size 2M --format v3 --layout s3 --seed 22 "$dir/v3" 2>/dev/null
"$GEN" --size 2M --format v5 --layout flat --seed 23 "$dir/v5" 2>/dev/null
topo() { echo "--subnets $1/topology/describe-subnets.json --enis $1/topology/describe-network-interfaces.json --ip-ranges $1/topology/ip-ranges.json"; }
ecs="$ROOT/tests/data/ecs"
edges="$ROOT/tests/data/parse/edges-v2.log"
inputs=("$dir/v2/flows.log" "$dir/v2/AWSLogs" "$dir/v3/AWSLogs" "$dir/v5/flows.log" "$ecs/v2.log" "$ecs/v3.log"
    "$ecs/v4.log" "$ecs/v5.log" "$ecs/v6.log" "$ecs/v8.log" "$edges")
fail=0 n=0
run_both() { # a query, run on both paths
    local a b
    a=$("$@" 2>&1; echo "rc $?")
    b=$(VPCFLOW_GENERIC_PARSE=1 "$@" 2>&1; echo "rc $?")
    n=$((n + 1))
    if [ "$a" != "$b" ]; then
        echo "FAIL: fast path and generic parser differ: $*"
        diff <(echo "$a") <(echo "$b") | head -10
        fail=1
    fi
}
for in in "${inputs[@]}"; do
    T=""
    case $in in "$dir"/v*) T=$(topo "$(echo "$in" | sed -E 's#^('"$dir"'/v[0-9]).*#\1#')") ;; esac
    # shellcheck disable=SC2086
    {
        run_both "$VPCFLOW" cat --no-progress --output jsonl "$in"
        run_both "$VPCFLOW" filter --no-progress --count REJECT "$in"
        run_both "$VPCFLOW" summary --no-progress --output json $T "$in"
        run_both "$VPCFLOW" top --no-progress --output json --by dstaddr -n 20 $T "$in"
        run_both "$VPCFLOW" top --no-progress --output csv --by srcaddr,dstport,protocol -n 50 $T "$in"
        run_both "$VPCFLOW" timeline --no-progress --output csv --every 1h --by class $T "$in"
        run_both "$VPCFLOW" alerts --no-progress --output json $T "$in"
        run_both "$VPCFLOW" advise --no-progress --output json $T "$in"
    }
done
[ "$fail" = 0 ] || exit 1
echo "parse paths: $n queries on ${#inputs[@]} inputs, the fast path and the generic parser agree"
