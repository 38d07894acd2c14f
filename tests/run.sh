#!/usr/bin/env bash
# tests/run.sh — runs the test suite and ends with "N passed, N failed". `make check` (and so
# scripts/test.sh) runs it with every option below; `make check-fast` with --build and --structure.
#
#   tests/run.sh [--build DIR] [--variant NAME=DIR]... [--asan DIR] [--tsan DIR] [--valgrind]
#                [--fuzz DIR] [--fuzz-seconds N] [--structure] [--only PATTERN]
#
# Cases (each counts once in the last line; --only keeps those whose name contains PATTERN):
#   - unit-test programs DIR/tests/test_* (each counts its own cases)
#   - golden CLI cases tests/golden/NAME/{cmd,out[,err][,rc]}: cmd is run by bash in the case's
#     folder with $VPCFLOW (the tool), $GEN (the generator), $SAMPLES, $EXAMPLES and $ROOT set;
#     stdout must equal out, stderr err (when present), the exit status rc (default 0)
#   - scenario scripts tests/cli/*.sh (exit 0 = pass), with the same variables
#   - --structure: structure/format (make format-check) and structure/symbols (make symbols:
#     only vpcflow_* exported); the third structure check, tests/cli/architecture.sh (the docs
#     name every file; scripts/layers.py), is a script and runs with the first build only
#
# What runs where:
#   build (--build, default build/)  everything: units, golden cases, scripts
#   asan  (ASan+UBSan build)         units, golden cases, scripts (architecture and
#                                    $NORMAL_ONLY_SCRIPTS aside)
#   tsan  (ThreadSanitizer build)    units (test_threads among them), every golden case (those
#                                    over trees and several files run with one worker per CPU, the
#                                    tool's default), and the scripts that vary the thread count
#                                    and read multi-file trees: $TSAN_SCRIPTS below
#   valgrind (--valgrind)            memcheck over the first build's units and the golden cases
#                                    in $VALGRIND_GOLDEN (one or more per command and reader; ASan
#                                    runs them all), beside the other stages, printed at the end
#   fuzz  (--fuzz DIR)               each libFuzzer target for --fuzz-seconds (default 10)
# A sanitizer's report fails the case even when the command's exit status is ignored (its
# reports go to files through log_path). A build that is missing counts as a failed case.
#
# A new build variant (e.g. fault injection): add it to VARIANTS in the Makefile and write a
# function variant_NAME here (environment, then run_units/run_golden/run_scripts).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=build FUZZ="" FUZZ_SECONDS=${FUZZ_SECONDS:-10} ONLY="" VALGRIND="" STRUCTURE=""
VARIANT_LIST=()
usage() {
    echo "usage: tests/run.sh [--build DIR] [--variant NAME=DIR]... [--asan DIR] [--tsan DIR] [--valgrind]" >&2
    echo "                    [--fuzz DIR] [--fuzz-seconds N] [--structure] [--only PATTERN]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2; shift 2 ;;
    --variant) VARIANT_LIST+=("$2"); shift 2 ;;
    --asan) VARIANT_LIST+=("asan=$2"); shift 2 ;;
    --tsan) VARIANT_LIST+=("tsan=$2"); shift 2 ;;
    --fuzz) FUZZ=$2; shift 2 ;;
    --fuzz-seconds) FUZZ_SECONDS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --valgrind) VALGRIND=1; shift ;;
    --structure) STRUCTURE=1; shift ;;
    *) usage ;;
    esac
done
export TZ=UTC LC_ALL=C
PASS=0 FAIL=0
FAILED_NAMES=()
LOG=$(mktemp -d /tmp/vpcflow-run-XXXXXX)
trap 'rm -rf "$LOG"' EXIT

# Golden cases valgrind runs: every command, every reader (plain, gzip, stdin, payload, JSON
# lines read in parts, CloudWatch export, S3 tree with topology), error paths. A name missing
# here fails.
VALGRIND_GOLDEN="alerts-bad-rules alerts-crafted alerts-watch-payload cat-default cat-malformed cat-stdin-gzip
    cat-cli-jsonl-bad-line cat-subscription cat-truncated-gzip filter-cloudwatch-export filter-regex filter-space-numbers
    summary-bad-topology summary-example-table timeline-csv top-json-owner usage-unknown-option report-example
    advise-crafted-table readme-rightsize lambda-notify-usage"
# Scripts the TSan build runs: thread counts varied, multi-file trees, watch's reader thread.
TSAN_SCRIPTS="alerts_crafted alerts_generator alerts_follow summary_truth notify_webhook"
# Scripts that check the sources rather than a build: run once, with the first build.
STRUCTURE_SCRIPTS="architecture"
# Scripts that compare engines and timings rather than exercise new code paths: the normal
# build only (what they run is covered under the sanitizers by convert_*, parquet_*). Also the
# two slowest at scale: pg_load (a real server started, killed, restarted: 150 s under ASan;
# lib/pg's encoding runs under ASan and valgrind in test_pg_copy) and convert_distributed
# (375 processes; convert_parquet and convert_atomic take the same paths under ASan).
# install and debian_package build and install the normal build (make install, dpkg-buildpackage
# in a copy of the tree): what they install is the normal build's.
NORMAL_ONLY_SCRIPTS="sql_engines bench_smoke pg_load convert_distributed install debian_package report_html"

# Each group of cases says when it starts (and how long the run has taken so far).
stage() { echo "== stage: $* ($(date -u +%H:%M:%S), $((SECONDS / 60))m$((SECONDS % 60))s in)"; }

note_fail() { FAIL=$((FAIL + 1)); FAILED_NAMES+=("$1"); }
selected() { case "$1" in *"$ONLY"*) return 0 ;; esac; return 1; }
in_list() { case " $(echo $2) " in *" $1 "*) return 0 ;; esac; return 1; }

# Sanitizer reports go to $LOG/san.* (log_path) as well as failing the command: a case whose
# command left one fails, whatever its exit status.
san_clear() { rm -f "$LOG"/san.*; }
san_check() { # $1 case label; returns 1 (and prints the report) when there is one
    local f
    for f in "$LOG"/san.*; do
        [ -e "$f" ] || continue
        echo "  [$1] sanitizer report:"
        head -40 "$LOG"/san.* | sed 's/^/    /'
        san_clear
        return 1
    done
    return 0
}

VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)

run_units() { # $1 build dir, $2 label, $3 "valgrind" to run each program under memcheck
    local t out p f
    stage "$2 units"
    for t in "$1"/tests/test_*; do
        [ -x "$t" ] || continue
        selected "$(basename "$t")" || continue
        san_clear
        if [ "${3:-}" = valgrind ]; then out=$("${VG[@]}" "$t" 2>&1); else out=$("$t" 2>&1); fi
        local rc=$?
        p=$(printf '%s\n' "$out" | awk '/^[0-9]+ passed, [0-9]+ failed$/ {print $1}' | tail -1)
        f=$(printf '%s\n' "$out" | awk '/^[0-9]+ passed, [0-9]+ failed$/ {print $3}' | tail -1)
        if [ -z "$p" ]; then
            p=0 f=1
        fi
        PASS=$((PASS + p))
        FAIL=$((FAIL + f))
        local san=0
        san_check "$2 $(basename "$t")" || san=1
        if [ "$f" != 0 ] || [ $rc != 0 ] || [ $san = 1 ]; then
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

run_golden() { # $1 build dir, $2 label, $3 "valgrind" to run the tool under memcheck, $4 only these names
    local d name
    stage "$2 golden cases"
    case_env "$1"
    if [ "${3:-}" = valgrind ]; then
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${VG[*]}" "$VPCFLOW" >"$LOG/vpcflow-vg"
        chmod +x "$LOG/vpcflow-vg"
        VPCFLOW="$LOG/vpcflow-vg"
    fi
    if [ -n "${4:-}" ]; then
        for name in $4; do
            selected "$name" || continue
            [ -f "tests/golden/$name/cmd" ] || { note_fail "$2 golden/$name"; echo "  [$2 golden/$name] no such case"; }
        done
    fi
    for d in tests/golden/*/; do
        [ -f "$d/cmd" ] || continue
        name=$(basename "$d")
        selected "$name" || continue
        [ -z "${4:-}" ] || in_list "$name" "$4" || continue
        local want_rc=0
        [ -f "$d/rc" ] && want_rc=$(cat "$d/rc")
        san_clear
        (cd "$d" && bash ./cmd >"$LOG/out" 2>"$LOG/err")
        local rc=$? ok=1
        [ "$rc" = "$want_rc" ] || ok=0
        cmp -s "$LOG/out" "$d/out" || ok=0
        if [ -f "$d/err" ]; then cmp -s "$LOG/err" "$d/err" || ok=0; fi
        san_check "$2 golden/$name" || ok=0
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

run_scripts() { # $1 build dir, $2 label, $3 only these names (default: all but the structure scripts)
    local s name
    stage "$2 scripts"
    case_env "$1"
    for s in tests/cli/*.sh; do
        [ -f "$s" ] || continue
        name=$(basename "$s" .sh)
        selected "$name" || continue
        if [ -n "${3:-}" ]; then
            in_list "$name" "$3" || continue
        elif [ "$2" != build ] && in_list "$name" "$STRUCTURE_SCRIPTS $NORMAL_ONLY_SCRIPTS"; then
            continue
        fi
        san_clear
        if bash "$s" >"$LOG/out" 2>&1 && san_check "$2 cli/$name"; then
            PASS=$((PASS + 1))
        else
            note_fail "$2 cli/$name"
            tail -20 "$LOG/out" | sed "s|^|  [$2 cli/$name] |"
        fi
    done
}

run_structure() { # $1 build dir: the checks on the sources and the exported symbols
    local name
    stage "structure"
    for name in format symbols; do
        selected "$name" || continue
        case $name in
        format) make -s --no-print-directory format-check >"$LOG/out" 2>&1 ;;
        symbols) make -s --no-print-directory BUILD="$1" symbols >"$LOG/out" 2>&1 ;;
        esac
        if [ $? = 0 ]; then
            PASS=$((PASS + 1))
        else
            note_fail "structure/$name"
            tail -20 "$LOG/out" | sed "s|^|  [structure/$name] |"
        fi
    done
}

run_fuzz() { # $1 fuzz build dir
    local b name
    stage "fuzz ($FUZZ_SECONDS s a target)"
    for b in "$1"/*; do
        [ -f "$b" ] && [ -x "$b" ] || continue
        name=$(basename "$b")
        selected "$name" || continue
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

have_build() { # $1 dir, $2 label: a build without its tool counts as one failed case
    [ -x "$1/vpcflow" ] && return 0
    note_fail "$2 (no build in $1)"
    echo "  [$2] $1/vpcflow is missing: the build failed or was not made"
    return 1
}

# ---- what runs in each build -------------------------------------------------------------
variant_build() {
    run_units "$1" build
    run_golden "$1" build
    run_scripts "$1" build
}
variant_asan() {
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:log_path=$LOG/san
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$LOG/san
    run_units "$1" asan
    run_golden "$1" asan
    run_scripts "$1" asan
    unset ASAN_OPTIONS UBSAN_OPTIONS
}
variant_tsan() {
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 log_path=$LOG/san"
    run_units "$1" tsan
    run_golden "$1" tsan
    run_scripts "$1" tsan "$TSAN_SCRIPTS"
    unset TSAN_OPTIONS
}

# Memcheck is single-threaded and takes minutes: it runs beside the others (its own log
# folder, lower priority from its first command on) and its lines are printed, and counted,
# when it ends.
VG_PID=""
if [ -n "$VALGRIND" ] && [ -x "$BUILD/vpcflow" ]; then
    mkdir -p "$LOG/vg"
    stage "valgrind (beside the others; its cases are printed when it ends)"
    (
        renice -n 5 -p "$BASHPID" >/dev/null 2>&1 || true
        LOG=$LOG/vg PASS=0 FAIL=0 FAILED_NAMES=()
        run_units "$BUILD" valgrind valgrind
        run_golden "$BUILD" valgrind valgrind "$VALGRIND_GOLDEN"
        { echo "$PASS $FAIL"; printf '%s\n' ${FAILED_NAMES[@]+"${FAILED_NAMES[@]}"}; } >"$LOG/result"
    ) >"$LOG/vg.out" 2>&1 </dev/null &
    VG_PID=$!
fi
if [ -n "$STRUCTURE" ]; then
    run_structure "$BUILD"
fi
have_build "$BUILD" build && variant_build "$BUILD"
for v in ${VARIANT_LIST[@]+"${VARIANT_LIST[@]}"}; do
    name=${v%%=*} dir=${v#*=}
    if ! declare -F "variant_$name" >/dev/null; then
        note_fail "$name (unknown variant)"
        echo "  [$name] tests/run.sh has no function variant_$name"
        continue
    fi
    have_build "$dir" "$name" && "variant_$name" "$dir"
done
[ -n "$FUZZ" ] && run_fuzz "$FUZZ"
if [ -n "$VG_PID" ]; then
    wait "$VG_PID"
    cat "$LOG/vg.out"
    if [ -f "$LOG/vg/result" ]; then
        { read -r p f; PASS=$((PASS + p)); FAIL=$((FAIL + f))
          while IFS= read -r n; do [ -n "$n" ] && FAILED_NAMES+=("$n"); done; } <"$LOG/vg/result"
    else
        note_fail "valgrind (the stage did not finish)"
    fi
fi

if [ $FAIL -gt 0 ]; then
    echo "failed:"
    printf '  %s\n' "${FAILED_NAMES[@]}"
fi
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
