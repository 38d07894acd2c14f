#!/usr/bin/env bash
# top_deterministic.sh — heavy-hitter mode (groups past --memory) gives the same rows and error
# bound on every run with the same thread count, whichever worker reads which unit of work, and
# its bound does not grow with threads: the workers' tables go into the total in input order.
# --memory also pays 6 MiB of buffers per reading thread, so -j2 is given 6 MiB more than -j1
# (22M and 28M): both have 12 MiB of tables, and the bound is compared at equal table memory.
set -euo pipefail
dir=$(mktemp -d /tmp/vpcflow-det-XXXXXX)
trap 'rm -rf "$dir"' EXIT
# 200,000 records (about 22 MB: several 4 MiB units) from 150,000 sources, 10 heavy ones
"$GEN" --scenario distinct --records 200000 --distinct-sources 150000 --heavy 10 --seed 7 \
    --truth "$dir/truth.json" --stdout >"$dir/flows.log" 2>/dev/null
top() { "$VPCFLOW" top --by srcaddr --no-dedup -n 10 -o json --no-progress "$@" "$dir/flows.log"; }
top -j1 --memory 22M >"$dir/j1.json"
for i in 1 2 3 4 5; do
    top -j2 --memory 28M >"$dir/j2-$i.json"
    cmp "$dir/j2-1.json" "$dir/j2-$i.json" || { echo "-j2 run $i differs from run 1"; diff "$dir/j2-1.json" "$dir/j2-$i.json" | head; exit 1; }
done
python3 - "$dir/truth.json" "$dir/j1.json" "$dir/j2-1.json" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))["top_srcaddr"]
j1, j2 = (json.load(open(p)) for p in sys.argv[2:4])
for name, got in (("-j1", j1), ("-j2", j2)):
    assert got["approximate"], name + ": 150,000 sources in 12 MiB of tables must need the heavy-hitter mode"
    assert [r["srcaddr"] for r in got["rows"]] == [t["key"] for t in truth], (name, got["rows"], truth)
    for r, t in zip(got["rows"], truth):
        assert t["bytes"] <= r["bytes"] <= t["bytes"] + got["error_bound"], (name, r, t, got["error_bound"])
assert j2["error_bound"] <= j1["error_bound"], ("bound grows with threads", j1["error_bound"], j2["error_bound"])
print("-j2 identical over 5 runs; error bound -j1", j1["error_bound"], "-j2", j2["error_bound"])
PY
