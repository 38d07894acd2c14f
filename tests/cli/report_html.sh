#!/usr/bin/env bash
# report_html.sh — `vpcflow report --html`: on generated data the page's numbers are those of
# `summary`, `timeline`, `top` and `alerts --output json` on the same input (its data block is
# compared whole, and every bar and heat-map cell against it), the headline names the planted
# cost driver; headless Chromium renders it with the right number of bars and cells, makes no
# network request, and a <script> and an <img onerror> planted in ENI descriptions stay text;
# the README's screenshot is made the same way (a PNG).
set -euo pipefail
dir=$(mktemp -d /tmp/vpcflow-report-XXXXXX)
trap 'rm -rf "$dir"' EXIT
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "report_html: chromium is not installed (scripts/deps.sh installs it)" >&2
    exit 1
fi
chrome() { # chromium's headless mode, cut off from the network, with a profile of its own
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --no-first-run --user-data-dir="$dir/profile" --host-resolver-rules="MAP * ~NOTFOUND" "$@" 2>>"$dir/chrome.err"
}

# ---- generated data: every number is the other commands' ------------------------------------
"$GEN" --size 8M --format default --layout both --seed 11 "$dir/g" 2>/dev/null
topo="$dir/g/topology"
T=(--subnets "$topo/describe-subnets.json" --enis "$topo/describe-network-interfaces.json"
    --ip-ranges "$topo/ip-ranges.json")
data="$dir/g/AWSLogs"
"$VPCFLOW" report --no-progress --html "$dir/g.html" --every 1h --bill-usd 1 "${T[@]}" "$data"
"$VPCFLOW" summary --no-progress --output json --bill-usd 1 "${T[@]}" "$data" >"$dir/summary.json"
"$VPCFLOW" timeline --no-progress --output json --by class --every 1h "${T[@]}" "$data" >"$dir/timeline.json"
"$VPCFLOW" top --no-progress --output json --by src-az,dst-az --class cross-az -n 0 "${T[@]}" "$data" >"$dir/az.json"
"$VPCFLOW" top --no-progress --output json --by dstport "${T[@]}" "$data" >"$dir/ports.json"
"$VPCFLOW" top --no-progress --output json --by dstport --action REJECT "${T[@]}" "$data" >"$dir/reject_ports.json"
"$VPCFLOW" top --no-progress --output json --by srcaddr --action REJECT "${T[@]}" "$data" >"$dir/reject_sources.json"
"$VPCFLOW" alerts --no-progress --output json "${T[@]}" "$data" >"$dir/alerts.jsonl"
"$VPCFLOW" advise --no-progress --output json "${T[@]}" "$data" >"$dir/advice.json"
chrome --dump-dom "file://$dir/g.html" >"$dir/g.dom"
python3 - "$dir" <<'PY'
import html.parser, json, re, sys
d = sys.argv[1]
page = open(f"{d}/g.html", encoding="utf-8").read()
dom = open(f"{d}/g.dom", encoding="utf-8").read()
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)

m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
check(m, "no data block")
data = json.loads(m.group(1))
for name in ["summary", "timeline", "az", "ports", "reject_ports", "reject_sources"]:
    want = json.load(open(f"{d}/{name}.json"))
    got = data[name]
    if got != want:
        keys = sorted(k for k in set(want) | set(got) if got.get(k) != want.get(k))
        bad.append(f"{name}: differs from the command's JSON in {keys}")
advice = json.load(open(f"{d}/advice.json"))
check(data["advice"] == advice, "advice: differs from vpcflow advise --output json")
check(len(advice["actions"]) > 0, "advice: no action on the generator's data")
check(dom.count("<tr data-kind=") == len(advice["actions"]),
      f"advice: {dom.count('<tr data-kind=')} rows drawn, {len(advice['actions'])} actions")
check(dom.find('<tr data-kind="%s"' % advice["actions"][0]["kind"]) >= 0 and
      (dom.find("<tr data-kind=") < dom.find('id="driver"')), "advice: not at the top of the page")
alerts = [json.loads(l) for l in open(f"{d}/alerts.jsonl") if l.strip()]
check(data["alerts"] == alerts, f"alerts: {len(data['alerts'])} in the page, {len(alerts)} from vpcflow alerts")
s = data["summary"]
check(sum(n["bytes"] for n in data["nat"]) == s["nat_processing"]["bytes"], "NAT bytes do not add up to nat_processing")

# the planted cost driver (the generator's NAT gateway) is named in the headline
truth = json.load(open(f"{d}/g/truth.json"))
drv = re.search(r'<p class="driver" id="driver">(.*?)</p>', page, re.S).group(1)
check(truth["planted"]["nat_gateway"] in drv and truth["planted"]["nat_addr"] in drv,
      "headline does not name the planted NAT gateway: " + drv)
check(html.unescape(re.sub("<[^>]+>", "", drv)).endswith(s["cost_driver"]), "headline is not summary's cost_driver")
check(f'data-total-usd="{s["cost_usd_total"]:.6f}"' in page or f'data-total-usd="{s["cost_usd_total"]}"' in page,
      "total cost differs")

# every mark of every chart, in the DOM Chromium built, against the data
class Marks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.chart, self.bars, self.cells, self.title = None, {}, {}, ""
        self.in_title = False
        self.alert_rows = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.chart = a.get("data-chart")
        if "data-bar" in a:
            self.bars.setdefault(self.chart, []).append(int(a["data-value"]))
        if "data-cell" in a:
            self.cells.setdefault(self.chart, []).append(int(a["data-value"]))
        if tag == "tr" and "data-alert" in a:
            self.alert_rows += 1
        self.in_title = tag == "title" and self.chart is None
    def handle_endtag(self, tag):
        if tag == "svg":
            self.chart = None
        self.in_title = False
    def handle_data(self, text):
        if self.in_title:
            self.title += text
marks = Marks()
marks.feed(dom)
classes = [c["bytes"] for c in s["classes"].values() if c["bytes"]]
check(marks.bars.get("classes") == classes, f"class bars {marks.bars.get('classes')} != {classes}")
tl = sorted(r["bytes"] for r in data["timeline"]["rows"] if r["bytes"])
check(sorted(marks.bars.get("timeline", [])) == tl, f"timeline: {len(marks.bars.get('timeline', []))} segments, {len(tl)} rows")
az = sorted(r["bytes"] for r in data["az"]["rows"])
check(sorted(marks.cells.get("az", [])) == az, f"az cells {marks.cells.get('az')} != {az}")
for side in ["top_senders", "top_receivers"]:
    for cls in ["cross-az", "internet-out"]:
        want = [t["bytes"] for t in s[side][cls]]
        chart = cls + "-" + side.split("_")[1]
        check(marks.bars.get(chart, []) == want, f"{chart} bars {marks.bars.get(chart)} != {want}")
for name, chart in [("ports", "ports"), ("reject_ports", "reject-ports"), ("reject_sources", "reject-sources")]:
    want = [r["bytes"] for r in data[name]["rows"]]
    check(marks.bars.get(chart, []) == want, f"{chart} bars {marks.bars.get(chart)} != {want}")
check(marks.bars.get("nat", []) == [n["bytes"] for n in data["nat"]], "nat bars")
check(marks.alert_rows == len(alerts), f"{marks.alert_rows} alert rows, {len(alerts)} alerts")
check(len(marks.bars.get("timeline", [])) > 24 and len(marks.cells.get("az", [])) == 6,
      f"expected more than 24 timeline segments and 6 AZ cells")

# nothing in the page asks for anything outside it
urls = re.findall(r'(?:src|href|action|srcset|poster|data)\s*=\s*["\']?\s*(?:https?:)?//|url\(|@import|https?://', page, re.I)
check(not urls, f"external references: {urls[:5]}")
check("Content-Security-Policy" in page and "default-src 'none'" in page, "no Content-Security-Policy")
for l in bad:
    print("report_html (generated):", l)
sys.exit(1 if bad else 0)
PY

# no request left the page: Chromium's log of network events (NetLog) lists every request a
# page starts (initiator: the page's origin, "null" for a file); the browser's own background
# requests ("not an origin") are not the page's. A page that does request shows the check works.
page_requests() { # FILE.html: the non-file URLs the page asked for, one a line
    rm -f "$dir/net.json"
    chrome --log-net-log="$dir/net.json" --dump-dom "file://$1" >/dev/null
    python3 - "$dir/net.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
kind = {v: k for k, v in j["constants"]["logEventTypes"].items()}
for e in j["events"]:
    p = e.get("params", {})
    url = p.get("url") or ""
    if kind[e["type"]] == "URL_REQUEST_START_JOB" and url and p.get("initiator") != "not an origin" \
            and not url.startswith("file:"):
        print(url)
PY
}
echo '<img src="http://probe.invalid/x.png"><script>fetch("https://probe.invalid/y")</script>' >"$dir/probe.html"
[ "$(page_requests "$dir/probe.html" | sort -u | wc -l)" = 2 ] || { echo "report_html: the NetLog check sees no request"; exit 1; }
requests=$(page_requests "$dir/g.html")
[ -z "$requests" ] || { echo "report_html: the page asked for: $requests"; exit 1; }

# ---- a page from crafted inputs: planted markup stays text, no script of theirs runs --------
"$VPCFLOW" report --no-progress --html "$dir/c.html" --title "<b>crafted</b>" \
    --subnets "$ROOT/tests/data/report/subnets.json" --enis "$ROOT/tests/data/report/enis.json" \
    "$ROOT/tests/data/report/crafted.log"
chrome --dump-dom "file://$dir/c.html" >"$dir/c.dom"
python3 - "$dir/c.html" "$dir/c.dom" <<'PY'
import re, sys
page, dom = open(sys.argv[1]).read(), open(sys.argv[2]).read()
bad = []
if "<title>&lt;b&gt;crafted&lt;/b&gt;</title>" not in dom:
    bad.append("the title changed: " + (re.search(r"<title>(.*?)</title>", dom) or [""])[0])
if re.search(r"<body[^>]*data-pwned", dom):
    bad.append("the planted onerror ran")
if "<script>document.title" in page or "<img src=x" in page or "<img" in dom:
    bad.append("planted markup is not escaped")
if "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" not in page:
    bad.append("the planted script is not shown as text")
if page.count("<script") != 2:
    bad.append(f"{page.count('<script')} script elements (2 expected: the data and the sort)")
if len(re.findall(r"data-bar", dom)) < 4 or len(re.findall(r"data-cell", dom)) != 1:
    bad.append("crafted page: charts missing")
for l in bad:
    print("report_html (crafted):", l)
sys.exit(1 if bad else 0)
PY

# ---- the screenshot of the bundled example (scripts/report-screenshot.sh makes docs/report.png)
"$ROOT/scripts/report-screenshot.sh" "$dir/shot.png" >/dev/null
python3 - "$dir/shot.png" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
ok = b[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", b[16:24])[0] == 1280
if not ok:
    print("report_html: the screenshot is not a 1280 px wide PNG")
sys.exit(0 if ok else 1)
PY

# usage errors say what is missing
set +e
"$VPCFLOW" report "$data" 2>"$dir/err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q -- "--html" "$dir/err" || { echo "report without --html: rc $rc"; exit 1; }
echo "report: page equals summary/timeline/top/alerts/advise JSON, Chromium draws every bar and cell, no request, crafted markup inert"
