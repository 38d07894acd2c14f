#!/bin/sh
# scripts/completion.sh — writes the bash and zsh completions of vpcflow from the tool's own
# help, so that they list exactly the commands of `vpcflow --help` and, for each, the options
# its `vpcflow help COMMAND` lists (the first column of each option line).
#
#   scripts/completion.sh VPCFLOW OUTDIR   (make completion: writes OUTDIR/vpcflow.bash and
#                                           OUTDIR/_vpcflow; needs only sh, sed, awk)
set -eu
vpcflow=$1 out=$2
mkdir -p "$out"

# "name<TAB>description" for each command of the "Commands:" block of --help
commands=$("$vpcflow" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
    on && /^  [a-z]+  / { name = $1; sub(/^  [a-z]+ +/, ""); print name "\t" $0 }')
names=$(printf '%s\n' "$commands" | cut -f1 | tr '\n' ' ' | sed 's/ $//')

options() { # $1 command: the options its help lists, in order, each once
    "$vpcflow" help "$1" | awk '/^  +-/ {
        line = $0; sub(/^ +/, "", line); sub(/  .*/, "", line)
        n = split(line, w, /[ ,]+/)
        for (i = 1; i <= n; i++)
            if (match(w[i], /^--?[A-Za-z][A-Za-z-]*/)) {
                o = substr(w[i], 1, RLENGTH)
                if (!(o in seen)) { seen[o] = 1; printf "%s%s", sep, o; sep = " " }
            }
    } END { print "" }'
}

{
    echo '# bash completion for vpcflow (written by scripts/completion.sh from vpcflow'"'"'s help)'
    echo '_vpcflow() {'
    echo '    local cur=${COMP_WORDS[COMP_CWORD]} opts'
    echo '    if [ "$COMP_CWORD" -eq 1 ]; then'
    echo "        COMPREPLY=(\$(compgen -W '$names --help --version' -- \"\$cur\"))"
    echo '        return'
    echo '    fi'
    echo '    case ${COMP_WORDS[1]} in'
    for c in $names; do
        if [ "$c" = help ]; then
            echo "    help) [ \"\$COMP_CWORD\" -eq 2 ] && COMPREPLY=(\$(compgen -W '$(echo "$names" | sed 's/ *help//') fields' -- \"\$cur\")); return ;;"
        else
            echo "    $c) opts='$(options "$c")' ;;"
        fi
    done
    echo '    *) return ;;'
    echo '    esac'
    echo '    # options; anything else completes as a file name (complete -o default)'
    echo '    [[ $cur == -* ]] && COMPREPLY=($(compgen -W "$opts" -- "$cur"))'
    echo '}'
    echo 'complete -o bashdefault -o default -F _vpcflow vpcflow'
} >"$out/vpcflow.bash"

{
    echo '#compdef vpcflow'
    echo '# zsh completion for vpcflow (written by scripts/completion.sh from vpcflow'"'"'s help)'
    echo 'local -a subcmds opts'
    echo 'subcmds=('
    printf '%s\n' "$commands" | sed -e "s/'/'\\\\''/g" -e 's/:/\\:/g' -e "s/\t/:/" -e "s/^/    '/" -e "s/\$/'/"
    echo ')'
    echo 'if (( CURRENT == 2 )); then'
    echo "    _describe 'command' subcmds"
    echo '    return'
    echo 'fi'
    echo 'case $words[2] in'
    for c in $names; do
        if [ "$c" = help ]; then
            echo "    help) (( CURRENT == 3 )) && { _describe 'command' subcmds; compadd fields; }; return ;;"
        else
            echo "    $c) opts=($(options "$c")) ;;"
        fi
    done
    echo '    *) return 1 ;;'
    echo 'esac'
    echo 'if [[ $PREFIX == -* ]]; then'
    echo '    compadd -a opts'
    echo 'else'
    echo '    _files'
    echo 'fi'
} >"$out/_vpcflow"
