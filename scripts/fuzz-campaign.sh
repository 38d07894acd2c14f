#!/usr/bin/env bash
# scripts/fuzz-campaign.sh — a longer fuzzing campaign over every libFuzzer target.
#
#   scripts/fuzz-campaign.sh [--runs N] [--seconds T] [--jobs J] [--only PATTERN] [--out DIR]
#                            [--smoke] [--no-build]
#
# Each target build/fuzz/NAME runs on a copy of tests/fuzz/NAME/corpus/ until it has executed
# N inputs (--runs, default 1000000) or T seconds have passed (--seconds, default 3600),
# whichever comes first, at the lowest CPU priority; J targets run at once (--jobs, default 1).
# Smoke mode (--smoke or FUZZ_SMOKE=1, for CI): 20000 runs or 20 seconds each.
# The corpus grown by each run and any crash stay in DIR (default build/fuzz-campaign):
#   DIR/NAME/corpus/   DIR/NAME/crash-*, leak-*, timeout-*, oom-*   DIR/NAME/log
# and DIR/summary.md gets one table row per target: executions, seconds, executions per
# second, corpus size, crashes. A crash is minimised into DIR/NAME/minimized-*; add it to
# tests/fuzz/NAME/corpus/ once fixed. Exit status: 0 when no target crashed, 1 otherwise.
set -u
cd "$(dirname "$0")/.."
RUNS=1000000 SECONDS_MAX=3600 JOBS=1 ONLY="" OUT=build/fuzz-campaign BUILD_FIRST=1
[ "${FUZZ_SMOKE:-0}" = 1 ] && RUNS=20000 SECONDS_MAX=20
while [ $# -gt 0 ]; do
    case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --seconds) SECONDS_MAX=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --smoke) RUNS=20000 SECONDS_MAX=20; shift ;;
    --no-build) BUILD_FIRST=""; shift ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
    esac
done
if [ -n "$BUILD_FIRST" ]; then
    nice -n 19 make --no-print-directory -s fuzz || { echo "fuzz-campaign: cannot build the targets" >&2; exit 1; }
fi
mkdir -p "$OUT"

one() { # $1 target name: runs it, prints its summary row
    local name=$1 dir="$OUT/$1" bin=build/fuzz/$1
    mkdir -p "$dir/corpus"
    cp -n tests/fuzz/"$name"/corpus/* "$dir/corpus/" 2>/dev/null
    local t0 t1 rc
    t0=$(date +%s)
    nice -n 19 "$bin" -runs="$RUNS" -max_total_time="$SECONDS_MAX" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1
    rc=$?
    t1=$(date +%s)
    local execs secs crashes
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$dir/log" | tail -1)
    [ -n "$execs" ] || execs=$(grep -o '#[0-9]*' "$dir/log" | tail -1 | tr -d '#')
    secs=$((t1 - t0))
    crashes=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    for c in "$dir"/crash-* "$dir"/leak-*; do
        [ -f "$c" ] || continue
        [ -f "$dir/minimized-$(basename "$c")" ] && continue
        nice -n 19 "$bin" -minimize_crash=1 -runs=20000 -exact_artifact_path="$dir/minimized-$(basename "$c")" \
            "$c" >>"$dir/minimize.log" 2>&1
    done
    [ $rc = 0 ] || [ "$crashes" != 0 ] || crashes="exit $rc"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "${execs:-?}" "$secs" \
        "$([ -n "$execs" ] && [ "$secs" -gt 0 ] && echo $((execs / secs)) || echo '?')" \
        "$(find "$dir/corpus" -type f | wc -l)" "$crashes"
}
export -f one
export RUNS SECONDS_MAX OUT

names=()
for b in build/fuzz/*; do
    [ -x "$b" ] && [ -f "$b" ] || continue
    n=$(basename "$b")
    [ -d tests/fuzz/"$n" ] || continue
    case "$n" in *"$ONLY"*) names+=("$n") ;; esac
done
[ ${#names[@]} -gt 0 ] || { echo "fuzz-campaign: no target built in build/fuzz" >&2; exit 1; }
echo "fuzz-campaign: ${#names[@]} targets, $RUNS runs or $SECONDS_MAX s each, $JOBS at once, in $OUT" >&2
{
    echo "| target | executions | seconds | per second | corpus files | crashes |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${names[@]}" | xargs -P "$JOBS" -I{} bash -c 'one "$@"' _ {}
} | tee "$OUT/summary.md"
! grep -qE '\| ([1-9][0-9]*|exit [0-9]+) \|$' "$OUT/summary.md"
