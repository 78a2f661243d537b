"""labrun's thin client: hands a command to the user's resident labrun process (the daemon).

bin/labrun runs it as `python3 -I -S labrun_client.py JAVA JAR JSA ARGS...`. It connects to the
daemon's Unix domain socket (starting the daemon if there is none, under a lock so that two
clients start one), sends the command (arguments, folder, whole environment, process id, which
standard streams are terminals), then relays: the command's stdout and stderr to its own, kept
apart; its own stdin only when the command reads (so `--password-stdin` and y/N questions work);
Ctrl-C to the command; and exits with the command's exit code. Frames: see
io.labrun.cli.daemon.Frames. Exit code 222 tells bin/labrun to run the command in a JVM of its own
(no daemon could be reached or started, or the command needs one); nothing was done then.

Standard library only, and only the low-level modules (_socket, _signal, select, fcntl), so that
it starts in a few milliseconds.
"""
import os
import sys

import _signal
import _socket
import select

RUN_DIRECTLY = 222
DAEMON_GONE = 70


def trace(message):
    if os.environ.get("LABRUN_TRACE") == "1":
        import time
        os.write(2, ("[trace] client %7.1f ms: %s\n" % ((time.monotonic() - STARTED) * 1e3, message)).encode())


def socket_folder():
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        folder = os.path.join(runtime, "labrun")
    else:
        folder = "/tmp/labrun-%d" % os.getuid()
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not (st.st_mode & 0o170000 == 0o040000) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise PermissionError("%s must be a folder of uid %d with mode 0700 (it is uid %d, mode %o); not using the daemon"
                              % (folder, os.getuid(), st.st_uid, st.st_mode & 0o7777))
    return folder


def connect(path):
    s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        s.connect(path)
        return s
    except OSError:
        s.close()
        return None


def start_daemon(java, jar, jsa, path, base):
    """Starts the daemon (its own session, stdio to its log) and waits for its socket."""
    import fcntl
    import time
    lock = os.open(base + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        s = connect(path)
        if s is not None:
            return s  # another client started it meanwhile
        import subprocess
        cmd = [java, "-XX:+UseSerialGC", "-Xss1m", "-Xmx" + os.environ.get("LABRUN_DAEMON_HEAP", "512m"),
               "-XX:+IgnoreUnrecognizedVMOptions", "-Xlog:disable", "-Xlog:all=off"]
        if jsa and os.path.isfile(jsa) and os.stat(jsa).st_mtime >= os.stat(jar).st_mtime:
            cmd.append("-XX:SharedArchiveFile=" + jsa)
        cmd += ["-cp", jar, "io.labrun.cli.daemon.Daemon", path]
        env = dict(os.environ)
        env.pop("LABRUN_TRACE", None)  # the daemon's own output is its log; traces are per command
        log = os.open(base + ".log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        trace("starting the daemon: %s" % " ".join(cmd))
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd="/", env=env,
                             start_new_session=True, close_fds=True)
        os.close(log)
        deadline = time.monotonic() + float(os.environ.get("LABRUN_DAEMON_START_TIMEOUT", "60"))
        while time.monotonic() < deadline:
            s = connect(path)
            if s is not None:
                return s
            if p.poll() is not None:
                trace("the daemon exited with %s at start (see %s.log)" % (p.returncode, base))
                return None
            time.sleep(0.01)
        trace("the daemon did not answer in time (see %s.log)" % base)
        return None
    finally:
        os.close(lock)


def request(args):
    def field(v):
        return v if isinstance(v, bytes) else str(v).encode()
    fields = [b"1", os.getpid(), os.getcwdb(), int(os.isatty(0)), int(os.isatty(1)), int(os.isatty(2)), len(args)]
    fields += [os.fsencode(a) for a in args]
    env = [k + b"=" + v for k, v in os.environb.items() if b"\0" not in k + v]
    fields.append(len(env))
    fields += env
    return b"\0".join(field(f) for f in fields)


def frame(kind, payload=b""):
    return kind + len(payload).to_bytes(4, "big") + payload


def write_all(fd, data, broken):
    if fd in broken:
        return
    try:
        while data:
            data = data[os.write(fd, data):]
    except BrokenPipeError:
        broken.add(fd)  # e.g. `| head`: the rest is dropped, as a labrun of its own would
    except OSError:
        broken.add(fd)


def ask_secret(prompt):
    """A secret typed at the terminal without echo, for the command (b"" when there is no terminal)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return b""
    import termios
    try:
        old = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        # Echo off (dropping what was typed before the question) and only then the question: an
        # answer typed as soon as it shows must not be dropped.
        termios.tcsetattr(fd, termios.TCSAFLUSH, quiet)
        os.write(fd, prompt.encode("utf-8"))
        line = b""
        try:
            while not line.endswith(b"\n"):
                chunk = os.read(fd, 1024)
                if not chunk:
                    break
                line += chunk
        finally:
            termios.tcsetattr(fd, termios.TCSAFLUSH, old)
            os.write(fd, b"\n")
        return line.rstrip(b"\r\n")
    except (OSError, termios.error):
        return b""
    finally:
        os.close(fd)


def relay(s, log_hint):
    """Relays frames until the command is done; returns its exit code."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    interrupted = []
    _signal.signal(_signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    _signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    buf = b""
    pull = 0
    stdin_done = False
    broken = set()
    while True:
        watched = [s, wake_r] + ([0] if pull and not stdin_done else [])
        ready, _, _ = select.select(watched, [], [])
        if wake_r in ready:
            os.read(wake_r, 512)
        while interrupted:
            interrupted.pop()
            s.sendall(frame(b"C"))
        if 0 in ready:
            try:
                data = os.read(0, pull)
            except OSError:
                data = b""
            pull = 0
            if data:
                s.sendall(frame(b"I", data))
            else:
                stdin_done = True
                s.sendall(frame(b"E"))
        if s in ready:
            try:
                chunk = s.recv(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                os.write(2, ("labrun: the labrun daemon stopped before the command ended (its log: %s); "
                             "run the command again, or with LABRUN_DAEMON=0\n" % log_hint).encode())
                return DAEMON_GONE
            buf += chunk
            while len(buf) >= 5:
                n = int.from_bytes(buf[1:5], "big")
                if len(buf) < 5 + n:
                    break
                kind, payload, buf = buf[0:1], buf[5:5 + n], buf[5 + n:]
                if kind == b"1":
                    write_all(1, payload, broken)
                elif kind == b"2":
                    write_all(2, payload, broken)
                elif kind == b"P":
                    if stdin_done:
                        s.sendall(frame(b"E"))
                    else:
                        pull = int.from_bytes(payload, "big")
                elif kind == b"Q":
                    s.sendall(frame(b"S", ask_secret(payload.decode("utf-8", "replace"))))
                elif kind == b"D":
                    return int.from_bytes(payload, "big", signed=True)
                elif kind == b"F":
                    return RUN_DIRECTLY


def main():
    java, jar, jsa = sys.argv[1:4]
    args = sys.argv[4:]
    if args[:1] == ["computetarget"] and ("-w" in args or "--password" in args):
        return RUN_DIRECTLY  # a password typed at a no-echo prompt (System.console()) needs a labrun of its own
    try:
        folder = socket_folder()
        st = os.stat(jar)
        req = request(args)  # fails when the current folder is gone: a labrun of its own says so
    except PermissionError as e:
        os.write(2, ("labrun: warning: %s\n" % e).encode())
        return RUN_DIRECTLY
    except OSError as e:
        trace("no daemon: %s" % e)
        return RUN_DIRECTLY
    # The build's id: a rebuilt jar (new inode, size or time) gets a daemon of its own.
    base = os.path.join(folder, "labrun-%x-%x-%x" % (st.st_ino, st.st_size, st.st_mtime_ns))
    path = base + ".sock"
    s = connect(path)
    if s is None:
        if args[:1] == ["daemon"]:
            json_out = any(a in ("-ojson", "--output=json") for a in args) or any(
                a in ("-o", "--output") and b == "json" for a, b in zip(args, args[1:]))
            os.write(1, b'{\n  "running" : false\n}\n' if json_out else b"labrun daemon: not running\n")
            return 3 if args[1:2] == ["status"] else 0
        s = start_daemon(java, jar, jsa, path, base)
        if s is None:
            return RUN_DIRECTLY
    trace("connected to %s" % path)
    try:
        s.sendall(frame(b"R", req))
    except OSError as e:
        trace("the daemon did not take the command: %s" % e)
        return RUN_DIRECTLY
    code = relay(s, base + ".log")
    trace("done, exit code %d" % code)
    return code


if __name__ == "__main__":
    if os.environ.get("LABRUN_TRACE") == "1":
        import time
        STARTED = time.monotonic()
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130  # Ctrl-C before the command was handed over: nothing was done
    os._exit(code)
