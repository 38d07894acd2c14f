#!/usr/bin/env bash
# bench_smoke.sh — `bench/run.sh --quick` runs end to end on tiny data: it generates, checks
# that vpcflow, DuckDB and PostgreSQL give the same top 10 (and summary matches truth.json),
# times each once and writes results.md with a row for every engine. Nothing about speed is
# asserted. DuckDB comes from npm (`npm ci`, run by CI before the tests); where it cannot be
# installed this test fails and says so rather than passing without DuckDB.
set -u
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}" "${ROOT:?set ROOT to the repository root}"
TMP=$(mktemp -d /tmp/vpcflow-bench-smoke-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

if [ ! -d "$ROOT/node_modules/@duckdb/node-api" ]; then
    command -v npm >/dev/null || fail "npm is missing: the benchmark needs Node.js and npm for DuckDB"
    # Few, short retries: offline, npm's defaults would wait minutes before giving up.
    (cd "$ROOT" && timeout 120 npm ci --no-audit --no-fund --fetch-retries=1 \
        --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000) >"$TMP/npm.log" 2>&1 || {
        tail -10 "$TMP/npm.log"
        fail "npm ci could not install @duckdb/node-api (offline?): the DuckDB comparison cannot run"
    }
fi

# The build under test (normal or ASan) provides both vpcflow and vpcflow-gen.
VPCFLOW_BUILD=$(dirname "$VPCFLOW") BENCH_DATA=$TMP/data \
    timeout 300 "$ROOT/bench/run.sh" --quick --size 2M --out "$TMP/out" >"$TMP/log" 2>&1
rc=$?
if [ $rc != 0 ]; then
    tail -30 "$TMP/log"
    fail "bench/run.sh --quick exited $rc"
fi
md=$TMP/out/results.md
[ -s "$md" ] || fail "no results.md"
for system in "vpcflow top --no-dedup" "vpcflow summary" "DuckDB" "PostgreSQL"; do
    grep -q "^| $system" "$md" || { cat "$md"; fail "results.md has no row for $system"; }
done
grep -q "^| DuckDB .*gzip tree" "$md" || fail "results.md has no DuckDB row for the gzip tree"
grep -q "^| PostgreSQL \\\\copy only" "$md" || fail "results.md has no PostgreSQL load row"
for work in "top 10 dstaddr, Parquet" "summary, Parquet"; do
    grep -q "^| vpcflow .* | $work |" "$md" || { cat "$md"; fail "results.md has no vpcflow row for $work"; }
done
grep -q "^| DuckDB read_parquet .* | top 10 dstaddr, Parquet |" "$md" || fail "results.md has no DuckDB Parquet row"
grep -q "all engines agree" "$TMP/log" || fail "the answer checks did not run"
[ -z "$(ls "$TMP/data" 2>/dev/null)" ] || fail "bench/run.sh left its data behind without --keep"
pgdir=$(sed -n 's/^bench: PostgreSQL server up in //p' "$TMP/log")
[ -n "$pgdir" ] || fail "bench/run.sh did not say where its PostgreSQL server ran"
[ ! -e "$pgdir" ] || fail "the PostgreSQL server's folder $pgdir is still there"
grep -q "^bench: results in" "$TMP/log" || fail "bench/run.sh did not finish"
echo "ok: results.md has vpcflow, DuckDB and PostgreSQL rows ($(grep -c '^| [vDP]' "$md") rows)"
