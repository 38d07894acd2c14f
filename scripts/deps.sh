#!/usr/bin/env bash
# scripts/deps.sh — installs the Debian packages vpcflow needs to build and test, when missing.
# As root it runs apt-get; otherwise it prints the command to run and fails.
set -euo pipefail
BUILD_PKGS="gcc make pkg-config libisal-dev libjansson-dev libdeflate-dev libpq-dev libzstd-dev libsnappy-dev libcurl4-openssl-dev"
TEST_PKGS="clang clang-format libclang-rt-14-dev valgrind postgresql python3 time debhelper dpkg-dev fakeroot man-db groff-base zsh chromium"
want="$BUILD_PKGS"
[ "${1:-}" = "--test" ] && want="$BUILD_PKGS $TEST_PKGS"
missing=()
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from Debian or elsewhere: only when there is no npm at all ask for Debian's
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi
npm_peers() { # the benchmark's and the tests' peer engines (DuckDB) come from npm
    [ "${1:-}" = "--test" ] || return 0
    [ -d node_modules/@duckdb/node-api ] && [ -d node_modules/hyparquet ] && return 0
    command -v npm >/dev/null || return 0
    echo "installing npm test peers (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
}
cd "$(dirname "$0")/.."
if [ ${#missing[@]} -eq 0 ]; then
    npm_peers "${1:-}"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "vpcflow needs these Debian packages: ${missing[*]}" >&2
    echo "run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_peers "${1:-}"
