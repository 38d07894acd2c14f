#!/usr/bin/env bash
# scripts/test.sh — the whole test suite, from a fresh clone: installs missing Debian packages
# (as root), builds the normal, ASan+UBSan and fuzz variants, checks exported symbols and
# clang-format, then runs tests/run.sh (valgrind included), whose last line is
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
JOBS=$(nproc 2>/dev/null || echo 2)
make -s -j"$JOBS" all tests >/dev/null
make -s symbols
make -s format-check
make -s -j"$JOBS" BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" tests >/dev/null
make -s -j"$JOBS" fuzz >/dev/null
exec tests/run.sh --build build --asan build/asan --valgrind --fuzz build/fuzz "$@"
