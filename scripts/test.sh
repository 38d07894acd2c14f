#!/usr/bin/env bash
# scripts/test.sh — the whole test suite from a fresh clone: installs missing Debian packages (as
# root, scripts/deps.sh --test), then runs what `make check` runs (the Makefile defines the suite
# once: check-build builds the normal, ASan+UBSan, TSan and fuzz builds, in parallel; check-command
# is the tests/run.sh line). Its last line is run.sh's "N passed, N failed", also when a build
# fails (what did not build counts as failed). Arguments go to tests/run.sh (e.g. --only NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
JOBS=$(nproc 2>/dev/null || echo 2)
echo "== stage: builds: normal, variants, fuzz ($(date -u +%H:%M:%S))"
if ! make -s -k -j"$JOBS" check-build >/dev/null; then
    echo "scripts/test.sh: a build failed (above); its cases count as failed" >&2
fi
read -r -a run <<<"$(make -s --no-print-directory check-command)"
exec "${run[@]}" "$@"
