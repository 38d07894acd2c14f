#!/usr/bin/env bash
# completion.sh — the shell completions scripts/completion.sh writes offer what the help lists:
# bash, run as bash runs it, completes the commands of `vpcflow --help` after `vpcflow`, and
# after `vpcflow CMD -` exactly the options `vpcflow help CMD` lists (found as help_options.sh
# finds them); so does zsh's _vpcflow, run by zsh with stand-ins for the completion system's
# _describe, compadd and _files that print what they are given, and compinit picks it up.
set -euo pipefail
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-completion-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$ROOT/scripts/completion.sh" "$VPCFLOW" "$TMP"
cat >"$TMP/zsh-driver" <<'ZSH'
compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else print -l -- "$@"; fi }
_describe() { print -l -- ${${(P)2}%%:*} }
_files() { print -- FILES }
words=("${(@)argv[2,-1]}"); CURRENT=$#words; PREFIX=${words[-1]}
source $1
ZSH
python3 - "$VPCFLOW" "$TMP" <<'PY'
import re, subprocess, sys
vpcflow, tmp = sys.argv[1:]
run = lambda *a: subprocess.run(a, capture_output=True, text=True, check=True).stdout
main = run(vpcflow, "--help")
commands = re.findall(r"^  ([a-z]+)  ", main.split("Commands:")[1].split("\n\n")[0], re.M)
assert len(commands) >= 11 and "help" in commands, commands

def complete(*words):  # what bash offers for the last word of `vpcflow WORDS...`
    script = 'source %s/vpcflow.bash; COMP_WORDS=(vpcflow %s); COMP_CWORD=%d; _vpcflow; printf "%%s\\n" "${COMPREPLY[@]}"' % (
        tmp, " ".join("'%s'" % w for w in words), len(words))
    return set(run("bash", "-c", script).split())

def zcomplete(*words):  # what _vpcflow offers for the last word of `vpcflow WORDS...`
    return set(run("zsh", tmp + "/zsh-driver", tmp + "/_vpcflow", "vpcflow", *words).split())

bad = []
if complete("") != set(commands) | {"--help", "--version"}:
    bad.append("vpcflow <TAB>: %s" % sorted(complete("")))
if complete("help", "") != (set(commands) - {"help"}) | {"fields"}:
    bad.append("vpcflow help <TAB>: %s" % sorted(complete("help", "")))
if zcomplete("") != set(commands):
    bad.append("zsh: vpcflow <TAB>: %s" % sorted(zcomplete("")))
if zcomplete("help", "") != set(commands) | {"fields"}:
    bad.append("zsh: vpcflow help <TAB>: %s" % sorted(zcomplete("help", "")))
if zcomplete("top", "x") != {"FILES"}:
    bad.append("zsh: vpcflow top x<TAB> does not complete files")
n = 0
for cmd in commands:
    if cmd == "help":
        continue
    opts = []
    for line in run(vpcflow, "help", cmd).splitlines():
        if re.match(r"^  +-", line):
            opts += re.findall(r"(?:^|[ ,])(--?[A-Za-z][A-Za-z-]*)", re.split(r"\s{2,}", line.strip())[0])
    want = set(opts)
    n += len(want)
    got = complete(cmd, "-")
    if got != want:
        bad.append("vpcflow %s -<TAB>: missing %s, extra %s" % (cmd, sorted(want - got), sorted(got - want)))
    if complete(cmd, "--wh") != {o for o in want if o.startswith("--wh")}:
        bad.append("vpcflow %s --wh<TAB>: %s" % (cmd, complete(cmd, "--wh")))
    if zcomplete(cmd, "-") != want:
        bad.append("zsh: vpcflow %s -<TAB>: missing %s, extra %s" % (cmd, sorted(want - zcomplete(cmd, "-")),
                                                                   sorted(zcomplete(cmd, "-") - want)))
print("\n".join(bad) if bad else "bash and zsh complete %d commands and %d options" % (len(commands), n))
sys.exit(1 if bad else 0)
PY
zsh -n "$TMP/_vpcflow" || { echo "_vpcflow is not valid zsh"; exit 1; }
[ "$(zsh -fc 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$1/zcompdump"; print -- $_comps[vpcflow]' zsh "$TMP")" = _vpcflow ] ||
    { echo "compinit does not take _vpcflow for vpcflow"; exit 1; }
