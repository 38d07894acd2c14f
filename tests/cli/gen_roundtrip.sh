#!/usr/bin/env bash
# gen_roundtrip.sh — vpcflow-gen's data read back by `vpcflow cat` agrees with its truth.json
# (record count, byte sum, NODATA/SKIPDATA counts, no malformed line), for every format and
# layout, and the generator is deterministic.
set -eu
: "${GEN:?set GEN to the vpcflow-gen binary}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
TMP=$(mktemp -d /tmp/vpcflow-gen-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Compares `vpcflow cat --output csv --fields bytes,log-status` ($2) with truth.json ($1) and
# checks that the topology JSON parses: one python3 run per data set, as it starts slowly.
compare() {
    python3 - "$1" "$2" <<'EOF'
import csv, json, os, sys
d = os.path.dirname(sys.argv[1])
for f in ("describe-subnets.json", "describe-network-interfaces.json", "ip-ranges.json"):
    json.load(open(os.path.join(d, "topology", f)))
t = json.load(open(sys.argv[1]))
assert t["records_malformed"] == 0 and t["summary"]["records"] == t["records"], "truth.json totals"
assert t["summary"]["bytes_logged"] == t["bytes_logged"], "truth.json bytes_logged"
want = (t["records"], t["records_nodata"], t["records_skipdata"], t["bytes_logged"])
ok = nodata = skip = total = 0
with open(sys.argv[2], newline="") as fh:
    r = csv.reader(fh)
    assert next(r) == ["bytes", "log-status"], "csv header"
    for bytes_, status in r:
        if status == "OK":
            ok += 1
            total += int(bytes_)
        elif status == "NODATA":
            nodata += 1
        elif status == "SKIPDATA":
            skip += 1
        else:
            sys.exit("unexpected log-status %r" % status)
got = (ok, nodata, skip, total)
if got != want:
    sys.exit("vpcflow cat gives %s (ok nodata skipdata bytes), truth.json %s" % (got, want))
print("%d records, %d NODATA, %d SKIPDATA, %d bytes" % got)
EOF
}

check() { # $1 dir, $2 input path, $3 label
    "$VPCFLOW" cat --output csv --fields bytes,log-status "$2" >"$TMP/cat.csv" 2>"$TMP/cat.err" ||
        fail "$3: vpcflow cat exited $?: $(head -3 "$TMP/cat.err")"
    if grep -qi malformed "$TMP/cat.err"; then fail "$3: malformed lines: $(head -3 "$TMP/cat.err")"; fi
    local got
    got=$(compare "$1/truth.json" "$TMP/cat.csv" 2>&1) || fail "$3: $got"
    echo "ok $3: $got"
}

for format in default v3 v5; do
    for layout in s3 flat; do
        d=$TMP/$format-$layout
        "$GEN" --size 5M --seed 11 --format $format --layout $layout "$d" 2>"$TMP/gen.err" ||
            fail "$format/$layout: vpcflow-gen failed: $(cat "$TMP/gen.err")"
        if [ $layout = s3 ]; then
            n=$(find "$d/AWSLogs" -name '*.log.gz' | wc -l)
            [ "$n" -gt 1 ] || fail "$format/s3: $n files"
            first=$(find "$d/AWSLogs" -name '*.log.gz' | sort | head -1)
            gzip -dc "$first" | head -1 | grep -q '^[a-z-]* [a-z-]*' || fail "$format/s3: no header line"
            check "$d" "$d/AWSLogs" "$format/$layout"
        else
            check "$d" "$d/flows.log" "$format/$layout"
        fi
    done
done

# the same options give the same bytes, another seed does not
"$GEN" --size 5M --seed 11 --format v5 --layout both "$TMP/a" 2>/dev/null
"$GEN" --size 5M --seed 11 --format v5 --layout both "$TMP/b" 2>/dev/null
(cd "$TMP/a" && find . -type f | sort | xargs sha256sum) >"$TMP/a.sum"
(cd "$TMP/b" && find . -type f | sort | xargs sha256sum) >"$TMP/b.sum"
cmp -s "$TMP/a.sum" "$TMP/b.sum" || fail "two runs with seed 11 differ: $(diff "$TMP/a.sum" "$TMP/b.sum" | head -5)"
"$GEN" --size 5M --seed 12 --format v5 --layout flat "$TMP/c" 2>/dev/null
cmp -s "$TMP/a/flows.log" "$TMP/c/flows.log" && fail "seeds 11 and 12 give the same flows.log"
check "$TMP/a" "$TMP/a/flows.log" "v5/both flat"
check "$TMP/a" "$TMP/a/AWSLogs" "v5/both s3"
echo "ok deterministic"

# --plain writes the same tree uncompressed
"$GEN" --size 5M --seed 11 --format v5 --layout s3 --plain "$TMP/p" 2>/dev/null
check "$TMP/p" "$TMP/p/AWSLogs" "v5/s3 plain"

# --records lands on the exact count of record lines
"$GEN" --records 20000 --seed 4 --format default --layout flat "$TMP/r" 2>/dev/null
lines=$(($(wc -l <"$TMP/r/flows.log") - 1))
[ "$lines" = 20000 ] || fail "--records 20000 wrote $lines record lines"

# the distinct scenario: the heavy hitters are the exact top sources
"$GEN" --scenario distinct --records 50000 --distinct-sources 20000 --heavy 5 --seed 3 --truth "$TMP/d.json" \
    --stdout 2>/dev/null >"$TMP/d.log"
python3 - "$TMP/d.log" "$TMP/d.json" <<'EOF' || fail "distinct scenario"
import collections, json, sys
b, f = collections.Counter(), collections.Counter()
with open(sys.argv[1]) as fh:
    assert next(fh).startswith("version account-id")
    for line in fh:
        p = line.split()
        b[p[3]] += int(p[9])
        f[p[3]] += 1
t = json.load(open(sys.argv[2]))
assert sum(f.values()) == t["records"] == 50000, sum(f.values())
assert len(b) == t["distinct_sources"] == 20005, len(b)
top = sorted(b.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
assert [(k, v, f[k]) for k, v in top] == [(x["key"], x["bytes"], x["flows"]) for x in t["top_srcaddr"]], top
EOF
echo "ok distinct"
