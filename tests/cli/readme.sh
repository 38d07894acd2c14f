#!/usr/bin/env bash
# readme.sh — every drill-down example the README shows prints what the README shows: the
# output of each tests/golden/readme-* case (which runs the README's command on the bundled
# data) stands verbatim in README.md.
set -eu
: "${ROOT:?set ROOT to the repository}"
cd "$ROOT"
n=0
for d in tests/golden/readme-*/; do
    python3 - "$d/out" README.md <<'PY' || { echo "README.md does not show the output of $d"; exit 1; }
import sys
sys.exit(0 if open(sys.argv[1]).read() in open(sys.argv[2]).read() else 1)
PY
    n=$((n + 1))
done
[ "$n" -ge 4 ] || { echo "only $n readme-* golden cases"; exit 1; }
echo "README shows the output of $n golden cases"
