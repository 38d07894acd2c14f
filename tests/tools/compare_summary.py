#!/usr/bin/env python3
# compare_summary.py SUMMARY.json ROWS.jsonl — `vpcflow summary --output json` against the rows
# of `vpcflow sql summary` run in an engine: every class's bytes, packets, flows and cost to the
# micro-dollar, NAT processing, and the total (bytes_unique, cost_usd_total).
import json, sys
summ = json.load(open(sys.argv[1]))
rows = {r["class"]: r for r in map(json.loads, open(sys.argv[2]))}
bad = 0
for c, v in summ["classes"].items():
    r = rows[c]
    for k in ("bytes", "packets", "flows"):
        if int(r[k]) != v[k]: print("class", c, k, r[k], v[k]); bad = 1
    if round(float(v["cost_usd"]) * 1e6) != int(r["cost_micro_usd"]): print("class", c, "cost", r["cost_usd"], v["cost_usd"]); bad = 1
n = rows["nat-processing"]
if int(n["bytes"]) != summ["nat_processing"]["bytes"] or int(n["cost_micro_usd"]) != round(summ["nat_processing"]["cost_usd"] * 1e6): print("nat", n, summ["nat_processing"]); bad = 1
t = rows["total"]
if int(t["bytes"]) != summ["bytes_unique"] or int(t["cost_micro_usd"]) != round(summ["cost_usd_total"] * 1e6): print("total", t, summ["bytes_unique"], summ["cost_usd_total"]); bad = 1
print("summary: same" if not bad else "summary: DIFFERENT")
sys.exit(bad)
