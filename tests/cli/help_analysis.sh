#!/usr/bin/env bash
# help_analysis.sh — each command's help lists every topology, cost and selection option it
# accepts: an option of that block (the one summary, top and timeline share) that a command's
# `vpcflow help CMD` does not list must be refused by it as an unknown option, so no command
# takes an option its help (and so its man page) keeps quiet about. help_options.sh checks the
# other way: every option listed is accepted.
set -euo pipefail
: "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
block="--subnets --enis --ip-ranges --topology --region --prices --free-tier --action --since --until --memory --no-dedup"
flags=" --free-tier --no-dedup "
commands=$("$VPCFLOW" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
    on && /^  [a-z]+  / && $1 != "help" { print $1 }')
# the block as summary's help has it: every option of it is there
for o in $block; do
    "$VPCFLOW" help summary | grep -E -- "^ +([^ ].*[ ,])?$o( |,|$)" >/dev/null || { echo "summary's help lacks $o"; exit 1; }
done
fail=0 listed=0 refused=0
for c in $commands; do
    "$VPCFLOW" help "$c" | grep -E '^ +-' | sed -E 's/^ +//; s/  .*//' >/tmp/vpcflow-help-analysis.$$
    for o in $block; do
        if grep -E -- "(^|[ ,])$o( |,|$)" /tmp/vpcflow-help-analysis.$$ >/dev/null; then
            listed=$((listed + 1))
            continue
        fi
        case $flags in *" $o "*) args=("$o") ;; *) args=("$o" x) ;; esac
        rc=0
        "$VPCFLOW" "$c" "${args[@]}" /nonexistent </dev/null >/dev/null 2>/tmp/vpcflow-help-analysis-err.$$ || rc=$?
        if [ $rc = 2 ] && grep -F "unknown option '$o'" /tmp/vpcflow-help-analysis-err.$$ >/dev/null; then
            refused=$((refused + 1))
        else
            echo "$c accepts $o (exit $rc: $(head -1 /tmp/vpcflow-help-analysis-err.$$)) but its help does not list it"
            fail=1
        fi
    done
done
rm -f /tmp/vpcflow-help-analysis.$$ /tmp/vpcflow-help-analysis-err.$$
[ $fail = 0 ]
echo "$listed analysis options listed where accepted, $refused refused where not listed"
