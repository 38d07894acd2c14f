#!/bin/sh
# scripts/man.sh — writes the manual pages from the texts they document, so that they cannot
# drift: vpcflow(1) and vpcflow-COMMAND(1) hold the tool's own `vpcflow --help`, `vpcflow help
# fields` and `vpcflow help COMMAND` text verbatim (no-fill roff, one output line per help line),
# libvpcflow(3) the public header's conventions and every function it declares, by section, with
# examples/c/top_cross_az.c as its example.
#
#   scripts/man.sh VPCFLOW OUTDIR     (make man: OUTDIR is BUILD/man; needs only sh, sed, awk)
set -eu
vpcflow=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
version=$("$vpcflow" --version | sed 's/^vpcflow //')
mkdir -p "$out/man1" "$out/man3"

# roff for text kept as it is: escapes for the characters roff reads, and a zero-width glyph
# before a leading '.' or quote so that no line becomes a request
esc() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/'/\\\\(aq/g" -e 's/`/\\(ga/g' -e 's/~/\\(ti/g' \
        -e 's/\^/\\(ha/g' -e 's/^\([.]\)/\\\&\1/'
}
head_() { # $1 page name, $2 section, $3 one-line description
    printf "'\\\\\" -*- coding: UTF-8 -*-\n"
    printf '.TH %s %s "" "vpcflow %s" "vpcflow manual"\n' "$(echo "$1" | tr a-z A-Z | esc)" "$2" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$(echo "$1" | esc)" "$(echo "$3" | esc)"
}
verbatim() { # stdin: text, printed one line per line
    printf '.nf\n'
    esc
    printf '.fi\n'
}

# the commands and their one-line descriptions, from the "Commands:" block of --help
commands=$("$vpcflow" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
    on && /^  [a-z]+  / { print $1 }' | grep -vx help)
seealso=$(for c in $commands; do printf '.BR vpcflow\\-%s (1),\n' "$c"; done)

{
    head_ vpcflow 1 "AWS VPC Flow Logs: where the data-transfer bill comes from, and what misbehaves"
    printf '.SH DESCRIPTION\n'
    "$vpcflow" --help | verbatim
    printf '.SH FIELDS\n'
    "$vpcflow" help fields | verbatim
    printf '.SH SEE ALSO\n%s\n.BR libvpcflow (3)\n' "$seealso"
} >"$out/man1/vpcflow.1"

for c in $commands; do
    desc=$("$vpcflow" --help | awk -v c="$c" '/^Commands:/ { on = 1; next } on && /^$/ { exit }
        on && $1 == c { sub(/^  [a-z]+ +/, ""); print }')
    {
        head_ "vpcflow-$c" 1 "$desc"
        printf '.SH DESCRIPTION\n'
        "$vpcflow" help "$c" | verbatim
        printf '.SH SEE ALSO\n.BR vpcflow (1),\n%s\n.BR libvpcflow (3)\n' "$(printf '%s\n' "$seealso" | grep -v "vpcflow\\\\-$c ")"
    } >"$out/man1/vpcflow-$c.1"
done

# libvpcflow(3): the header's first comment, then each "---- section ----" with the
# declarations of its exported functions, one per line
hdr=$root/include/vpcflow.h
{
    head_ libvpcflow 3 "read, classify and cost AWS VPC Flow Logs (the library of vpcflow)"
    printf '.SH SYNOPSIS\n'
    printf '#include <vpcflow.h>\n\ncc prog.c $(pkg-config --cflags --libs vpcflow)\n' | verbatim
    printf '.SH DESCRIPTION\n'
    awk 'NR == 1 { next } /^ \*\// { exit } { sub(/^ \* ?/, ""); print }' "$hdr" | verbatim
    printf '.SH FUNCTIONS\n'
    printf 'Every function the header declares, by the section of\n.I vpcflow.h\nthat explains it.\n'
    awk '/^\/\* ---- .* -+ \*\/$/ {
             s = $0; sub(/^\/\* ---- /, "", s); sub(/ -+ \*\/$/, "", s)
             section = s; next
         }
         /^VPCFLOW_API / { decl = ""; in_decl = 1 }
         in_decl {
             line = $0; sub(/^ +/, "", line); decl = decl (decl == "" ? "" : " ") line
             if (line ~ /;/ || line ~ /\)$/ && decl ~ /VPCFLOW_DEPRECATED/) {
                 in_decl = 0
                 sub(/;.*/, ";", decl); sub(/^VPCFLOW_API /, "", decl)
                 sub(/ *VPCFLOW_DEPRECATED\(.*\)/, "", decl)
                 if (section != shown) { printf "\n%s:\n", section; shown = section }
                 print "    " decl
             }
         }' "$hdr" | verbatim
    printf '.SH EXAMPLE\n'
    printf 'The cross\\-AZ traffic of a directory of flow logs, by pair of availability zones\n'
    printf '(examples/c/top_cross_az.c in the source tree):\n'
    verbatim <"$root/examples/c/top_cross_az.c"
    printf '.SH SEE ALSO\n.BR vpcflow (1),\n.BR pkg\\-config (1)\n'
} >"$out/man3/libvpcflow.3"
