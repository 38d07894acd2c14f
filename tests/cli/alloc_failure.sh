#!/usr/bin/env bash
# alloc_failure.sh — every allocation of a run fails in turn (tests/inject/failmalloc.c, an
# LD_PRELOAD shim): for each command below, the allocations of an uninjected run are counted,
# then the run is repeated with allocation N failing, for N = 1..count. Each run must either
# succeed with the very output of the uninjected run (the failure was absorbed, e.g. stdio
# without a buffer), or exit 1 with a message about memory on stderr, or exit 3 (a partial
# result) naming the input that the failure cost with "out of memory"; never crash, abort or
# hang, and never leave an allocation made by vpcflow or jansson unfreed (the shim tracks live
# allocations; libc's own caches and stdio buffers are not counted).
#
# Known open issues (docs/reliability.md, "Allocation failure") are counted and printed as
# KNOWN instead of failing, so that this test guards everything else: an allocation failure
# inside jansson or the gzip decoder, or in the ip-ranges or price readers, reported as bad
# input, and jansson's own abort (an assert in its string lexer) when its buffer cannot grow.
# INJECT_STRICT=1 makes them failures too.
#
# Smoke mode (the default, for CI) tries every N of a command of up to 250 allocations and
# 100 evenly spread N of a larger one; INJECT_FULL=1 tries every N; INJECT_ONLY=WORD runs only
# the commands that start with WORD. Needs a build without ASan (ASan replaces malloc itself):
# skipped otherwise.
set -u
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SAMPLES=${SAMPLES:-$ROOT/tests/data/samples}
SHIM=$ROOT/build/inject/failmalloc.so
if nm "$VPCFLOW" 2>/dev/null | grep -q __asan_init || ldd "$VPCFLOW" 2>/dev/null | grep -q libasan; then
    echo "SKIP: $VPCFLOW is built with ASan, which replaces malloc itself"
    exit 0
fi
[ -f "$SHIM" ] || make -s -C "$ROOT" inject >/dev/null 2>&1
[ -f "$SHIM" ] || { echo "SKIP: $SHIM is missing and cannot be built (make inject)"; exit 0; }
TMP=$(mktemp -d /tmp/vpcflow-alloc-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0 RUNS=0 KNOWN=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
known() {
    if [ "${INJECT_STRICT:-0}" = 1 ]; then fail "$@"; else echo "KNOWN: $*"; KNOWN=$((KNOWN + 1)); fi
}

S=$SAMPLES
TOPO=(--subnets "$S/describe-subnets.json" --enis "$S/describe-network-interfaces.json"
    --ip-ranges "$S/ip-ranges.sample.json")
COMMANDS=(
    "cat -j 1 $S/default-v2.log"
    "cat -j 1 --output json $S/default-v2.log.gz"
    "cat -j 1 $S/cloudwatch-export.log $S/custom-v5.log"
    "filter -j 1 [version,account,eni,src=172.31.*,...] $S/default-v2.log"
    "summary -j 1 ${TOPO[*]} $S/default-v2.log"
    "summary -j 1 --output json --prices $ROOT/tests/data/prices/override.json --topology $ROOT/tests/data/topology/samples-topology.json $S/default-v2.log"
    "top -j 1 --by dstaddr,dstport ${TOPO[*]} $S/default-v2.log"
    "timeline -j 1 --by action --output csv $S/default-v2.log"
    "alerts -j 1 $S/lambda-subscription-event.json $S/default-v2.log"
    "rightsize --instances $ROOT/tests/data/rightsize/instances.json -o json $ROOT/examples/vpc/metrics"
    "rightsize --prices $ROOT/tests/data/rightsize/index-small.csv --type m5.2xlarge $ROOT/examples/vpc/metrics"
)

# live allocations at exit: "OWN LIBC" (made by vpcflow or its libraries; made by libc)
live() {
    awk '/^live #/ { if ($4 ~ /^(libc\.so|ld-linux)/) libc++; else own++ } END { print own + 0, libc + 0 }' "$1"
}

for c in "${COMMANDS[@]}"; do
    case "$c" in "${INJECT_ONLY:-}"*) ;; *) continue ;; esac
    read -r -a args <<<"$c"
    rm -f "$TMP/report"
    VF_ALLOC_REPORT=$TMP/report LD_PRELOAD=$SHIM "$VPCFLOW" "${args[@]}" >"$TMP/want" 2>"$TMP/want.err"
    rc=$?
    [ $rc = 0 ] || { fail "$c: exit $rc without injection: $(head -3 "$TMP/want.err")"; continue; }
    count=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' "$TMP/report")
    read -r own0 _ <<<"$(live "$TMP/report")"
    [ "$own0" = 0 ] || fail "$c: $own0 allocations unfreed without injection: $(grep -v '^live #.* \(libc\|ld-linux\)' "$TMP/report" | head -3)"
    stride=1
    [ "${INJECT_FULL:-0}" = 1 ] || [ "$count" -le 250 ] || stride=$(((count + 99) / 100))
    echo "$c: $count allocations, every ${stride}th fails in turn"
    for ((n = 1; n <= count; n += stride)); do
        RUNS=$((RUNS + 1))
        rm -f "$TMP/report"
        timeout 20 env VF_FAIL_ALLOC=$n VF_ALLOC_REPORT="$TMP/report" LD_PRELOAD="$SHIM" "$VPCFLOW" "${args[@]}" \
            >"$TMP/out" 2>"$TMP/err"
        rc=$?
        what="$c, allocation $n of $count failing"
        case $rc in
        0)
            cmp -s "$TMP/out" "$TMP/want" ||
                fail "$what: exit 0 with other output: $(diff "$TMP/want" "$TMP/out" | head -4) $(head -1 "$TMP/err")"
            ;;
        1) if grep -qiE 'out of memory|cannot allocate memory|cannot start threads' "$TMP/err"; then
            :
        elif grep -qE 'cannot read the numbers' "$TMP/err"; then
            known "$what: exit 1: $(head -1 "$TMP/err")"
        else
            fail "$what: exit 1 without a message about memory: $(head -3 "$TMP/err")"
        fi ;;
        2) if grep -qE 'JSON syntax error|invalid JSON|is not JSON|corrupt gzip|truncated gzip|payload data: out of memory|too many distinct' "$TMP/err"; then
            known "$what: exit 2: $(head -1 "$TMP/err")"
        else
            fail "$what: exit 2: $(head -3 "$TMP/err")"
        fi ;;
        3) # one input lost to the failure, the others read: a partial result naming it
            if ! grep -q 'the result is partial' "$TMP/err"; then
                fail "$what: exit 3 without a partial-result line: $(head -3 "$TMP/err")"
            elif grep -qiE 'out of memory' "$TMP/err"; then
                :
            elif grep -qE 'JSON syntax error|invalid JSON|is not JSON|corrupt gzip|truncated gzip' "$TMP/err"; then
                known "$what: exit 3: $(head -1 "$TMP/err")"
            else
                fail "$what: exit 3: $(head -3 "$TMP/err")"
            fi ;;
        134) # jansson 2.14 asserts in its string lexer when its buffer cannot grow: not ours
            if grep -qE 'load\.c:[0-9]+: lex_scan_string: Assertion' "$TMP/err"; then
                known "$what: jansson aborts: $(head -1 "$TMP/err")"
                continue
            fi
            fail "$what: exit 134: $(head -3 "$TMP/err")" ;;
        *) fail "$what: exit $rc: $(head -3 "$TMP/err")" ;;
        esac
        [ -f "$TMP/report" ] || { fail "$what: no report (did it crash?)"; continue; }
        read -r own _ <<<"$(live "$TMP/report")"
        [ "$own" = 0 ] || fail "$what: $own allocations unfreed: $(grep '^live #' "$TMP/report" | grep -v ' \(libc\|ld-linux\)' | head -3 | tr '\n' ' ')"
    done
done
echo "$RUNS injected runs, $FAILS failures, $KNOWN known open issues"
[ $FAILS = 0 ]
