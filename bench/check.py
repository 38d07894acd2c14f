#!/usr/bin/env python3
"""bench/check.py — bench/run.sh's answer checks: every engine's top 10, and vpcflow's summary.

  check.py top REF LABEL FILE KIND   FILE's top 10 must equal REF's ("key bytes" lines);
                                     KIND: vpcflow-csv | duckdb-json | psql | plain
  check.py norm FILE KIND            print FILE's top 10 as "key bytes" lines
  check.py summary TRUTH LABEL FILE  `summary --output json` must hold truth.json's summary
  check.py json FILE KEY             print one top-level value of a JSON file

Exit status 1 with both lists side by side when they differ: a disagreement between engines
is a bug in one of them, and the benchmark must not time a wrong answer.
"""
import csv
import json
import sys


def rows_vpcflow_csv(path):
    with open(path, newline="") as fh:
        return [(r["dstaddr"], int(r["bytes"])) for r in csv.DictReader(fh)]


def rows_duckdb_json(path):
    with open(path) as fh:
        return [(k, int(b)) for k, b in json.load(fh)["rows"]]


def rows_psql(path):
    """psql -A -t -F '|' output: "key|bytes" rows among "Time:" and VmHWM lines."""
    rows = []
    with open(path) as fh:
        for line in fh:
            parts = line.rstrip("\n").split("|")
            if len(parts) == 2 and parts[1].isdigit():
                rows.append((parts[0], int(parts[1])))
    return rows


def rows_plain(path):
    with open(path) as fh:
        return [(k, int(b)) for k, b in (line.split() for line in fh if line.strip())]


READERS = {"vpcflow-csv": rows_vpcflow_csv, "duckdb-json": rows_duckdb_json,
           "psql": rows_psql, "plain": rows_plain}


def check_top(ref_path, label, path, kind):
    want = rows_plain(ref_path)
    got = READERS[kind](path)
    if len(want) == 10 and got == want:
        return 0
    print(f"MISMATCH: {label} top 10 by dstaddr differs from vpcflow top --no-dedup", file=sys.stderr)
    print(f"  {'vpcflow --no-dedup':<40} {label}", file=sys.stderr)
    for i in range(max(len(want), len(got))):
        w = "%s %d" % want[i] if i < len(want) else "-"
        g = "%s %d" % got[i] if i < len(got) else "-"
        print(f"  {w:<40} {g}{'' if w == g else '   <--'}", file=sys.stderr)
    return 1


def check_summary(truth_path, label, path):
    with open(truth_path) as fh:
        want = json.load(fh)["summary"]
    with open(path) as fh:
        got = json.load(fh)
    bad = [k for k in want if got.get(k) != want[k]]
    for k in ("bytes_unique", "classes"):
        if k not in want:
            bad.append(k + " (absent from truth.json)")
    if not bad:
        return 0
    print(f"MISMATCH: {label}: summary --output json differs from truth.json in {bad}", file=sys.stderr)
    for k in bad:
        print(f"  {k}: vpcflow {json.dumps(got.get(k))}", file=sys.stderr)
        print(f"  {k}: truth   {json.dumps(want.get(k))}", file=sys.stderr)
    return 1


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "top" and len(argv) == 6:
        return check_top(*argv[2:])
    if cmd == "norm" and len(argv) == 4:
        for k, b in READERS[argv[3]](argv[2]):
            print(k, b)
        return 0
    if cmd == "summary" and len(argv) == 5:
        return check_summary(*argv[2:])
    if cmd == "json" and len(argv) == 4:
        with open(argv[2]) as fh:
            print(json.load(fh)[argv[3]])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
