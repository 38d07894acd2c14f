#!/usr/bin/env python3
"""bench/rusage.py — wall time and peak RSS of one command, where GNU time is absent.

  rusage.py RESULT_FILE COMMAND [ARGS...]

Runs COMMAND with this process's stdin, stdout and stderr, then writes
"SECONDS MAXRSS_KB" to RESULT_FILE and exits with the command's status. The clock starts
just before the fork, so Python's own start-up is not counted; the peak RSS comes from the
child's rusage (wait4), as GNU time's %M does. The kernel keeps the forked copy's peak across
exec, so a command whose peak is below this interpreter's own RSS (about 10 MB) reads as that:
a floor, not an offset. bench/run.sh measures the floor with `true` and reports it.
"""
import os
import sys
import time


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    result, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - t0
    with open(result, "w") as fh:
        fh.write("%.6f %d\n" % (seconds, usage.ru_maxrss))
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
