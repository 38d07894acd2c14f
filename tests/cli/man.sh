#!/usr/bin/env bash
# man.sh — the manual pages say what the tool says: scripts/man.sh writes them from the help,
# and here `man -l` renders each one (80 columns) and the text of its DESCRIPTION is, line for
# line, `vpcflow help CMD` (vpcflow(1): `vpcflow --help`, its FIELDS `vpcflow help fields`);
# every command of --help has its page, `vpcflow help CMD` equals `vpcflow CMD --help`, groff
# has nothing to warn about, and libvpcflow(3) names every function libvpcflow exports.
set -euo pipefail
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-man-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C.UTF-8 MANWIDTH=80
"$ROOT/scripts/man.sh" "$VPCFLOW" "$TMP"
fail=0
bad() { echo "$*"; fail=1; }

section() { # $1 page, $2 section: its rendered text, the 7-column indent and trailing blanks removed
    man -l "$1" 2>"$TMP/stderr" | col -bx | awk -v s="$2" '/^[A-Z][A-Z ]*$/ { on = ($0 == s); next }
        on { sub(/ +$/, ""); sub(/^       /, ""); print }' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
    [ ! -s "$TMP/stderr" ] || bad "$1: man printed: $(head -3 "$TMP/stderr")"
}
same() { # $1 what, $2 expected file, $3 rendered file
    sed 's/ *$//' "$2" >"$2.t"
    cmp -s "$2.t" "$3" || { bad "$1: the page differs from the help:"; diff "$2.t" "$3" | head -10; }
}

commands=$("$VPCFLOW" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
    on && /^  [a-z]+  / { print $1 }' | grep -vx help)
[ "$(echo $commands | wc -w)" -ge 10 ] || bad "only these commands in --help: $commands"
for c in $commands; do
    page=$TMP/man1/vpcflow-$c.1
    [ -f "$page" ] || { bad "no page for $c"; continue; }
    "$VPCFLOW" help "$c" >"$TMP/help"
    "$VPCFLOW" "$c" --help >"$TMP/own"
    cmp -s "$TMP/help" "$TMP/own" || bad "'vpcflow help $c' differs from 'vpcflow $c --help'"
    section "$page" DESCRIPTION >"$TMP/rendered"
    same "vpcflow-$c(1)" "$TMP/help" "$TMP/rendered"
    title=$(man -l "$page" | col -bx | sed -n 1p)
    [[ $title == "VPCFLOW-${c^^}(1) "* ]] || bad "vpcflow-$c(1): no title line: $title"
done
"$VPCFLOW" --help >"$TMP/help"
section "$TMP/man1/vpcflow.1" DESCRIPTION >"$TMP/rendered"
same "vpcflow(1)" "$TMP/help" "$TMP/rendered"
"$VPCFLOW" help fields >"$TMP/help"
section "$TMP/man1/vpcflow.1" FIELDS >"$TMP/rendered"
same "vpcflow(1) FIELDS" "$TMP/help" "$TMP/rendered"

# libvpcflow(3): every exported function of the library is listed
lib=$(dirname "$VPCFLOW")/libvpcflow.a
section "$TMP/man3/libvpcflow.3" FUNCTIONS >"$TMP/functions"
n=0
for sym in $(nm --defined-only -g "$lib" | awk '$2 == "T" && $3 ~ /^vpcflow_/ { print $3 }' | sort -u); do
    grep -qE "[ *]$sym\(" "$TMP/functions" || bad "libvpcflow(3) does not list $sym"
    n=$((n + 1))
done
[ "$n" -ge 50 ] || bad "only $n exported functions found in $lib"
section "$TMP/man3/libvpcflow.3" EXAMPLE >"$TMP/example"
grep -q 'vpcflow_top_run' "$TMP/example" || bad "libvpcflow(3) has no example"

for p in "$TMP"/man*/*; do
    w=$(groff -k -man -Tutf8 -ww -z "$p" 2>&1) || true
    [ -z "$w" ] || bad "$(basename "$p"): groff warns: $w"
done
[ $fail = 0 ]
echo "$(ls "$TMP"/man*/* | wc -l) pages render and match the help; libvpcflow(3) lists $n functions"
