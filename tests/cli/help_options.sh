#!/usr/bin/env bash
# help_options.sh — every option `vpcflow help CMD` lists is accepted by CMD, for every command
# `vpcflow --help` lists (alerts and watch listed --memory, --no-dedup, --prices and --free-tier
# and rejected them). An option the help lists that this table has no value for fails the test,
# so a new option gets tried too.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
: "${SAMPLES:=$(dirname "$0")/../data/samples}"
DATA=$(cd "$SAMPLES/.." && pwd)
TMP=$(mktemp -d /tmp/vpcflow-help-options-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
echo '{"rules": []}' >"$TMP/rules.json"
# `load` needs a server to say yes
source "$(dirname "$0")/../tools/pg.sh"
PG_CLEANUP='rm -rf "$TMP"'
pg_start || true
python3 - "$VPCFLOW" "$DATA" "$TMP" "$PG_DSN" <<'PY'
import re, subprocess, sys
vpcflow, data, tmp, dsn = sys.argv[1:]
log = data + "/samples/default-v2.log"
values = {  # option -> its value (None: a flag)
    "--format": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
    "-n": "5", "--threads": "2", "--strict": None, "--quiet": None, "--progress": None, "--no-progress": None,
    "--fields": "srcaddr,bytes", "--count": None, "--invert": None,
    "--bill-gb": "10", "--bill-usd": "1.5", "--by": "srcaddr", "--metric": "bytes", "--class": "cross-az",
    "--where": "action=REJECT", "--every": "1h",
    "--subnets": data + "/samples/describe-subnets.json", "--enis": data + "/samples/describe-network-interfaces.json",
    "--ip-ranges": data + "/samples/ip-ranges.sample.json", "--topology": data + "/topology/samples-topology.json",
    "--region": "us-east-1", "--prices": data + "/prices/override.json", "--free-tier": None,
    "--action": "REJECT", "--since": "2020-01-01", "--until": "2040-01-01", "--memory": "64M", "--no-dedup": None,
    "--rules": tmp + "/rules.json", "--only": "port-scan", "--print-rules": None,
    "--exit-at-eof": None, "--from-end": None, "--poll": "100", "--lateness": "600", "--max-keys": "1000",
    "--to": "csv", "--out": tmp + "/convert", "--partition": "day", "--compression": "snappy",
    "--history": data + "/history/config", "--at": "2026-11-03T10:00:00Z",
    "--dsn": dsn, "--table": "help_table", "--schema": "public", "--rollup": "1h", "--reload": None,
    "--index": "flows", "--egress-gb": "100", "--min-net": "0.01",
    "--html": tmp + "/report.html", "--title": "a title",
    "--notify": "exec:cat >/dev/null", "--notify-rate": "5", "--notify-timeout": "2", "--fetch": "cat {key}",
    "--max-invocations": "1",
}
# options whose value depends on the command, and what a command takes instead of a log
cmd_values = {"sql": {"--dialect": "duckdb", "--table": "flows", "--parquet": "out/"},
              "rightsize": {"--type": "m5.large", "--instances": data + "/rightsize/instances.json", "--any-family": None,
                            "--min-memory": "4", "--percentile": "95", "--headroom": "10", "--term": "3",
                            "--reserved": "1y-convertible-all-upfront", "--prices": data + "/rightsize/index-small.csv",
                            "--region": "us-east-1", "--os": "Linux"}}
operands = {"sql": ["top"], "owners": ["10.0.1.50"], "lambda": [data + "/samples/lambda-subscription-event.json"],
            "rightsize": [data + "/../../examples/vpc/metrics/cpu-i-0a1b2c3d4e5f60718.json"]}
output = {"cat": "text", "filter": "line", "summary": "json", "advise": "json", "top": "csv", "timeline": "csv", "alerts": "json",
          "watch": "json", "owners": "json", "rightsize": "csv"}
short = {"-o": "--output", "-f": "--fields", "-c": "--count", "-v": "--invert", "-j": "--threads", "-b": "--by",
         "-m": "--metric", "-w": "--where", "-e": "--every", "-h": "--help", "-d": "--dialect", "-t": "--table"}
main = subprocess.run([vpcflow, "--help"], capture_output=True, text=True).stdout
commands = re.findall(r"^  ([a-z]+)  ", main.split("Commands:")[1].split("\n\n")[0], re.M)
assert "alerts" in commands and "watch" in commands, commands
bad = []
tried = 0
for cmd in commands:
    if cmd == "help" or (cmd == "load" and not dsn):
        continue
    text = subprocess.run([vpcflow, "help", cmd], capture_output=True, text=True).stdout
    if text != subprocess.run([vpcflow, cmd, "--help"], capture_output=True, text=True).stdout:
        bad.append("'vpcflow help %s' differs from 'vpcflow %s --help'" % (cmd, cmd))
    opts = []
    for line in text.splitlines():
        if not re.match(r"^  +-", line):
            continue
        column = re.split(r"\s{2,}", line.strip())[0]
        opts += re.findall(r"(?:^|[ ,])(--?[A-Za-z][A-Za-z-]*)", column)
    for opt in dict.fromkeys(opts):
        name = short.get(opt, opt)
        if name == "--help":
            continue
        if name == "--output":
            value = output[cmd]
        elif name in cmd_values.get(cmd, {}):
            value = cmd_values[cmd][name]
        elif name not in values:
            bad.append("%s %s: no value known for this option: add it to help_options.sh" % (cmd, opt))
            continue
        else:
            value = values[name]
        args = [vpcflow, cmd, opt] + ([value] if value is not None else [])
        if cmd == "top" and name != "--by":
            args += ["--by", "srcaddr"]
        if cmd == "filter":
            args += ["action=ACCEPT"]
        if cmd == "cat" and name in ("--index", "--subnets", "--enis", "--ip-ranges", "--topology", "--region",
                                     "--prices", "--free-tier"):
            args += ["--output", "es-bulk"]  # the enrichment options and --index are es-bulk's
        if cmd == "watch" and name != "--exit-at-eof":
            args += ["--exit-at-eof"]
        if cmd == "load" and name != "--dsn":
            args += ["--dsn", dsn]
        if cmd == "load" and name != "--table":
            args += ["--table", "h%d" % tried]  # one table each: --rollup's is a rollup table
        if cmd == "convert" and name != "--to":
            args += ["--to", "parquet"]
        if cmd == "convert" and name != "--out":
            args += ["--out", tmp + "/convert"]
        if cmd == "owners" and name not in ("--enis", "--history", "--topology"):
            args += ["--history", data + "/history/config"]
        if cmd == "rightsize" and name not in ("--type", "--instances"):
            args += ["--type", "m5.large"]
        if cmd == "report" and name != "--html":
            args += ["--html", tmp + "/report.html"]
        if cmd == "sql" and name == "--parquet":
            args += ["--dialect", "duckdb"]
        args += operands.get(cmd, [log])
        r = subprocess.run(args, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        tried += 1
        if r.returncode != 0:
            bad.append("%s: exit %d: %s" % (" ".join(args[1:]), r.returncode, r.stderr.strip()[:300]))
print("%d options of %d commands tried" % (tried, len(commands) - 1))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
echo ok
