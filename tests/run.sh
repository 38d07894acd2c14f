#!/usr/bin/env bash
# tests/run.sh — runs the whole test suite and ends with "N passed, N failed".
#
#   tests/run.sh [--build DIR] [--asan DIR] [--fuzz DIR] [--fuzz-seconds N] [--only PATTERN]
#
# What runs, for the normal build and again for the ASan+UBSan build (--asan):
#   - every unit-test program DIR/tests/test_* (each counts its own cases)
#   - every golden CLI case tests/golden/NAME/{cmd,out[,err][,rc]}: cmd is run by bash in
#     the case's folder with $VPCFLOW (the tool), $GEN (the generator), $SAMPLES and $EXAMPLES
#     set; stdout must equal out, stderr err (when present), the exit status rc (default 0)
#   - every scenario script tests/cli/*.sh (exit 0 = pass), with the same variables
# and, with --fuzz, each libFuzzer target for --fuzz-seconds (default 15) on its corpus;
# with --valgrind, the unit programs and golden cases of the first build again under
# valgrind's memcheck (any error or definite leak fails the case).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=build ASAN="" FUZZ="" FUZZ_SECONDS=${FUZZ_SECONDS:-15} ONLY="" VALGRIND=""
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2; shift 2 ;;
    --asan) ASAN=$2; shift 2 ;;
    --fuzz) FUZZ=$2; shift 2 ;;
    --fuzz-seconds) FUZZ_SECONDS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --valgrind) VALGRIND=1; shift ;;
    *) echo "usage: tests/run.sh [--build DIR] [--asan DIR] [--fuzz DIR] [--valgrind] [--only PATTERN]" >&2; exit 2 ;;
    esac
done
export TZ=UTC LC_ALL=C
PASS=0 FAIL=0
FAILED_NAMES=()
LOG=$(mktemp -d /tmp/vpcflow-run-XXXXXX)
trap 'rm -rf "$LOG"' EXIT

note_fail() { FAIL=$((FAIL + 1)); FAILED_NAMES+=("$1"); }

VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)

run_units() { # $1 build dir, $2 label, $3 "valgrind" to run each program under memcheck
    local t out p f
    for t in "$1"/tests/test_*; do
        [ -x "$t" ] || continue
        case "$(basename "$t")" in *"$ONLY"*) ;; *) continue ;; esac
        if [ "${3:-}" = valgrind ]; then out=$("${VG[@]}" "$t" 2>&1); else out=$("$t" 2>&1); fi
        local rc=$?
        p=$(printf '%s\n' "$out" | awk '/^[0-9]+ passed, [0-9]+ failed$/ {print $1}' | tail -1)
        f=$(printf '%s\n' "$out" | awk '/^[0-9]+ passed, [0-9]+ failed$/ {print $3}' | tail -1)
        if [ -z "$p" ]; then
            p=0 f=1
        fi
        PASS=$((PASS + p))
        FAIL=$((FAIL + f))
        if [ "$f" != 0 ] || [ $rc != 0 ]; then
            [ "$f" = 0 ] && FAIL=$((FAIL + 1))
            FAILED_NAMES+=("$2 $(basename "$t")")
            printf '%s\n' "$out" | grep -v '^ok ' | sed "s|^|  [$2 $(basename "$t")] |"
        fi
    done
}

case_env() { # $1 build dir
    export VPCFLOW="$ROOT/$1/vpcflow" GEN="$ROOT/$1/vpcflow-gen" SAMPLES="$ROOT/tests/data/samples" \
        EXAMPLES="$ROOT/examples" ROOT
}

run_golden() { # $1 build dir, $2 label, $3 "valgrind" to run the tool under memcheck
    local d name
    case_env "$1"
    if [ "${3:-}" = valgrind ]; then
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${VG[*]}" "$VPCFLOW" >"$LOG/vpcflow-vg"
        chmod +x "$LOG/vpcflow-vg"
        VPCFLOW="$LOG/vpcflow-vg"
    fi
    for d in tests/golden/*/; do
        [ -f "$d/cmd" ] || continue
        name=$(basename "$d")
        case "$name" in *"$ONLY"*) ;; *) continue ;; esac
        local want_rc=0
        [ -f "$d/rc" ] && want_rc=$(cat "$d/rc")
        (cd "$d" && bash ./cmd >"$LOG/out" 2>"$LOG/err")
        local rc=$? ok=1
        [ "$rc" = "$want_rc" ] || ok=0
        cmp -s "$LOG/out" "$d/out" || ok=0
        if [ -f "$d/err" ]; then cmp -s "$LOG/err" "$d/err" || ok=0; fi
        if [ $ok = 1 ]; then
            PASS=$((PASS + 1))
        else
            note_fail "$2 golden/$name"
            echo "  [$2 golden/$name] exit $rc (want $want_rc)"
            diff "$d/out" "$LOG/out" | head -20 | sed 's/^/    /'
            [ -f "$d/err" ] && diff "$d/err" "$LOG/err" | head -10 | sed 's/^/    err /'
            [ -f "$d/err" ] || head -5 "$LOG/err" | sed 's/^/    stderr: /'
        fi
    done
}

run_scripts() { # $1 build dir, $2 label
    local s name
    case_env "$1"
    for s in tests/cli/*.sh; do
        [ -f "$s" ] || continue
        name=$(basename "$s" .sh)
        case "$name" in *"$ONLY"*) ;; *) continue ;; esac
        if bash "$s" >"$LOG/out" 2>&1; then
            PASS=$((PASS + 1))
        else
            note_fail "$2 cli/$name"
            tail -20 "$LOG/out" | sed "s|^|  [$2 cli/$name] |"
        fi
    done
}

run_fuzz() { # $1 fuzz build dir
    local b name
    for b in "$1"/*; do
        [ -x "$b" ] || continue
        name=$(basename "$b")
        case "$name" in *"$ONLY"*) ;; *) continue ;; esac
        local corpus="$LOG/corpus-$name"
        mkdir -p "$corpus"
        cp -r tests/fuzz/"$name"/corpus/. "$corpus"/ 2>/dev/null
        if "$b" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
            -artifact_prefix="$LOG/" "$corpus" >"$LOG/fuzz.log" 2>&1; then
            PASS=$((PASS + 1))
        else
            note_fail "fuzz/$name"
            grep -E 'ERROR|SUMMARY|crash|leak' "$LOG/fuzz.log" | head -10 | sed "s|^|  [fuzz/$name] |"
        fi
    done
}

for pair in "$BUILD:build" ${ASAN:+"$ASAN:asan"}; do
    dir=${pair%%:*} label=${pair##*:}
    if [ "$label" = asan ]; then
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    fi
    run_units "$dir" "$label"
    run_golden "$dir" "$label"
    run_scripts "$dir" "$label"
done
if [ -n "$VALGRIND" ]; then
    unset ASAN_OPTIONS UBSAN_OPTIONS
    run_units "$BUILD" valgrind valgrind
    run_golden "$BUILD" valgrind valgrind
fi
[ -n "$FUZZ" ] && run_fuzz "$FUZZ"

if [ $FAIL -gt 0 ]; then
    echo "failed:"
    printf '  %s\n' "${FAILED_NAMES[@]}"
fi
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
