#!/usr/bin/env bash
# readme.sh — the README shows what the tool prints: every `$ vpcflow ...` line of its code
# blocks, run where the README says (examples/vpc, with its $T of the bundled topology), prints
# exactly the lines shown under it, and that output is a tests/golden/readme-* case (so the
# sanitizer builds and valgrind run it too); the output of every readme-* case (the PostgreSQL
# example's among them) stands verbatim in README.md.
set -eu
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${EXAMPLES:=$ROOT/examples}"
cd "$ROOT"
n=0
for d in tests/golden/readme-*/; do
    python3 - "$d/out" README.md <<'PY' || { echo "README.md does not show the output of $d"; exit 1; }
import sys
sys.exit(0 if open(sys.argv[1]).read() in open(sys.argv[2]).read() else 1)
PY
    n=$((n + 1))
done
[ "$n" -ge 9 ] || { echo "only $n readme-* golden cases"; exit 1; }
python3 - "$VPCFLOW" "$EXAMPLES/vpc" README.md tests/golden <<'PY'
import glob, os, re, subprocess, sys
vpcflow, where, readme, golden = sys.argv[1:]
goldens = {open(f).read() for f in glob.glob(golden + "/readme-*/out")}
T = ("--subnets topology/describe-subnets.json --enis topology/describe-network-interfaces.json "
     "--ip-ranges topology/ip-ranges.json")
blocks = re.findall(r"^```[a-z]*\n(.*?)^```$", open(readme).read(), re.S | re.M)
bad, shown = [], 0
for block in blocks:
    # "$ command" lines and the output under each, up to the next "$ " line or the block's end
    for m in re.finditer(r"^\$ (vpcflow .*)\n((?:(?!\$ ).*\n)*)", block, re.M):
        cmd, want = m.group(1), m.group(2)
        shown += 1
        r = subprocess.run(["bash", "-c", 'vpcflow() { "$VPCFLOW" "$@"; }; T="%s"; %s' % (T, cmd)], cwd=where,
                           capture_output=True, text=True,
                           env=dict(os.environ, VPCFLOW=vpcflow, TZ="UTC", LC_ALL="C"))
        if r.returncode != 0 or r.stdout != want:
            bad.append("$ %s\nexit %d; it prints:\n%s" % (cmd, r.returncode, r.stdout[:2000]))
        elif want not in goldens:
            bad.append("$ %s\nhas no tests/golden/readme-* case with its output" % cmd)
if shown < 8:
    bad.append("only %d '$ vpcflow' examples found in the README" % shown)
print("\n".join(bad) if bad else "the README's %d '$ vpcflow' examples print what it shows" % shown)
sys.exit(1 if bad else 0)
PY
echo "README shows the output of $n golden cases"
