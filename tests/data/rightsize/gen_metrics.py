#!/usr/bin/env python3
"""gen_metrics.py — crafted CloudWatch CPU metrics whose right-sizing answer is known by
construction (tests/cli/rightsize.sh, docs/rightsize.md). Usage: gen_metrics.py OUTDIR.
Every series starts 2026-11-01T00:00:00Z, one datapoint per hour (Period 3600) unless said."""
import json
import os
import sys

START = 1793491200  # 2026-11-01T00:00:00Z


def iso(t, style="+00:00"):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + style


def statistics(values, label="CPUUtilization", stat="Maximum", skip=()):
    """get-metric-statistics: datapoints in reverse order, as the CLI often gives them"""
    dps = [{"Timestamp": iso(START + 3600 * h), stat: v, "Unit": "Percent"}
           for h, v in enumerate(values) if h not in skip]
    return {"Label": label, "Datapoints": list(reversed(dps))}


def data(results):
    """get-metric-data: [(id, label, values)]"""
    return {"MetricDataResults": [{"Id": i, "Label": label,
                                   "Timestamps": [iso(START + 3600 * h, "Z") for h in range(len(v))][::-1],
                                   "Values": v[::-1], "StatusCode": "Complete"} for i, label, v in results],
            "Messages": []}


def daily(hours, base, peak, peak_hour=14):
    return [peak if h % 24 == peak_hour else base for h in range(hours)]


def write(d, name, doc):
    with open(os.path.join(d, name), "w") as f:
        if isinstance(doc, str):
            f.write(doc)
        else:
            json.dump(doc, f, indent=1)
            f.write("\n")


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    H = 14 * 24
    # flat low: an m5.2xlarge peaking at 15% once a day, 6% otherwise
    write(d, "flat-i-0000000000000f1a7.json", statistics(daily(H, 6.0, 15.0)))
    # spiky: an m5.xlarge at 10% with three spikes to 95% (under 1% of the hours: p99 ignores them)
    spiky = [10.0] * H
    for h in (40, 170, 300):
        spiky[h] = 95.0
    write(d, "spiky-i-00000000000005b1c.json", statistics(spiky))
    # growing: an m5.2xlarge from 5% rising one point a day
    write(d, "growing-i-00000000000000960.json", statistics([5.0 + h / 24.0 for h in range(H)]))
    # too short: five days of an m5.xlarge at 10%
    write(d, "short-i-00000000000005407.json", statistics([10.0] * (5 * 24)))
    # idle: an m5.large never above 1.5%
    write(d, "idle-i-00000000000001d1e.json", statistics(daily(H, 0.5, 1.5)))
    # gaps: an m5.xlarge at 10% with every fourth hour missing (25% of the window)
    write(d, "gaps-i-00000000000009a95.json", statistics([10.0] * H, skip=set(range(1, H, 4))))
    # several instances in one get-metric-data document (instance ids in the labels), and a CSV
    many = [("m1", "i-00000000000000aa1 CPUUtilization", daily(H, 20.0, 40.0)),
            ("m2", "i-00000000000000aa2 CPUUtilization", daily(H, 3.0, 9.0))]
    os.makedirs(os.path.join(d, "many"), exist_ok=True)
    write(os.path.join(d, "many"), "fleet.json", data(many))
    write(os.path.join(d, "many"), "i-00000000000000aa3.csv",
          "timestamp,value\n" + "".join("%d,%s\n" % (START + 3600 * h, v) for h, v in enumerate(daily(H, 30.0, 60.0))))
    # the m4.large of the README: never above 15% in two weeks, rarely above 5%
    m4 = [3.0 + (h % 5) * 0.5 for h in range(H)]  # 3.0 to 5.0
    for h in (20, 110, 250):
        m4[h] = 15.0
    for h in (60, 61, 200):
        m4[h] = 9.0
    write(d, "cpu-i-0a1b2c3d4e5f60718.json", statistics(m4))
    # memory observed (the CloudWatch agent): an m5.2xlarge at 15% CPU using 60% of 32 GiB
    os.makedirs(os.path.join(d, "withmem"), exist_ok=True)
    write(os.path.join(d, "withmem"), "cpu-i-00000000000004e40.json", statistics(daily(H, 6.0, 15.0)))
    write(os.path.join(d, "withmem"), "mem-i-00000000000004e40.json",
          statistics([60.0] * H, label="mem_used_percent"))
    # an auto-scaling group of four m5.large at 60%: the fourth is missing 20 hours (6%), so the
    # group ran 3 to 4 instances and only three are always on; a fifth "web" runs on m5.xlarge
    asg = os.path.join(d, "asg")
    os.makedirs(asg, exist_ok=True)
    ids = ["i-000000000000a5c0%d" % k for k in range(1, 5)]
    for k, i in enumerate(ids):
        write(asg, "cpu-%s.json" % i, statistics([60.0] * H, skip=set(range(100, 120)) if k == 3 else ()))
    inst = [{"InstanceId": i, "InstanceType": "m5.large", "Placement": {"Tenancy": "default"},
             "State": {"Name": "running"}, "LaunchTime": "2026-10-01T00:00:00+00:00",
             "Tags": [{"Key": "Name", "Value": "web"}, {"Key": "aws:autoscaling:groupName", "Value": "web-asg"},
                      {"Key": "owner", "Value": "team-web"}]} for i in ids]
    inst.append({"InstanceId": "i-000000000000a5c09", "InstanceType": "m5.xlarge", "State": {"Name": "running"},
                 "Tags": [{"Key": "Name", "Value": "web"}]})
    write(d, "instances.json", {"Reservations": [{"ReservationId": "r-1", "Instances": inst}]})


if __name__ == "__main__":
    main()
