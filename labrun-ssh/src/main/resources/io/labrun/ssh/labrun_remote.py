"""labrun's helper on a remote host: the per-user object cache under ~/.labrun, run folders, and
the run's supervisor. Run as `PYTHON labrun_remote.py COMMAND ARGS...` from the user's home by
labrun over SSH; paths are relative to it. Standard library only; Python 3.6+.

Commands:
  missing                      stdin: "<sha256> <size>" per line; prints those not in the cache (or
                               changed there since they were stored: they are removed)
  sync WORK MANIFEST [RUN]     missing, then receive, in one exchange: stdin has the question ended
                               by a blank line; the answer (ended by a blank line) is printed
                               before the frames are read
  receive WORK MANIFEST [RUN]  stdin: frames "<sha256> <size>\\n<bytes>" then "end\\n"; stores them,
                               then writes the snapshot MANIFEST's files into WORK (a new folder),
                               then, given RUN, starts its supervisor (as start does)
  start RUN                    starts the supervisor on RUN (its launch.json there), detached
  alive RUN                    prints "alive" while RUN's supervisor runs, else "gone"
  cancel RUN                   SIGTERM to RUN's supervisor (SIGKILL to the script's group if the
                               supervisor is gone)
  clean RUN...                 removes run folders
  env ID SPEC [CONDA_YML]       builds the environment ~/.labrun/envs/ID once (a lock per id; kept
                               when ready): with micromamba/mamba/conda and CONDA_YML when the
                               host has one, else a venv with labrun_env.py SPEC
  runs                         prints the names of the run folders, one a line
  gc                           stdin: the ids of runs whose end labrun's history records, one a
                               line; removes the object cache and the folders of runs that are
                               over (see gc()); prints the bytes freed and the number of run
                               folders removed

The object cache has a lock (CACHE_LOCK): sync, receive and missing hold it shared from the
question to the last file written out, gc holds it alone while it empties the cache, so a cache
emptied by `labrun experiment clean` never takes the objects from under a submit on the same host.
"""
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys

ROOT = ".labrun"
OBJECTS = os.path.join(ROOT, "objects")
RUNS = os.path.join(ROOT, "runs")
ENVS = os.path.join(ROOT, "envs")
ENV_READY = ".labrun-ready"
CACHE_LOCK = os.path.join(ROOT, "objects.lock")
HERE = os.path.dirname(os.path.abspath(__file__))
# Cached objects are read-only, with this modification time. Working folders hard-link them (no
# copy of a large project per run); a run that still changes one in place (as root, or after a
# chmod) changes its mtime, and the next `missing` treats it as absent: it is sent again.
STORED_MTIME = 1000000000


def cache_lock(kind):
    """The object cache's lock, taken (fcntl.LOCK_SH or LOCK_EX) and held while the file is open."""
    os.makedirs(ROOT, exist_ok=True)
    lock = open(CACHE_LOCK, "a")
    try:
        fcntl.flock(lock, kind | fcntl.LOCK_NB)
    except OSError:
        if kind == fcntl.LOCK_EX:
            sys.stderr.write("labrun: waiting for a submit to this host to finish writing its files\n")
        fcntl.flock(lock, kind)
    return lock


def object_path(sha):
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise SystemExit("labrun_remote: not a sha256: %r" % sha)
    return os.path.join(OBJECTS, sha[:2], sha[2:])


def run_dir(arg):
    path = os.path.normpath(arg)
    if not path.startswith(RUNS + os.sep) or os.sep in path[len(RUNS) + 1:]:
        raise SystemExit("labrun_remote: not a run folder: %r" % arg)
    return path


def intact(path, size):
    try:
        st = os.stat(path)
    except OSError:
        return False
    if st.st_size == size and int(st.st_mtime) == STORED_MTIME and not st.st_mode & 0o222:
        return True
    os.unlink(path)  # changed by a run: not to be used again
    return False


def missing(lines):
    out = []
    for line in lines:
        words = line.split()
        if len(words) == 2 and not intact(object_path(words[0]), int(words[1])):
            out.append(words[0])
    sys.stdout.write("".join(s + "\n" for s in out))


def question():
    """Lines of stdin up to a blank line."""
    while True:
        line = sys.stdin.buffer.readline()
        if not line.strip():
            return
        yield line.decode("ascii")


def receive(work, manifest, run=None):
    stdin = sys.stdin.buffer
    tmpdir = os.path.join(OBJECTS, "tmp")
    os.makedirs(tmpdir, exist_ok=True)
    count = 0
    while True:
        header = stdin.readline().decode("ascii").split()
        if header == ["end"]:
            break
        if len(header) != 2:
            raise SystemExit("labrun_remote: bad frame header %r" % header)
        sha, size = header[0], int(header[1])
        target = object_path(sha)
        tmp = os.path.join(tmpdir, "%s.%d" % (sha, os.getpid()))
        digest = hashlib.sha256()
        with open(tmp, "wb") as f:
            left = size
            while left:
                chunk = stdin.read(min(left, 1 << 20))
                if not chunk:
                    raise SystemExit("labrun_remote: stream ended inside object %s" % sha)
                digest.update(chunk)
                f.write(chunk)
                left -= len(chunk)
        if digest.hexdigest() != sha:
            os.unlink(tmp)
            raise SystemExit("labrun_remote: object %s arrived damaged" % sha)
        os.chmod(tmp, 0o444)
        os.utime(tmp, (STORED_MTIME, STORED_MTIME))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(tmp, target)
        count += 1
    if run and os.path.exists(os.path.join(run, "supervisor.pid")):
        return  # a retry after a dropped connection: the run has started already, never start it twice
    files = materialize(manifest, work)
    sys.stderr.write("received %d objects, wrote %d files\n" % (count, files))
    if run:
        start(run)


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n == "x":
            out.append(chr(int(text[i + 2:i + 4], 16)))
            i += 4
            continue
        out.append({"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[n])
        i += 2
    return "".join(out)


def materialize(manifest, work):
    with open(object_path(manifest), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines[0] != "labrun-snapshot 1":
        raise SystemExit("labrun_remote: %s is not a snapshot manifest" % manifest)
    shutil.rmtree(work, ignore_errors=True)  # left by an attempt cut short
    os.makedirs(work)
    base = os.path.abspath(work)
    made = set()
    count = 0
    for line in lines[1:]:
        if not line:
            continue
        sha, _size, mode, path = line.split(" ", 3)
        rel = unescape(path)
        target = os.path.normpath(os.path.join(base, rel))
        if rel.startswith("/") or not target.startswith(base + os.sep):
            raise SystemExit("labrun_remote: snapshot path leaves its folder: %r" % rel)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        place(object_path(sha), target, mode)
        count += 1
    return count


def place(obj, target, mode):
    """A read-only file is a hard link to the cached object; an executable one is a copy."""
    if mode == "644":
        try:
            os.link(obj, target)
            return
        except OSError:
            pass  # another file system, or links not allowed: copy
    shutil.copyfile(obj, target)
    os.chmod(target, 0o755 if mode == "755" else 0o644)


def start(run):
    log = open(os.path.join(run, "supervisor.log"), "ab")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "labrun_supervisor.py"), os.path.abspath(run)],
                         cwd=run, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True, close_fds=True)
    with open(os.path.join(run, "supervisor.pid"), "w") as f:
        f.write("%d\n" % p.pid)
    with open(os.path.join(run, "supervisor.host"), "w") as f:  # after the pid: gc judges by both
        f.write(socket.gethostname() + "\n")
    sys.stdout.write("%d\n" % p.pid)


def supervisor_pid(run):
    try:
        with open(os.path.join(run, "supervisor.pid")) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read()
    except OSError:
        return None
    return pid if os.path.abspath(run).encode() in cmdline else None  # the same process, not a reused pid


def alive(run):
    sys.stdout.write("alive\n" if supervisor_pid(run) else "gone\n")


def cancel(run):
    if os.path.exists(os.path.join(run, "exit.json")):
        return
    pid = supervisor_pid(run)
    if pid:
        os.kill(pid, signal.SIGTERM)
        return
    try:
        with open(os.path.join(run, "supervisor.json")) as f:
            pgid = int(json.load(f)["child_pgid"])
        os.killpg(pgid, signal.SIGKILL)
    except (OSError, ValueError, KeyError):
        pass


def clean(runs):
    for run in runs:
        shutil.rmtree(run, ignore_errors=True)


def tree_size(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def runs():
    if os.path.isdir(RUNS):
        sys.stdout.write("".join(name + "\n" for name in sorted(os.listdir(RUNS))))


def gc(recorded_over):
    """Empties the object cache and removes the folders of runs that are over; prints what it freed.

    A folder goes when labrun's history records its run's end (RECORDED_OVER) and no supervisor of
    it runs here, or when `start` started its supervisor on this machine and it died without an
    exit record (a run nobody can collect). Every other folder stays: a run that goes on (a Slurm
    job pending or on a compute node, a container, a supervisor on another login node sharing this
    home), or one another labrun home on this login has still to collect.
    """
    with cache_lock(fcntl.LOCK_EX):
        freed = tree_size(OBJECTS)
        shutil.rmtree(OBJECTS, ignore_errors=True)
    removed = 0
    if os.path.isdir(RUNS):
        for name in os.listdir(RUNS):
            run = os.path.join(RUNS, name)
            over = name in recorded_over and supervisor_pid(run) is None
            if over or abandoned_here(run):
                freed += tree_size(run)
                remove_run(run)
                removed += 1
    sys.stdout.write("%d %d\n" % (freed, removed))


def abandoned_here(run):
    """Whether `start` started RUN's supervisor on this machine and it died without an exit record."""
    try:
        with open(os.path.join(run, "supervisor.host")) as f:
            host = f.read().strip()
    except OSError:
        return False  # not started here by `start` (or by a labrun before supervisor.host)
    ended = os.path.exists(os.path.join(run, "exit.json"))
    return host == socket.gethostname() and not ended and supervisor_pid(run) is None


def remove_run(run):
    """Removes a run folder; one that is a link (a Slurm workFolder) goes with what it points to."""
    if os.path.islink(run):
        shutil.rmtree(os.path.realpath(run), ignore_errors=True)
        os.unlink(run)
    else:
        shutil.rmtree(run, ignore_errors=True)


def env(env_id, spec, conda_yml=None):
    if len(env_id) != 16 or any(c not in "0123456789abcdef" for c in env_id):
        raise SystemExit("labrun_remote: not an environment id: %r" % env_id)
    os.makedirs(ENVS, exist_ok=True)
    prefix = os.path.join(ENVS, env_id)
    with open(prefix + ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print("labrun: waiting for another build of environment %s" % env_id, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(prefix, ENV_READY)):
            print("labrun: environment %s is ready" % env_id, flush=True)
            return 0
        shutil.rmtree(prefix, ignore_errors=True)  # a build cut short
        tool = next((t for t in ("micromamba", "mamba", "conda") if shutil.which(t)), None) if conda_yml else None
        if tool:
            print("labrun: creating the conda environment with %s" % tool, flush=True)
            argv = [tool, "create", "-y", "-p", prefix, "-f", conda_yml] if tool == "micromamba" else [tool, "env", "create", "-q", "-p", prefix, "-f", conda_yml]
            code = subprocess.call(argv, stdin=subprocess.DEVNULL)
            if code == 0 and not os.path.exists(os.path.join(prefix, "bin", "python")):
                print("LABRUN-ERROR: the conda environment has no Python: add python to the conda dependencies", flush=True)
                code = 3
        else:
            code = subprocess.call([sys.executable, os.path.join(HERE, "labrun_env.py"), spec], stdin=subprocess.DEVNULL)
        if code == 0:
            shutil.copyfile(spec, os.path.join(prefix, ENV_READY))
        return code


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "missing":
        with cache_lock(fcntl.LOCK_SH):
            missing(sys.stdin)
    elif cmd == "sync":
        with cache_lock(fcntl.LOCK_SH):
            missing(question())
            sys.stdout.write("\n")
            sys.stdout.flush()
            receive(run_dir(os.path.dirname(os.path.normpath(args[0]))) and args[0], args[1], run_dir(args[2]) if len(args) > 2 else None)
    elif cmd == "receive":
        with cache_lock(fcntl.LOCK_SH):
            receive(run_dir(os.path.dirname(os.path.normpath(args[0]))) and args[0], args[1], run_dir(args[2]) if len(args) > 2 else None)
    elif cmd == "start":
        start(run_dir(args[0]))
    elif cmd == "alive":
        alive(run_dir(args[0]))
    elif cmd == "cancel":
        cancel(run_dir(args[0]))
    elif cmd == "clean":
        clean([run_dir(a) for a in args])
    elif cmd == "env":
        sys.exit(env(*args))
    elif cmd == "runs":
        runs()
    elif cmd == "gc":
        gc({line.strip() for line in sys.stdin if line.strip()})
    else:
        raise SystemExit("labrun_remote: unknown command %r" % cmd)


if __name__ == "__main__":
    main(sys.argv)
