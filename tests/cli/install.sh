#!/usr/bin/env bash
# install.sh — `make install` into a DESTDIR puts every file where it belongs (the shared
# library with its SONAME and links, the static one, the header, vpcflow.pc, man pages,
# completions, the tool); examples/c builds against that staged root with pkg-config alone,
# shared and static, and prints the numbers `vpcflow top` prints for the same question on the
# bundled VPC; `man` finds the installed pages; `make uninstall` leaves no file behind.
set -euo pipefail
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${EXAMPLES:=$ROOT/examples}"
TMP=$(mktemp -d /tmp/vpcflow-install-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"
BUILD=$(realpath --relative-to="$ROOT" "$(dirname "$VPCFLOW")")
D=$TMP/root P=/opt/vf
make -s --no-print-directory BUILD="$BUILD" PREFIX=$P DESTDIR="$D" install >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
version=$("$VPCFLOW" --version | sed 's/^vpcflow //')

(cd "$D" && find . -type f -o -type l | sort) >"$TMP/files"
{
    printf '%s\n' ./opt/vf/bin/vpcflow ./opt/vf/include/vpcflow.h ./opt/vf/lib/libvpcflow.a \
        ./opt/vf/lib/libvpcflow.so ./opt/vf/lib/libvpcflow.so.0 "./opt/vf/lib/libvpcflow.so.$version" \
        ./opt/vf/lib/pkgconfig/vpcflow.pc ./opt/vf/share/bash-completion/completions/vpcflow \
        ./opt/vf/share/man/man1/vpcflow.1 ./opt/vf/share/man/man3/libvpcflow.3 \
        ./opt/vf/share/zsh/site-functions/_vpcflow
    "$VPCFLOW" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
        on && /^  [a-z]+  / && $1 != "help" { print "./opt/vf/share/man/man1/vpcflow-" $1 ".1" }'
} | sort >"$TMP/want"
diff "$TMP/want" "$TMP/files" || { echo "installed files differ from the expected list"; exit 1; }
[ "$(readlink "$D$P/lib/libvpcflow.so")" = libvpcflow.so.0 ] || { echo "libvpcflow.so does not link to libvpcflow.so.0"; exit 1; }
[ "$(readlink "$D$P/lib/libvpcflow.so.0")" = "libvpcflow.so.$version" ] || { echo "bad libvpcflow.so.0 link"; exit 1; }
readelf -d "$D$P/lib/libvpcflow.so.$version" | grep 'Library soname: \[libvpcflow.so.0\]' >/dev/null || { echo "no SONAME"; exit 1; }
[ "$("$D$P/bin/vpcflow" --version)" = "vpcflow $version" ]

# the example, against the staged root through pkg-config only
export PKG_CONFIG_PATH=$D$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
[ "$(pkg-config --modversion vpcflow)" = "$version" ]
cp -r examples/c "$TMP/example"
make -s --no-print-directory -C "$TMP/example" CFLAGS="-O2 -Wall -Wextra -Werror -std=c11" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
LD_LIBRARY_PATH=$D$P/lib ldd "$TMP/example/top_cross_az" | grep "libvpcflow.so.0 => $D$P/lib/libvpcflow.so.0" >/dev/null ||
    { echo "the example is not linked with the staged libvpcflow.so.0"; exit 1; }
cc -O2 -std=c11 $(pkg-config --cflags vpcflow) -o "$TMP/example/static" "$TMP/example/top_cross_az.c" \
    $(pkg-config --libs-only-L vpcflow) -Wl,-Bstatic -lvpcflow -Wl,-Bdynamic \
    $(pkg-config --static --libs-only-l vpcflow | sed 's/-lvpcflow //')
! ldd "$TMP/example/static" | grep libvpcflow >/dev/null || { echo "the static example links libvpcflow.so"; exit 1; }

T="--subnets $EXAMPLES/vpc/topology/describe-subnets.json --enis $EXAMPLES/vpc/topology/describe-network-interfaces.json --ip-ranges $EXAMPLES/vpc/topology/ip-ranges.json"
"$VPCFLOW" top --by srcaddr --class cross-az -n 5 --output csv $T "$EXAMPLES/vpc/AWSLogs" | cut -d, -f1,3-6 >"$TMP/want"
LD_LIBRARY_PATH=$D$P/lib "$TMP/example/top_cross_az" -n 5 $T "$EXAMPLES/vpc/AWSLogs" >"$TMP/shared"
"$TMP/example/static" -n 5 $T "$EXAMPLES/vpc/AWSLogs" >"$TMP/static"
[ "$(wc -l <"$TMP/want")" = 6 ] || { echo "vpcflow top printed:"; cat "$TMP/want"; exit 1; }
diff "$TMP/want" "$TMP/shared" || { echo "the example (shared) differs from vpcflow top"; exit 1; }
diff "$TMP/want" "$TMP/static" || { echo "the example (static) differs from vpcflow top"; exit 1; }

# man finds and renders the installed pages
MANWIDTH=80 LC_ALL=C.UTF-8 man -M "$D$P/share/man" vpcflow-top 2>&1 | col -bx | grep -- '--by KEYS' >/dev/null ||
    { echo "man -M does not render vpcflow-top"; exit 1; }
MANWIDTH=80 LC_ALL=C.UTF-8 man -M "$D$P/share/man" 3 libvpcflow 2>&1 | col -bx | grep 'vpcflow_top_run' >/dev/null ||
    { echo "man -M does not render libvpcflow(3)"; exit 1; }

make -s --no-print-directory BUILD="$BUILD" PREFIX=$P DESTDIR="$D" uninstall
left=$(cd "$D" && find . -type f -o -type l)
[ -z "$left" ] || { echo "make uninstall left: $left"; exit 1; }
echo "installed $(wc -l <"$TMP/files") files; the example (shared and static) prints vpcflow top's numbers; uninstalled"
