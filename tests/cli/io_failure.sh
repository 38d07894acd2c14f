#!/usr/bin/env bash
# io_failure.sh — I/O failures injected under each command (tests/inject/failio.c, an
# LD_PRELOAD shim): short reads and reads interrupted by EINTR must give the very output and
# exit status of an uninjected run; a read failing with EIO (each read of the run in turn)
# either did not matter (same output), or ends in exit 1 with "read error: Input/output error"
# when nothing could be read, or in exit 3 (a partial result) naming the input with that error
# and "the result is partial" when other inputs, or the part before the error, were read;
# standard output failing with ENOSPC or EIO (at each write in turn, and /dev/full) ends in
# exit 1 with "write error"; short writes lose nothing. Never a crash or another exit status.
# Needs a build without ASan (its interceptors come first): skipped otherwise.
set -u
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SAMPLES=${SAMPLES:-$ROOT/tests/data/samples}
SHIM=$ROOT/build/inject/failio.so
if nm "$VPCFLOW" 2>/dev/null | grep -q __asan_init || ldd "$VPCFLOW" 2>/dev/null | grep -q libasan; then
    echo "SKIP: $VPCFLOW is built with ASan"
    exit 0
fi
[ -f "$SHIM" ] || make -s -C "$ROOT" inject >/dev/null 2>&1
[ -f "$SHIM" ] || { echo "SKIP: $SHIM is missing and cannot be built (make inject)"; exit 0; }
TMP=$(mktemp -d /tmp/vpcflow-io-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0 RUNS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

S=$SAMPLES
# "STDIN-FILE|ARGS": the command reads STDIN-FILE on standard input when it is not "-"
COMMANDS=(
    "-|cat -j 1 $S/default-v2.log"
    "-|cat -j 1 --output json $S/default-v2.log.gz"
    "$S/default-v2.log.gz|cat -j 1 -"
    "-|filter -j 1 REJECT $S/cloudwatch-export.log $S/custom-v5.log"
    "$S/default-v2.log|summary -j 1 --subnets $S/describe-subnets.json -"
    "-|top -j 1 --by dstaddr $S/default-v2.log"
    "-|alerts -j 1 $S/lambda-subscription-event.json $S/default-v2.log"
)

run() { # $1 stdin file or -, $2 VF_FAIL_IO, then the arguments; output in $TMP/out, err
    local in=$1 spec=$2
    shift 2
    [ "$in" = - ] && in=/dev/null
    rm -f "$TMP/report"
    timeout 20 env VF_FAIL_IO="$spec" VF_IO_REPORT="$TMP/report" LD_PRELOAD="$SHIM" "$VPCFLOW" "$@" <"$in" \
        >"$TMP/out" 2>"$TMP/err"
}

for c in "${COMMANDS[@]}"; do
    in=${c%%|*}
    read -r -a args <<<"${c#*|}"
    run "$in" "" "${args[@]}"
    rc0=$?
    cp "$TMP/out" "$TMP/want"
    [ $rc0 = 0 ] || fail "$c: exit $rc0 without injection: $(head -2 "$TMP/err")"
    for spec in read:short read:eintr write:short write:eintr; do
        RUNS=$((RUNS + 1))
        run "$in" $spec "${args[@]}"
        rc=$?
        [ $rc = $rc0 ] && cmp -s "$TMP/out" "$TMP/want" ||
            fail "$c with $spec: exit $rc, output $(cmp -s "$TMP/out" "$TMP/want" && echo same || echo differs): $(head -2 "$TMP/err")"
    done
    run "$in" read:eio:0 "${args[@]}"
    reads=$(sed -n 's/^reads=\([0-9]*\).*/\1/p' "$TMP/report")
    for ((n = 1; n <= reads; n++)); do
        RUNS=$((RUNS + 1))
        run "$in" read:eio:$n "${args[@]}"
        rc=$?
        case $rc in
        0) cmp -s "$TMP/out" "$TMP/want" || fail "$c, read $n of $reads failing: exit 0 with other output" ;;
        1) grep -q 'read error: Input/output error' "$TMP/err" ||
            fail "$c, read $n of $reads failing: exit 1 with: $(head -2 "$TMP/err")" ;;
        3) grep -q 'read error: Input/output error' "$TMP/err" && grep -q 'the result is partial' "$TMP/err" ||
            fail "$c, read $n of $reads failing: exit 3 with: $(head -2 "$TMP/err")" ;;
        *) fail "$c, read $n of $reads failing: exit $rc: $(head -2 "$TMP/err")" ;;
        esac
    done
    run "$in" write:eio:1000000000 "${args[@]}"
    writes=$(sed -n 's/.*writes=\([0-9]*\).*/\1/p' "$TMP/report")
    for kind in enospc eio; do
        for ((n = 1; n <= writes; n++)); do
            RUNS=$((RUNS + 1))
            run "$in" write:$kind:$n "${args[@]}"
            rc=$?
            [ $rc = 1 ] && grep -q 'write error' "$TMP/err" ||
                fail "$c, write $n of $writes failing with $kind: exit $rc: $(head -2 "$TMP/err")"
        done
    done
    RUNS=$((RUNS + 1))
    [ "$in" = - ] && in=/dev/null
    timeout 20 "$VPCFLOW" "${args[@]}" <"$in" >/dev/full 2>"$TMP/err"
    rc=$?
    [ $rc = 1 ] && grep -q 'write error' "$TMP/err" || fail "$c >/dev/full: exit $rc: $(head -2 "$TMP/err")"
    echo "$c: $reads reads, $writes writes"
done
echo "$RUNS injected runs, $FAILS failures"
[ $FAILS = 0 ]
