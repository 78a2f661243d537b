"""labrun's supervisor zygote: starts supervisors by forking itself.

    python3 -S -E labrun_zygote.py

A Python start-up costs about as much CPU as a short script; forking an interpreter that is up
already costs a millisecond. Reads one STATE_DIR per line on stdin; for each, forks a child that
runs exactly what `labrun_supervisor.py STATE_DIR` would. See docs/architecture.md ("The
zygote"). Standard library only, like the supervisor it imports.
"""

import gc
import os
import selectors
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labrun_supervisor  # noqa: E402 - the folder above is where it lives
from labrun_supervisor import READ_SIZE, drain, ensure_std_fds, say  # noqa: E402


class Zygote(object):
    """Starts supervisors by forking itself. Reads one STATE_DIR per line on stdin; for each, forks
    a child that runs exactly what `labrun_supervisor.py STATE_DIR` would (its own session, stdin on
    /dev/null, stdout and stderr appended to STATE_DIR/supervisor.log) and writes
    `started PID STATE_DIR` on stdout (`failed STATE_DIR<tab>WHY` if it cannot fork); the child
    writes `ready PID` there once its script runs (supervisor.json is written); the zygote writes
    `exited PID CODE` when a child ends. Lines are short, so writes from several processes never
    mix. At the end of stdin it ends; its children go on."""

    def __init__(self):
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        self.sel = selectors.DefaultSelector()

    def tell(self, line):
        data = (line + "\n").encode("utf-8", "surrogateescape")
        while data:
            data = data[os.write(1, data):]

    def run(self):
        if sys.platform.startswith("linux"):
            try:
                labrun_supervisor.libc()  # every supervisor needs it: load it once, here
            except (OSError, ImportError):
                pass
        # What is loaded so far is shared with every child: keep the collector of a child from
        # walking it (and copying the pages it touches).
        gc.freeze()
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # only to wake the loop
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl-C is for labrun to handle
        self.sel.register(0, selectors.EVENT_READ)
        self.sel.register(self.wake_r, selectors.EVENT_READ)
        pending = b""
        while True:
            for key, _ in self.sel.select():
                if key.fd == self.wake_r:
                    drain(self.wake_r)
                    continue
                data = os.read(0, READ_SIZE)
                if not data:
                    self.reap()
                    return 0
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if line.strip():
                        self.spawn(line.decode("utf-8", "surrogateescape"))
            self.reap()

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
            self.tell("exited %d %d" % (pid, code))

    def spawn(self, state_dir):
        try:
            pid = os.fork()
        except OSError as e:
            self.tell("failed %s\t%s" % (state_dir, e))
            return
        if pid == 0:
            os._exit(self.child(state_dir))
        self.tell("started %d %s" % (pid, state_dir))

    def child(self, state_dir):
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            for fd in (self.wake_r, self.wake_w, self.sel.fileno()):
                os.close(fd)
            ready = os.dup(1)  # the zygote's stdout: `ready PID` goes there once the script runs
            null = os.open(os.devnull, os.O_RDWR)
            log = os.open(os.path.join(state_dir, "supervisor.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(null, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.close(null)
            os.close(log)
            os.chdir(state_dir)
            code = labrun_supervisor.main(["labrun_supervisor.py", state_dir], ready)
        except BaseException:  # noqa: B036 - whatever happens, this child must end here
            say(traceback.format_exc())
        return code


def main(argv):
    if len(argv) != 1:
        say("usage: python3 labrun_zygote.py (state folders on stdin, one per line)")
        return 2
    ensure_std_fds()
    return Zygote().run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
