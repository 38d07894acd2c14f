#!/usr/bin/env bash
# ecs_documents.sh — `cat --output ecs` and `--output es-bulk` checked against `cat --output
# jsonl` of the same inputs, by a second implementation of the mapping (docs/ecs.md) in Python:
# every line is valid JSON, one document per record in input order, es-bulk alternates action
# and document lines, and each document's ECS and aws.vpcflow fields are those the record's
# fields give. Inputs: every crafted file of tests/data/ecs, the samples, the bundled example
# tree (with its topology: vpcflow.* present on every record that carries traffic).
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d /tmp/vpcflow-ecs-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ENRICH=()
check() { # NAME ARGS...: ecs, es-bulk (with ENRICH) and jsonl of the same inputs, compared
    local name=$1
    shift
    $VPCFLOW cat --quiet --output ecs ${ENRICH[@]+"${ENRICH[@]}"} "$@" >"$TMP/$name.ecs"
    $VPCFLOW cat --quiet --output es-bulk --index "idx-$name" ${ENRICH[@]+"${ENRICH[@]}"} "$@" >"$TMP/$name.bulk"
    $VPCFLOW cat --quiet --output jsonl "$@" >"$TMP/$name.jsonl"
    python3 - "$TMP/$name" "idx-$name" <<'PY'
import datetime, ipaddress, json, sys
base, index = sys.argv[1], sys.argv[2]
docs = [json.loads(l) for l in open(base + ".ecs", encoding="utf-8")]
bulk = [json.loads(l) for l in open(base + ".bulk", encoding="utf-8")]
recs = [json.loads(l) for l in open(base + ".jsonl", encoding="utf-8")]
assert len(docs) == len(recs) > 0, (base, len(docs), len(recs))
assert len(bulk) == 2 * len(docs), base
for i, d in enumerate(docs):
    assert bulk[2 * i] == {"index": {"_index": index}}, bulk[2 * i]
    assert bulk[2 * i + 1] == d
TRANSPORT = {0: "hopopt", 1: "icmp", 2: "igmp", 6: "tcp", 8: "egp", 17: "udp", 47: "gre", 50: "esp",
             58: "ipv6-icmp", 112: "vrrp", 132: "sctp"}
HOMES = {"account-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start",
         "end", "action", "instance-id", "region", "az-id", "flow-direction", "ecs-cluster-arn",
         "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id", "ecs-container-id",
         "ecs-service-name", "reject-reason"}
def iso(t):
    ms = t if t > 2**31 - 1 else t * 1000
    s = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return "%s.%03dZ" % (s, ms % 1000)
def get(d, path):
    for p in path.split("."):
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d
def expect(d, path, v):
    assert get(d, path) == v, (base, path, get(d, path), v)
for d, r in zip(docs, recs):
    v = lambda k: r.get(k)
    expect(d, "cloud.provider", "aws")
    expect(d, "event.kind", "event")
    expect(d, "cloud.account.id", v("account-id"))
    expect(d, "cloud.instance.id", v("instance-id"))
    expect(d, "cloud.region", v("region"))
    expect(d, "cloud.availability_zone", v("az-id"))
    for side, k in (("source", "srcaddr"), ("destination", "dstaddr")):
        a = v(k)
        expect(d, side + ".ip", a)
        expect(d, side + ".address", a)
        expect(d, side + ".port", v(k[:3] + "port"))
    expect(d, "source.bytes", v("bytes"))
    expect(d, "network.bytes", v("bytes"))
    expect(d, "source.packets", v("packets"))
    expect(d, "network.packets", v("packets"))
    expect(d, "network.type", None if v("srcaddr") is None else
           "ipv4" if ipaddress.ip_address(v("srcaddr")).version == 4 else "ipv6")
    p = v("protocol")
    expect(d, "network.iana_number", None if p is None else str(p))
    expect(d, "network.transport", None if p is None else TRANSPORT.get(p))
    expect(d, "network.direction", v("flow-direction"))
    act = v("action")
    expect(d, "event.action", act and act.lower())
    expect(d, "event.outcome", {"ACCEPT": "success", "REJECT": "failure", None: None}[act])
    expect(d, "event.type", ["connection"] + {"ACCEPT": ["allowed"], "REJECT": ["denied"], None: []}[act])
    expect(d, "event.reason", v("reject-reason"))
    # cat normalises milliseconds to seconds: the document keeps the second
    for k in ("start", "end"):
        t = get(d, "event." + k)
        assert (t is None) == (v(k) is None) and (t is None or t[:19] == iso(v(k))[:19]), (base, k, t, v(k))
    if v("end") is not None:
        expect(d, "@timestamp", get(d, "event.end"))
    ips = []
    for k in r:
        if k in ("srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr") and r[k] is not None and r[k] not in ips:
            ips.append(r[k])
    expect(d, "related.ip", ips or None)
    expect(d, "orchestrator.cluster.name", v("ecs-cluster-name"))
    expect(d, "container.id", v("ecs-container-id"))
    expect(d, "service.name", v("ecs-service-name"))
    aws = dict(get(d, "aws.vpcflow") or {})
    flags = aws.pop("tcp_flags_array", None)
    want_flags = [n for b, n in enumerate(["fin", "syn", "rst", "psh", "ack", "urg"]) if (v("tcp-flags") or 0) >> b & 1]
    assert flags == (want_flags or None), (base, flags, want_flags)
    want = {k.replace("-", "_"): x for k, x in r.items() if k not in HOMES and x is not None}
    assert aws == want, (base, aws, want)
    traffic = v("srcaddr") is not None and v("dstaddr") is not None
    assert ("vpcflow" in d) == traffic, (base, d)
    if traffic:
        assert d["vpcflow"]["cost_num"].isdigit()
        assert abs(d["vpcflow"]["cost_usd"] - int(d["vpcflow"]["cost_num"]) / 2**30 / 1e12) < 1e-9
print("%s: %d documents" % (base.rsplit("/", 1)[1], len(docs)))
PY
}

for f in "$ROOT"/tests/data/ecs/*.log; do
    check "$(basename "$f" .log)" "$f"
done
check samples-v2 "$ROOT/tests/data/samples/default-v2.log.gz"
check samples-v5 "$ROOT/tests/data/samples/custom-v5.log"
check cloudwatch --format '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}' "$ROOT/tests/data/samples/cloudwatch-export.log"
T=$ROOT/examples/vpc/topology
ENRICH=(--subnets "$T/describe-subnets.json" --enis "$T/describe-network-interfaces.json" --ip-ranges "$T/ip-ranges.json")
check example "$ROOT/examples/vpc/AWSLogs"
echo "ecs_documents: ok"
