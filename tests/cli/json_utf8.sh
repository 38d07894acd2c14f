#!/usr/bin/env bash
# json_utf8.sh — every JSON writer writes valid UTF-8 JSON whatever bytes the logs hold: a
# stray 0xFF, a truncated sequence, an overlong form, a surrogate, a code point beyond
# U+10FFFF, a lone continuation byte each become U+FFFD, and valid UTF-8 (é) stays as it is.
# Writers: cat and filter --output jsonl, top and timeline --output json, summary --output json
# (owner labels, the cost driver, notes), alerts and watch (keys and examples). Text and CSV
# copy the bytes as they are (docs/reliability.md).
set -eu
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=$(mktemp -d /tmp/vpcflow-json-utf8-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# bad.log: two REJECT records per case, the bytes in account-id and interface-id;
# one.log: one ENI whose id is not UTF-8 sending to the internet (owner labels, the driver).
python3 - "$TMP" <<'PY'
import sys
bad = [b'\xff', b'\xe2\x82', b'\xc0\xaf', b'\xed\xa0\x80', b'\xf4\x90\x80\x80', b'\x80', b'\xc3', b'ok\xc3\xa9']
lines = [b'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status']
t = 1793491240
for i, b in enumerate(bad):
    for k in range(2):
        lines.append(b'2 1234%s eni-%s%d 10.0.1.%d 10.0.2.9 4%04d 22 6 10 %d %d %d REJECT OK'
                     % (b, b, i, i + 5, i, 1000 + i, t + i + k, t + i + k + 60))
open(sys.argv[1] + '/bad.log', 'wb').write(b'\n'.join(lines) + b'\n')
open(sys.argv[1] + '/one.log', 'wb').write(
    b'2 123456789012 eni-\xff\xc0 10.0.1.5 198.51.100.1 40000 443 6 10 50000000 1793491240 1793491300 ACCEPT OK\n')
open(sys.argv[1] + '/rules.json', 'w').write(
    '{"examples": 3, "rules": [{"name": "by-eni", "pattern": "action=REJECT", "group_by": "interface-id",'
    ' "min_records": 1, "window": "1h"}]}')
PY

# check NAME lines|whole FILE: valid UTF-8, parses as JSON (each line, or the whole), and holds
# U+FFFD (each invalid sequence was replaced, not dropped)
check() {
    python3 - "$@" <<'PY' || fail "$1"
import json, sys
name, how, path = sys.argv[1:4]
data = open(path, 'rb').read()
text = data.decode('utf-8')  # raises on any byte that is not UTF-8
docs = [l for l in text.splitlines() if l] if how == 'lines' else [text]
assert docs, 'no output'
for d in docs:
    json.loads(d)
assert '\ufffd' in text, 'no U+FFFD: the invalid bytes were not in the output'
PY
}

V=$VPCFLOW
ENIS=$ROOT/examples/vpc/topology/describe-network-interfaces.json
$V cat --output jsonl "$TMP/bad.log" >"$TMP/cat" && check cat lines "$TMP/cat"
$V filter --output jsonl 'REJECT' "$TMP/bad.log" >"$TMP/filter" && check filter lines "$TMP/filter"
$V top --by interface-id,account-id --output json "$TMP/bad.log" >"$TMP/top" && check top whole "$TMP/top"
$V timeline --by interface-id --output json "$TMP/bad.log" >"$TMP/tl" && check timeline whole "$TMP/tl"
$V summary --output json "$TMP/one.log" >"$TMP/sum" && check summary whole "$TMP/sum"
$V summary --output json --enis "$ENIS" "$TMP/one.log" >"$TMP/sum2" && check summary-notes whole "$TMP/sum2"
$V alerts --rules "$TMP/rules.json" "$TMP/bad.log" >"$TMP/alerts" && check alerts lines "$TMP/alerts"
$V watch --rules "$TMP/rules.json" - <"$TMP/bad.log" >"$TMP/watch" 2>/dev/null && check watch lines "$TMP/watch"

# each case's replacement, exactly: the valid é kept, one U+FFFD per byte that starts no
# valid sequence (a truncated or overlong sequence is one per byte too)
python3 - "$TMP/cat" <<'PY' || fail "cat: the replacement of each case"
import json, sys
ids = [json.loads(l)['interface-id'] for l in open(sys.argv[1], encoding='utf-8')][::2]
R = '\ufffd'
want = ['eni-%s0' % R, 'eni-%s1' % (R * 2), 'eni-%s2' % (R * 2), 'eni-%s3' % (R * 3), 'eni-%s4' % (R * 4),
        'eni-%s5' % R, 'eni-%s6' % R, 'eni-ok\u00e97']
assert ids == want, ids
PY

# text and CSV: the bytes as they are
$V cat "$TMP/bad.log" >"$TMP/text"
LC_ALL=C grep -q $'eni-\xff0' "$TMP/text" || fail "text: the 0xFF byte is not kept"
$V cat --output csv "$TMP/bad.log" >"$TMP/csv"
LC_ALL=C grep -q $'eni-\xe2\x821' "$TMP/csv" || fail "csv: the truncated sequence is not kept"
$V help cat | grep -q 'U+FFFD in jsonl' || fail "help cat does not say what happens to bytes that are not UTF-8"
echo "json_utf8: every JSON writer wrote valid UTF-8 JSON"
