#!/usr/bin/env bash
# completion.sh — the shell completions scripts/completion.sh writes offer what the help lists:
# bash, run as bash runs it, completes the commands of `vpcflow --help` after `vpcflow`, and
# after `vpcflow CMD -` exactly the options `vpcflow help CMD` lists (found as help_options.sh
# finds them); the zsh file is valid zsh and lists the same options for each command.
set -euo pipefail
: "${ROOT:?set ROOT to the repository}" "${VPCFLOW:?set VPCFLOW to the vpcflow binary}"
TMP=$(mktemp -d /tmp/vpcflow-completion-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$ROOT/scripts/completion.sh" "$VPCFLOW" "$TMP"
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

bad = []
if complete("") != set(commands) | {"--help", "--version"}:
    bad.append("vpcflow <TAB>: %s" % sorted(complete("")))
if complete("help", "") != (set(commands) - {"help"}) | {"fields"}:
    bad.append("vpcflow help <TAB>: %s" % sorted(complete("help", "")))
zsh = open(tmp + "/_vpcflow").read()
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
    m = re.search(r"^    %s\) opts=\(([^)]*)\) ;;$" % cmd, zsh, re.M)
    if not m or set(m.group(1).split()) != want:
        bad.append("_vpcflow: the options of %s differ from its help" % cmd)
    if not re.search(r"^    '%s:" % cmd, zsh, re.M):
        bad.append("_vpcflow: no description of %s" % cmd)
print("\n".join(bad) if bad else "bash and zsh complete %d commands and %d options" % (len(commands), n))
sys.exit(1 if bad else 0)
PY
zsh -n "$TMP/_vpcflow" || { echo "_vpcflow is not valid zsh"; exit 1; }
