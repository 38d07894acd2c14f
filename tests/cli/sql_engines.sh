#!/usr/bin/env bash
# sql_engines.sh — the SQL `vpcflow sql` prints gives, in real engines, the very numbers `vpcflow
# summary` and `vpcflow top` print: the generator's data converted to Parquet (one conversion per
# S3 object, with --enis, and one without over the whole tree) and read by DuckDB; summary and top
# of every key family SQL can group by, with and without --free-tier and a price file.
# (PostgreSQL: tests/cli/pg_load.sh runs the same comparison on the loaded table.)
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${GEN:?set GEN to vpcflow-gen}" "${ROOT:?set ROOT}"
command -v node >/dev/null || { echo "skip: node is missing (the DuckDB peer runs on it)"; exit 0; }
dir=$(mktemp -d /tmp/vpcflow-sql-engines-XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$GEN" --size 4M --format v5 --layout both --seed 41 "$dir/g" 2>/dev/null
topo="$dir/g/topology"
S=(--subnets "$topo/describe-subnets.json" --ip-ranges "$topo/ip-ranges.json")
E=(--enis "$topo/describe-network-interfaces.json")
prices="$ROOT/tests/data/prices/override.json"
fail=0
duck() { node "$ROOT/tests/tools/duckdb_sql.mjs"; }

check() { # key families, out-dir, summary/top options...
    local keys=$1 out=$2
    shift 2
    "$VPCFLOW" summary --output json --no-progress "$@" "$dir/g/AWSLogs" >"$dir/s.json"
    local sqlopts=()
    for a in "$@"; do case $a in --free-tier) sqlopts+=(--free-tier) ;; esac; done
    [[ " $* " == *" --prices "* ]] && sqlopts+=(--prices "$prices")
    "$VPCFLOW" sql summary --dialect duckdb --parquet "$out" "${sqlopts[@]}" | duck >"$dir/q.jsonl"
    python3 "$ROOT/tests/tools/compare_summary.py" "$dir/s.json" "$dir/q.jsonl" || fail=1
    for by in $keys; do
        "$VPCFLOW" top --by "$by" -n 8 --output json --no-progress "$@" "$dir/g/AWSLogs" >"$dir/t.json"
        "$VPCFLOW" sql top --by "$by" -n 8 --dialect duckdb --parquet "$out" "${sqlopts[@]}" | duck >"$dir/q.jsonl"
        python3 "$ROOT/tests/tools/compare_top.py" "$dir/t.json" "$dir/q.jsonl" || fail=1
    done
}

# with --enis, object by object
find "$dir/g/AWSLogs" -type f | sort | xargs -P2 -n1 "$VPCFLOW" convert --to parquet --out "$dir/p1" --quiet \
    "${S[@]}" "${E[@]}"
ALL="srcaddr dstaddr pair class dstport port protocol interface src-az az-pair dst-owner srcaddr,dstport day hour action"
check "$ALL" "$dir/p1" "${S[@]}" "${E[@]}"
check "srcaddr class" "$dir/p1" "${S[@]}" "${E[@]}" --free-tier
# prices are written into the SQL: the rows' cost_num must be made with the same file
find "$dir/g/AWSLogs" -type f | sort | xargs -P2 -n1 "$VPCFLOW" convert --to parquet --out "$dir/p2" --quiet \
    "${S[@]}" "${E[@]}" --prices "$prices"
check "srcaddr class" "$dir/p2" "${S[@]}" "${E[@]}" --prices "$prices"
# without --enis, the whole tree in one run (facts learned from all of it)
"$VPCFLOW" convert --to parquet --out "$dir/p3" --quiet "${S[@]}" "$dir/g/AWSLogs" 2>/dev/null
check "srcaddr dstaddr class" "$dir/p3" "${S[@]}"
[ $fail = 0 ] && echo "sql_engines: summary and top equal in DuckDB"
exit $fail
