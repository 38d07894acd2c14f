#!/usr/bin/env bash
# debian_package.sh — `dpkg-buildpackage -us -uc -b` builds the packages vpcflow, libvpcflow0 and
# libvpcflow-dev from a copy of the tree (the checkout stays clean); they are unpacked into a
# scratch root with `dpkg -x` (nothing is installed on this machine), examples/c builds against
# that root with pkg-config and prints what the packaged vpcflow prints for the same question
# on the bundled VPC, and the packaged man pages render. About a minute on two cores.
set -euo pipefail
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${EXAMPLES:=$ROOT/examples}"
TMP=$(mktemp -d /tmp/vpcflow-deb-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
start=$SECONDS
mkdir -p "$TMP/src/vpcflow"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z -co --exclude-standard | tar -cf - --null --no-recursion -T -) | tar -C "$TMP/src/vpcflow" -xf -
else
    tar -C "$ROOT" --exclude=./build --exclude=./node_modules -cf - . | tar -C "$TMP/src/vpcflow" -xf -
fi
(cd "$TMP/src/vpcflow" && DEB_BUILD_OPTIONS=noddebs dpkg-buildpackage -us -uc -b -j2) >"$TMP/build.log" 2>&1 ||
    { tail -30 "$TMP/build.log"; echo "dpkg-buildpackage failed"; exit 1; }
version=$("$VPCFLOW" --version | sed 's/^vpcflow //')
arch=$(dpkg --print-architecture) multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for p in vpcflow libvpcflow0 libvpcflow-dev; do
    deb=$TMP/src/${p}_${version}_$arch.deb
    [ -f "$deb" ] || { echo "no package $p ${version}: $(ls "$TMP/src")"; exit 1; }
    dpkg -x "$deb" "$TMP/root"
done
dpkg-deb -f "$TMP/src/libvpcflow-dev_${version}_$arch.deb" Depends | grep -F "libvpcflow0 (= $version)" >/dev/null ||
    { echo "libvpcflow-dev does not depend on libvpcflow0 (= $version)"; exit 1; }
dpkg-deb -f "$TMP/src/vpcflow_${version}_$arch.deb" Depends | grep -E 'libisal2.*libjansson4' >/dev/null ||
    { echo "vpcflow lacks its library dependencies"; exit 1; }
R=$TMP/root L=$TMP/root/usr/lib/$multiarch
for f in usr/bin/vpcflow usr/include/vpcflow.h "usr/lib/$multiarch/libvpcflow.a" "usr/lib/$multiarch/libvpcflow.so.$version" \
    usr/share/man/man1/vpcflow-top.1.gz usr/share/man/man3/libvpcflow.3.gz \
    usr/share/bash-completion/completions/vpcflow usr/share/zsh/site-functions/_vpcflow; do
    [ -f "$R/$f" ] || { echo "the packages lack /$f"; exit 1; }
done
[ "$(readlink "$L/libvpcflow.so")" = libvpcflow.so.0 ] && [ "$(readlink "$L/libvpcflow.so.0")" = "libvpcflow.so.$version" ] ||
    { echo "the library links are wrong"; ls -l "$L"; exit 1; }
grep -Fx "prefix=/usr" "$L/pkgconfig/vpcflow.pc" >/dev/null || { echo "vpcflow.pc: prefix is not /usr"; exit 1; }

# the example against the unpacked root, by pkg-config alone
export PKG_CONFIG_PATH=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$R
[ "$(pkg-config --modversion vpcflow)" = "$version" ]
cp -r "$ROOT/examples/c" "$TMP/example"
make -s --no-print-directory -C "$TMP/example" CFLAGS="-O2 -Wall -Wextra -Werror -std=c11" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
LD_LIBRARY_PATH=$L ldd "$TMP/example/top_cross_az" | grep -F "libvpcflow.so.0 => $L/libvpcflow.so.0" >/dev/null ||
    { echo "the example is not linked with the packaged libvpcflow.so.0"; exit 1; }
T="--subnets $EXAMPLES/vpc/topology/describe-subnets.json --enis $EXAMPLES/vpc/topology/describe-network-interfaces.json --ip-ranges $EXAMPLES/vpc/topology/ip-ranges.json"
"$R/usr/bin/vpcflow" top --by srcaddr --class cross-az -n 5 --output csv $T "$EXAMPLES/vpc/AWSLogs" | cut -d, -f1,3-6 >"$TMP/want"
LD_LIBRARY_PATH=$L "$TMP/example/top_cross_az" -n 5 $T "$EXAMPLES/vpc/AWSLogs" >"$TMP/got"
[ "$(wc -l <"$TMP/want")" = 6 ] || { echo "the packaged vpcflow top printed:"; cat "$TMP/want"; exit 1; }
diff "$TMP/want" "$TMP/got" || { echo "the example differs from the packaged vpcflow top"; exit 1; }
"$VPCFLOW" top --by srcaddr --class cross-az -n 5 --output csv $T "$EXAMPLES/vpc/AWSLogs" | cut -d, -f1,3-6 | cmp -s - "$TMP/want" ||
    { echo "the packaged vpcflow and the tested one differ"; exit 1; }

MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$R/usr/share/man/man1/vpcflow-top.1.gz" 2>&1 | col -bx | grep -F -- '--by KEYS' >/dev/null ||
    { echo "the packaged vpcflow-top(1) does not render"; exit 1; }
echo "vpcflow, libvpcflow0, libvpcflow-dev $version built, unpacked; the example runs against them ($((SECONDS - start)) s)"
