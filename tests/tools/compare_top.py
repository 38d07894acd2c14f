#!/usr/bin/env python3
# compare_top.py TOP.json ROWS.jsonl — `vpcflow top --output json` against the rows of `vpcflow
# sql top` run in an engine (JSON lines, values as text): same rows in the same order, same
# keys (as top prints them), bytes, packets, flows, cost to the micro-dollar, share, totals.
import json, sys
top = json.load(open(sys.argv[1]))
rows = [json.loads(l) for l in open(sys.argv[2])]
keys = top["by"]
colmap = {"pair": ["srcaddr", "dstaddr"], "az-pair": ["src_az", "dst_az"], "src-az": ["src_az"], "dst-az": ["dst_az"],
          "src-owner": ["src_owner"], "dst-owner": ["dst_owner"], "flow-direction": ["flow_direction"], "tcp-flags": ["tcp_flags"]}
bad = 0
if len(rows) != len(top["rows"]): print("rows", len(rows), len(top["rows"])); bad = 1
for a, b in zip(top["rows"], rows):
    for k in ("bytes", "packets", "flows"):
        if a[k] != int(b[k]): print(k, a, b); bad = 1
    if round(a["cost_usd"] * 1e6) != int(b["cost_micro_usd"]): print("cost", a, b); bad = 1
    if abs(a["share"] - float(b["share"])) > 1e-9: print("share", a["share"], b["share"]); bad = 1
    for k in keys:
        cols = colmap.get(k, [k.replace("-", "_")])
        want = a[k]
        got = " \u2192 ".join(str(b.get(c) if b.get(c) is not None else "-") for c in cols)
        if k == "protocol": continue  # top prints the name (tcp), SQL the number
        if str(want) != got: print("key", k, want, got); bad = 1
t = top["total"]
b = rows[0]
for k in ("bytes", "packets", "flows"):
    if t[k] != int(b["total_" + k]): print("total", k, t[k], b["total_" + k]); bad = 1
if round(t["cost_usd"] * 1e6) != int(b["total_cost_micro_usd"]): print("total cost", t, b["total_cost_usd"]); bad = 1
print(" ".join(keys), "same" if not bad else "DIFFERENT")
sys.exit(bad)
