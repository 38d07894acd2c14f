#!/usr/bin/env bash
# bench/load.sh — `vpcflow load` next to PostgreSQL's own `\copy` of the same text into an
# untyped (all text) table, same files, same server (tests/tools/pg.sh), same run; median of
# RUNS runs each, every run into a fresh table. Usage: bench/load.sh [SIZE [RUNS]] (64M, 3).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-64M} RUNS=${2:-3}
source tests/tools/pg.sh
pg_start
data=$PG_DIR/data-in
build/vpcflow-gen --size "$SIZE" --format v5 --layout flat --seed 1 "$data" 2>/dev/null
log=$data/flows.log
topo=$data/topology
bytes=$(stat -c %s "$log")
rows=$(($(wc -l <"$log") - 1))
ncol=$(head -1 "$log" | wc -w)
cols=$(for i in $(seq 1 "$ncol"); do printf 'c%d text,' "$i"; done)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
copy=() load=() phase=()
for r in $(seq 1 "$RUNS"); do
    pg_psql -c "DROP TABLE IF EXISTS raw; CREATE TABLE raw (${cols%,})"
    s=$(date +%s.%N)
    tail -n +2 "$log" | pg_psql -c "\\copy raw FROM STDIN (FORMAT text, DELIMITER ' ')"
    copy+=("$(echo "$(date +%s.%N) - $s" | bc)")
    pg_psql -c "DROP TABLE IF EXISTS flows CASCADE; DELETE FROM vpcflow_loaded_files" 2>/dev/null || true
    s=$(date +%s.%N)
    PGOPTIONS="-c log_min_duration_statement=0" build/vpcflow load --no-progress --subnets "$topo/describe-subnets.json" \
        --enis "$topo/describe-network-interfaces.json" --ip-ranges "$topo/ip-ranges.json" "$log" 2>/dev/null
    load+=("$(echo "$(date +%s.%N) - $s" | bc)")
    phase+=("$(grep -o 'duration: [0-9.]* ms  statement: COPY "public"."flows"' "$PG_DIR/server.log" | tail -1 |
        awk '{print $2 / 1000}')")
done
[ "$(pg_psql -c "SELECT count(*) FROM flows")" = "$rows" ] && [ "$(pg_psql -c "SELECT count(*) FROM raw")" = "$rows" ]
report() { # what, seconds...
    local what=$1 t
    shift
    t=$(printf '%s\n' "$@" | median)
    printf '| %s | %s | %.2f | %.0f | %.1f |\n' "$what" "$rows" "$t" "$(echo "$rows / $t" | bc -l)" \
        "$(echo "$bytes / 1000000 / $t" | bc -l)"
}
echo "$(nproc) CPUs, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), $SIZE v5 text ($bytes bytes), median of $RUNS"
echo "| what | rows | seconds | rows/s | MB/s of text |"
echo "|---|--:|--:|--:|--:|"
report '`\copy` into an all-text table (no parsing of types, no enrichment)' "${copy[@]}"
report '`vpcflow load`, whole run (enrichment, binary COPY, commit, 6 indexes)' "${load[@]}"
report '`vpcflow load`, its COPY statement alone' "${phase[@]}"
