#!/usr/bin/env bash
# build.sh — function.zip for a Lambda custom runtime: bootstrap, the vpcflow binary, every
# shared library it loads (from ldd, the C library and its loader included) under lib/, and
# rules.json when one is given. Used by `make lambda-zip`.
#   deploy/lambda/build.sh VPCFLOW_BINARY OUT.zip [RULES.json]
# Why not one static binary: Debian ships no static libisal, and libcurl's static archive
# needs static nghttp2, rtmp, ssh2, psl, gssapi and ldap, which Debian does not ship either;
# the tool also opens libcurl with dlopen, which a static binary cannot.
set -euo pipefail
bin=$1 out=$2 rules=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d /tmp/vpcflow-lambda-zip-XXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib"
cp "$here/bootstrap" "$stage/bootstrap"
cp "$bin" "$stage/vpcflow"
strip "$stage/vpcflow" 2>/dev/null || true
# libcurl is opened with dlopen (lib/notify/curl_lib.h): it and what it loads come too
curl=$(ldconfig -p | awk '$1 == "libcurl.so.4" && /x86-64/ {print $NF; exit}')
[ -n "$curl" ] || { echo "build.sh: libcurl.so.4 not found (Debian package libcurl4)" >&2; exit 1; }
{ ldd "$bin"; echo "	libcurl.so.4 => $curl (0)"; ldd "$curl"; } |
    awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
    case "$lib" in
    */ld-linux*) cp -L "$lib" "$stage/lib/ld-linux-x86-64.so.2" ;;
    *) cp -L "$lib" "$stage/lib/$(basename "$lib")" ;;
    esac
done
[ -f "$stage/lib/ld-linux-x86-64.so.2" ] || { echo "build.sh: no loader found by ldd $bin" >&2; exit 1; }
[ -n "$rules" ] && cp "$rules" "$stage/rules.json"
mkdir -p "$(dirname "$out")"
python3 - "$stage" "$out" <<'PY'
import os, sys, zipfile
stage, out = sys.argv[1:]
with zipfile.ZipFile(out + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), (2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if os.access(path, os.X_OK) or name == "bootstrap" else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
os.replace(out + ".tmp", out)
PY
echo "$out: $(du -k "$out" | cut -f1) KiB zipped, $(du -sk "$stage" | cut -f1) KiB unzipped, $(ls "$stage/lib" | wc -l) libraries"
