#!/usr/bin/env bash
# architecture.sh — docs/architecture.md names every source file and every lib/ stage folder,
# model/network_impl.h stays inside lib/model/, and the compiled library keeps its layering
# (scripts/layers.py: calls go down, never both ways).
set -eu
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
cd "$ROOT"
doc=docs/architecture.md
missing=0
for f in include/*.h lib/*/*.[ch] cli/*.[ch] bench/*.c bench/*.h bench/*.sh bench/*.py bench/*.mjs scripts/*; do
    [ -e "$f" ] || continue
    grep -qF "\`$f\`" "$doc" || { echo "docs/architecture.md does not name $f"; missing=1; }
done
for d in lib/*/; do
    grep -qF "\`${d}\`" "$doc" || { echo "docs/architecture.md does not name the folder $d"; missing=1; }
done
# private headers stay private: the inside of vf_network is for lib/model/ (others use the
# accessors of model/network.h)
for f in $(grep -l '#include "model/network_impl.h"' lib/*/*.c lib/*/*.h cli/*.c 2>/dev/null); do
    case "$f" in lib/model/*) ;; *) echo "$f includes model/network_impl.h"; missing=1 ;; esac
done
[ $missing = 0 ]
python3 scripts/layers.py "$(dirname "$VPCFLOW")"
