#!/usr/bin/env bash
# dataloss_duplicates.sh — a file reached twice (named twice, through a symbolic link to it or
# to a directory already walked) is read once, with a warning naming both paths; a link loop
# ends. Each case: the paths, then the records `summary` must count and the warnings it must
# give (`cat` must print the same number of lines as the file holds once).
set -euo pipefail
dir=$(mktemp -d /tmp/vpcflow-dup-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
mkdir -p t/sub t/other
cp "$SAMPLES/default-v2.log" t/a.log
ln -s ../a.log t/sub/link.log    # a link to a file already walked
ln -s .. t/sub/up                # a link loop
ln -s ../sub t/other/again       # a second way to the same directory
ln t/a.log t/other/hard.log      # a hard link
once=$("$VPCFLOW" cat --no-progress t/a.log | wc -l)
records=$("$VPCFLOW" summary -o json --no-progress t/a.log | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
fail=0
while IFS='|' read -r paths warnings; do
    # shellcheck disable=SC2086
    got=$(timeout 20 "$VPCFLOW" summary -o json --no-progress $paths 2>"$dir/err" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])') || { echo "FAIL [$paths]: summary failed"; cat "$dir/err"; fail=1; continue; }
    w=$(grep -c 'the same \(file\|directory\) as' "$dir/err" || true)
    # shellcheck disable=SC2086
    lines=$(timeout 20 "$VPCFLOW" cat --no-progress $paths 2>/dev/null | wc -l)
    if [ "$got" != "$records" ] || [ "$w" != "$warnings" ] || [ "$lines" != "$once" ]; then
        echo "FAIL [$paths]: records $got (want $records), warnings $w (want $warnings), cat lines $lines (want $once)"
        cat "$dir/err"
        fail=1
    fi
done <<'CASES'
t/a.log t/a.log|1
t/a.log t/a.log t/a.log|2
t/a.log ./t/a.log t|6
t|4
t/sub|4
t/sub/link.log t/a.log|1
CASES
# the warning names the path skipped and the path it duplicates
"$VPCFLOW" cat t/a.log t/a.log 2>&1 >/dev/null | grep -q "^vpcflow: warning: t/a.log: the same file as 't/a.log'" ||
    { echo "FAIL: warning text"; fail=1; }
exit $fail
