#!/usr/bin/env python3
"""scripts/layers.py — checks libvpcflow's layering on its compiled objects: every file calls only
files of its own stage or of a stage below it (docs/architecture.md), and no two files call each
other. Usage: scripts/layers.py [BUILD_DIR]; prints each violation and exits 1 if there is one."""
import glob
import os
import subprocess
import sys

ORDER = ["base", "parquet", "read", "model", "rightsize", "filter", "query", "out", "export", "pg", "alerts", "notify", "lambda", "report"]  # lowest first


def symbols(obj):
    defined, undefined = set(), set()
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRGS":
            defined.add(parts[2])
    return defined, undefined


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    objs = sorted(glob.glob(os.path.join(build, "lib", "*", "*.o")))
    if not objs:
        print("layers: no objects under %s/lib: build first" % build)
        return 1
    files, owner = {}, {}
    for o in objs:
        name = os.path.relpath(o, os.path.join(build, "lib"))[:-2]
        files[name] = symbols(o)
        for s in files[name][0]:
            owner[s] = name
    calls = {n: {} for n in files}
    for n, (_, undefined) in files.items():
        for s in undefined:
            if s in owner and owner[s] != n:
                calls[n].setdefault(owner[s], s)
    bad = []
    for a in sorted(calls):
        sa = a.split("/")[0]
        if sa not in ORDER:
            bad.append("lib/%s: stage folder %s/ is not in the layer order" % (a, sa))
            continue
        for b, s in sorted(calls[a].items()):
            sb = b.split("/")[0]
            if sb in ORDER and ORDER.index(sb) > ORDER.index(sa):
                bad.append("lib/%s calls up into lib/%s (%s)" % (a, b, s))
            if a < b and a in calls.get(b, {}):
                bad.append("lib/%s and lib/%s call each other (%s, %s)" % (a, b, s, calls[b][a]))
    for line in bad:
        print("layers: " + line)
    if bad:
        return 1
    print("layers: %d files, every call goes down or within a stage, none both ways" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
