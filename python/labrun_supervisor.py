"""labrun's supervisor: runs one script under a state folder and records how it went.

    python3 labrun_supervisor.py STATE_DIR

Reads STATE_DIR/launch.json; writes supervisor.json, output.log and exit.json there, and runs
finalize_argv when the script has ended and the labrun process that started it is gone. The
protocol is in docs/architecture.md ("The supervisor protocol"). labrun_zygote.py starts the same
supervisor by forking, to spare each run a Python start-up. Standard library only; runs on Python
3.8 and later, on any POSIX system, as whoever runs the script.
"""

import codecs
import collections
import json
import os
import selectors
import signal
import subprocess
import sys
import time
import traceback

TAIL_BYTES = 1 << 20       # output kept past the log limit: the last MiB
QUIET = 0.1                # a partial line is flushed after this long without new data...
MAX_WAIT = 1.0             # ...or when it has waited this long (a progress bar never goes quiet)
MAX_CHUNK = 64 << 10       # a partial line this long is flushed at once
READ_SIZE = 64 << 10
DRAIN_AFTER_EXIT = 1.0     # how long pipes held open by leftover processes are still read
DEFAULT_LOG_LIMIT = 64 << 20


def now_ms():
    return time.time_ns() // 1000000


def escape(text):
    """Log text escaping: backslash, tab, CR, LF and NUL become two-character escapes."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\0" in text:
        text = text.replace("\0", "\\0")
    return text


def write_atomically(path, data, durable=True):
    """Temp file and rename: a reader sees the whole file or none. `durable` also fsyncs it first,
    for records that must survive a crash of the machine (exit.json, not supervisor.json, whose
    processes would not survive it either)."""
    tmp = "%s.tmp-%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(json.dumps(data).encode("utf-8"))
        while view:
            view = view[os.write(fd, view):]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def ensure_std_fds():
    """Points closed fds 0-2 at /dev/null, so files we open never take their numbers (and so
    never become the script's stdio) and a stray write never fails."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def say(message):
    """Writes to our own stderr, which may be closed or a pipe nobody reads."""
    try:
        os.write(2, (message + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


class Output(object):
    """output.log: appends whole records, applies the log limit and keeps the tail past it."""

    def __init__(self, path, limit):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.limit = limit
        self.stored = 0
        self.over = False
        self.tail = collections.deque()
        self.tail_size = 0
        self.dropped = 0
        self.pending = []

    def record(self, tag, text, ms=None):
        rec = ("%d\t%s\t%s\n" % (now_ms() if ms is None else ms, tag, escape(text))).encode("utf-8", "replace")
        if tag == "s":
            self.pending.append(rec)
            return
        size = len(text.encode("utf-8", "replace")) + (1 if tag in "oe" else 0)
        if not self.over and self.stored + size <= self.limit:
            self.stored += size
            self.pending.append(rec)
            return
        if not self.over:
            self.over = True
            self.note("output is over the log limit of %d bytes: from here on only the last %d bytes are kept"
                      % (self.limit, TAIL_BYTES))
        self.tail.append((rec, size))
        self.tail_size += size
        while self.tail_size > TAIL_BYTES and len(self.tail) > 1:
            _, dropped = self.tail.popleft()
            self.tail_size -= dropped
            self.dropped += dropped

    def note(self, text):
        self.record("s", text)

    def flush(self):
        if not self.pending:
            return
        data = b"".join(self.pending)
        self.pending = []
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as e:  # a full disk must not stop the run; the loss is counted
            self.dropped += len(view)
            say("labrun supervisor: cannot write output.log: %s" % e)

    def finish(self):
        if self.over:
            self.note("%d bytes of output were dropped (over the log limit of %d bytes); the last %d bytes follow"
                      % (self.dropped, self.limit, self.tail_size))
            self.pending.extend(rec for rec, _ in self.tail)
            self.tail.clear()
        self.flush()


class Stream(object):
    """One pipe of the script: splits it into lines, flushing a pending partial line in time."""

    def __init__(self, fd, line_tag, chunk_tag, output):
        self.fd = fd
        self.line_tag = line_tag
        self.chunk_tag = chunk_tag
        self.output = output
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.partial = ""
        self.first = 0.0   # when the pending partial line began
        self.last = 0.0    # when data last came

    def feed(self, data, now):
        text = self.decoder.decode(data)
        if not text:
            return
        if not self.partial:
            self.first = now
        self.last = now
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        ms = now_ms()
        for line in lines:
            self.output.record(self.line_tag, line, ms)
        if not self.partial:
            return
        if len(lines) > 0:
            self.first = now
        if len(self.partial) >= MAX_CHUNK:
            self.flush()

    def due(self):
        """When the pending partial line must be flushed, or None."""
        return min(self.last + QUIET, self.first + MAX_WAIT) if self.partial else None

    def flush(self, final=False):
        if final:
            self.partial += self.decoder.decode(b"", True)
        if self.partial:
            self.output.record(self.chunk_tag, self.partial)
            self.partial = ""


class Supervisor(object):
    def __init__(self, state_dir, launch, ready_fd=None):
        self.state_dir = state_dir
        self.launch = launch
        self.ready_fd = ready_fd  # told `ready PID` once the script runs (by the zygote's children)
        self.grace = float(launch.get("kill_grace_seconds", 10) or 0)
        self.timeout = launch.get("timeout_seconds")
        self.cancel_signal = None
        self.output = Output(os.path.join(state_dir, "output.log"), int(launch.get("log_limit_bytes") or DEFAULT_LOG_LIMIT))
        self.child = None
        self.pgid = None
        self.term_at = None
        self.kill_at = None
        self.canceled = False
        self.timed_out = False

    # -- start -------------------------------------------------------------------------------

    def child_env(self):
        env = dict(os.environ)
        env.update({str(k): str(v) for k, v in (self.launch.get("env") or {}).items()})
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.setdefault("LABRUN_METRICS_DIR", os.path.join(self.state_dir, "metrics"))
        here = os.path.dirname(os.path.abspath(__file__))  # azureml.logging and labrun live here
        path = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        if here not in path:
            env["PYTHONPATH"] = os.pathsep.join([here] + path)
        return env

    def start(self):
        argv = [str(a) for a in self.launch["argv"]]
        cwd = self.launch.get("cwd")
        env = self.child_env()
        try:
            os.makedirs(env["LABRUN_METRICS_DIR"], exist_ok=True)
        except OSError:
            pass  # the script may still run; its metrics will say why they are missing
        copy_from = self.launch.get("copy_from")
        if copy_from and cwd:
            # The run's own copy of its project (a container's working folder, filled from a
            # read-only mount): symlinks stay links, modes and times are kept.
            import shutil  # here: most runs never need it, and every run pays for an import
            try:
                shutil.copytree(copy_from, cwd, symlinks=True, dirs_exist_ok=True)
            except (OSError, shutil.Error) as e:
                return 127, "cannot copy the project into the working folder %s: %s" % (cwd, e)
        if cwd and not os.path.isdir(cwd):
            return 127, "working folder not found: %s" % cwd
        try:
            # The original made ./outputs before the script started, and scripts rely on it
            # (savefig('./outputs/x.png') without a makedirs).
            os.makedirs(os.path.join(cwd or os.getcwd(), "outputs"), exist_ok=True)
        except OSError:
            pass  # a file named outputs in the project: the script sees what it would have seen
        try:
            self.child = subprocess.Popen(
                argv, cwd=cwd or None, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True, close_fds=True)
        except FileNotFoundError:
            return 127, "program not found: %s" % argv[0]
        except PermissionError:
            return 126, "program not executable: %s" % argv[0]
        except OSError as e:
            return 126, "cannot start %s: %s" % (argv[0], e.strerror or e)
        self.pgid = self.child.pid  # a new session: the child leads its own process group
        write_atomically(os.path.join(self.state_dir, "supervisor.json"), {
            "pid": os.getpid(), "child_pid": self.child.pid, "child_pgid": self.pgid, "started_ms": now_ms()}, durable=False)
        self.tell_ready()
        return None

    def tell_ready(self):
        if self.ready_fd is None:
            return
        try:
            os.write(self.ready_fd, ("ready %d\n" % os.getpid()).encode())
        except OSError:
            pass  # nobody listens any more: labrun finds supervisor.json anyway
        os.close(self.ready_fd)
        self.ready_fd = None

    # -- stopping ------------------------------------------------------------------------------

    def signal_group(self, sig):
        try:
            os.killpg(self.pgid, sig)
            return True
        except (ProcessLookupError, PermissionError):
            return False

    def group_alive(self):
        return self.signal_group(0)

    def stop(self, why):
        """TERM to the script's process group now, KILL after the grace period."""
        if self.term_at is not None:
            return
        self.output.note(why)
        self.term_at = time.monotonic()
        self.kill_at = self.term_at + self.grace
        self.signal_group(signal.SIGTERM)

    def on_cancel(self, signum, frame):
        self.cancel_signal = signum

    # -- the pump ------------------------------------------------------------------------------

    def run(self):
        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGTERM, self.on_cancel)
        signal.signal(signal.SIGINT, self.on_cancel)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # only to wake the loop
        become_subreaper()
        failed = self.start()
        if failed is not None:
            code, error = failed
            self.output.note(error)
            self.output.finish()
            return self.finish(code, None, error)
        sel = selectors.DefaultSelector()
        sel.register(wake_r, selectors.EVENT_READ, None)
        streams = []
        for pipe, tags in ((self.child.stdout, "oO"), (self.child.stderr, "eE")):
            fd = pipe.fileno()
            os.set_blocking(fd, False)
            stream = Stream(fd, tags[0], tags[1], self.output)
            sel.register(fd, selectors.EVENT_READ, stream)
            streams.append(stream)
        self.pump(sel, streams, wake_r)
        for stream in streams:
            stream.flush(final=True)
        self.output.finish()
        rc = self.child.returncode
        if rc < 0:
            return self.finish(128 - rc, -rc, None)
        return self.finish(rc, None, None)

    def pump(self, sel, streams, wake_r):
        started = time.monotonic()
        timeout_at = started + float(self.timeout) if self.timeout is not None else None
        exited_at = None
        gave_up_at = None
        while True:
            now = time.monotonic()
            if exited_at is None and self.child.poll() is not None:
                exited_at = now
            if exited_at is None and self.term_at is None:  # the first reason to stop wins
                if self.cancel_signal is not None:
                    self.canceled = True
                    self.stop("canceled (signal %d): stopping the script: SIGTERM, SIGKILL after %gs"
                              % (self.cancel_signal, self.grace))
                elif timeout_at is not None and now >= timeout_at:
                    self.timed_out = True
                    self.stop("timed out after %gs: stopping the script: SIGTERM, SIGKILL after %gs"
                              % (float(self.timeout), self.grace))
            elif exited_at is not None:
                reap_orphans()
                open_pipes = len(sel.get_map()) > 1
                if not open_pipes and not self.group_alive():
                    break
                if self.term_at is None and (not open_pipes or now - exited_at >= DRAIN_AFTER_EXIT):
                    self.stop("the script ended but left processes running: stopping them")
                if gave_up_at is not None and now >= gave_up_at:
                    if open_pipes:
                        self.output.note("processes outside the script's group still hold its output open: "
                                         "no longer reading it")
                    break
            if self.kill_at is not None and now >= self.kill_at:
                self.kill_at = None
                if self.signal_group(signal.SIGKILL):
                    self.output.note("still running after %gs: sent SIGKILL" % self.grace)
                gave_up_at = now + DRAIN_AFTER_EXIT
            self.output.flush()
            wait = self.next_wait(now, streams, timeout_at, exited_at)
            for key, _ in sel.select(wait):
                if key.data is None:
                    drain(wake_r)
                else:
                    self.read(sel, key.data)
            now = time.monotonic()
            for stream in streams:
                due = stream.due()
                if due is not None and now >= due:
                    stream.flush()

    def next_wait(self, now, streams, timeout_at, exited_at):
        wakes = [now + (0.05 if exited_at is not None else 1.0)]
        wakes.extend(t for t in (s.due() for s in streams) if t is not None)
        if self.kill_at is not None:
            wakes.append(self.kill_at)
        if timeout_at is not None and exited_at is None:
            wakes.append(timeout_at)
        return max(0.0, min(wakes) - now)

    def read(self, sel, stream):
        try:
            data = os.read(stream.fd, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            stream.feed(data, time.monotonic())
        else:
            sel.unregister(stream.fd)
            stream.flush(final=True)

    # -- the end -------------------------------------------------------------------------------

    def finish(self, exit_code, sig, error):
        # The record is fsynced when no labrun process watches the run: then it is the only record
        # of the run's end until labrun looks again, perhaps after a crash of the machine. A labrun
        # that watches records the end in its history at once.
        watched = alive(self.launch.get("parent_pid"))
        write_atomically(os.path.join(self.state_dir, "exit.json"), {
            "exit_code": exit_code, "signal": sig, "ended_ms": now_ms(), "canceled": self.canceled,
            "timed_out": self.timed_out, "error": error, "dropped_output_bytes": self.output.dropped,
            "outputs": has_files(os.path.join(self.launch.get("cwd") or os.getcwd(), "outputs"))},
            durable=not watched)
        finalize = self.launch.get("finalize_argv")
        if finalize and not watched:
            try:
                subprocess.Popen([str(a) for a in finalize], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True,
                                 cwd=self.state_dir)
            except OSError as e:
                self.output.note("cannot run finalize_argv %s: %s" % (finalize[0], e))
                self.output.flush()
        return 0


def has_files(folder):
    """True when folder exists and holds anything: an empty ./outputs (made for the script) has nothing to copy out."""
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def drain(fd):
    try:
        while os.read(fd, 512):
            pass
    except OSError:
        pass


def become_subreaper():
    """Makes orphans of the script's processes our children rather than init's (Linux), so that
    reap_orphans() reaps them at once. Without it, a zombie left in the script's group (e.g. the
    process-substitution subshell of Spark's spark-class, orphaned when spark-submit exits) keeps
    the group alive until init gets round to reaping it, which some inits do seconds later."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc().prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError, ImportError):
        pass


_LIBC = []


def libc():
    """The C library through ctypes, loaded once: the zygote loads it before forking supervisors,
    which then do not each pay for importing ctypes (a millisecond or two of CPU per run)."""
    if not _LIBC:
        import ctypes
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


def reap_orphans():
    """Reaps children other than the script (orphans adopted as a subreaper, or as pid 1 in a container),
    so a finished process group is seen as gone. Only called once the script was reaped."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def alive(pid):
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    except (OSError, ValueError, OverflowError):
        return False


def forget_secrets(path, launch):
    """The launch record holds the run's secrets (its environment, its arguments) for as long as they
    are needed: until this supervisor has read them. labrun put them as it shows them under "shown"
    (one redaction rule, labrun's); the file keeps only those from now on. Rewritten in place, so it
    keeps its owner and its mode (0600)."""
    shown = launch.get("shown")
    if not shown:
        return
    kept = dict(launch)
    del kept["shown"]
    kept["env"] = shown.get("env", {})
    kept["argv"] = shown.get("argv", launch.get("argv"))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(json.dumps(kept).encode("utf-8"))
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as e:
        say("cannot remove the secrets from %s: %s" % (path, e))


def main(argv, ready_fd=None):
    """Supervises the run of STATE_DIR (argv[1]). `ready_fd`, when given (by labrun_zygote.py), is
    told `ready PID` once the script runs."""
    if len(argv) != 2:
        say("usage: python3 labrun_supervisor.py STATE_DIR")
        return 2
    ensure_std_fds()
    state_dir = os.path.abspath(argv[1])
    try:
        os.setsid()  # our own session: a closed terminal or a Ctrl-C of the CLI does not reach us
    except OSError:
        pass  # already a process group leader: keep the one we have
    supervisor = None
    try:
        with open(os.path.join(state_dir, "launch.json"), "rb") as f:
            launch = json.loads(f.read().decode("utf-8"))
        forget_secrets(os.path.join(state_dir, "launch.json"), launch)
        supervisor = Supervisor(state_dir, launch, ready_fd)
        return supervisor.run()
    except BaseException as e:  # record why, so the run does not look lost
        detail = traceback.format_exc()
        error = "supervisor failed: %s: %s" % (type(e).__name__, e)
        say(detail)
        try:
            if supervisor is not None:
                if supervisor.pgid is not None:
                    supervisor.signal_group(signal.SIGKILL)
                supervisor.output.note(detail)
                supervisor.output.flush()
            write_atomically(os.path.join(state_dir, "exit.json"), {
                "exit_code": 1, "signal": None, "ended_ms": now_ms(), "canceled": False, "timed_out": False,
                "error": error, "dropped_output_bytes": 0})
        except Exception:
            pass
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
