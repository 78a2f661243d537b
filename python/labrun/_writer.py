"""The one metrics writer behind ``labrun`` and ``azureml.logging``.

Records go into a memory-mapped file, ``$LABRUN_METRICS_DIR/metrics-<pid>.log``, one per line::

    <kind>\t<epoch_ms>\t<step>\t<name>\t<value>\n

kind ``m`` (metric), ``p`` (param) or ``t`` (tag); the name escaped like the run's log text
(``\\\\``, ``\\t``, ``\\n``, ``\\r``, ``\\0``); the value as JSON, where the floats JSON lacks are
the tokens ``NaN``, ``Infinity`` and ``-Infinity`` (what Python's ``json`` writes too).

Why a mapping: a point costs a copy into memory the kernel owns, no system call, and it survives
the script dying right after, even by SIGKILL. The file grows in zero-filled chunks; a record is
never written with a NUL byte, so a reader stops at the first NUL and ignores a last line without
its newline (a record being copied). When the name is taken (a pid reused, a process that exec'd
another Python), the file is ``metrics-<pid>-<n>.log`` instead: one writer per file, ever.
"""

import atexit
import json
import mmap
import os
import sys
import threading
import time

CHUNK = 4 << 20  # bytes reserved and mapped at a time; a multiple of mmap.ALLOCATIONGRANULARITY
ENV = "LABRUN_METRICS_DIR"
_MAX_NAMES = 10000  # escaped-name cache bound, for scripts that invent names per step

_SPECIAL = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_ESCAPES = {ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r", 0: "\\0"}
_time_ns = time.time_ns


def escape(text):
    """Escapes text for one field of a record: no tab, newline, carriage return or NUL in it."""
    return text.translate(_ESCAPES)


def _json_default(o):
    for attr in ("tolist", "item"):  # numpy arrays and scalars, torch tensors
        f = getattr(o, attr, None)
        if callable(f):
            return f()
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=repr)
    return str(o)


def value_text(value):
    """The JSON text of a value (floats NaN/Infinity/-Infinity as those bare tokens)."""
    t = type(value)
    if t is float:
        r = repr(value)
        return _SPECIAL[r] if r[-1] in "fn" else r
    if t is int:
        return repr(value)
    if t is bool:
        return "true" if value else "false"
    if t is str:
        return json.dumps(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):  # numpy.float64 and other float subclasses
        return value_text(float(value))
    if isinstance(value, int):  # IntEnum and friends
        return repr(int(value))
    if isinstance(value, str):
        return json.dumps(str(value))
    if not isinstance(value, (list, tuple, dict)):
        item = getattr(value, "item", None)  # numpy/torch scalars (0-d arrays too)
        if callable(item) and getattr(value, "ndim", 0) == 0:
            try:
                return value_text(item())
            except (TypeError, ValueError):
                pass
    return json.dumps(value, default=_json_default, separators=(",", ":"))


def _warn(message):
    try:
        sys.stderr.write("labrun: " + message + "\n")
        sys.stderr.flush()
    except Exception:  # a closed stderr must never break the script
        pass


def _reserve(fd, offset, length):
    """Makes [offset, offset+length) of the file exist, zero-filled. Real blocks where the OS can
    (a full disk is then an error here, not a SIGBUS on a later write into the mapping)."""
    fallocate = getattr(os, "posix_fallocate", None)
    if fallocate is not None:
        try:
            fallocate(fd, offset, length)
            return
        except OSError as e:
            if e.errno not in (22, 95, 45):  # EINVAL, EOPNOTSUPP (Linux), ENOTSUP (BSD): no support
                raise
    if os.fstat(fd).st_size < offset + length:
        os.ftruncate(fd, offset + length)


class Writer(object):
    """Appends records to this process's metrics file. Thread-safe; a forked child opens its own."""

    def __init__(self):
        self._warned = False
        self._steps = {}
        self._reset()
        atexit.register(self.close)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(
                before=self._before_fork, after_in_parent=self._after_fork_in_parent,
                after_in_child=self._after_fork_in_child)

    def _reset(self):
        # Reentrant, for a signal handler that logs: it runs in the main thread, maybe in the
        # middle of a record, where a plain lock would deadlock. Its record waits in _pending
        # (see _busy) and is written right after the one it interrupted.
        self._lock = threading.RLock()
        self._busy = False    # a record is being written (so a caller now is a signal handler)
        self._pending = []
        self._mm = None       # the mapped window of the file, None until the first record
        self._disabled = False
        self._fd = -1
        self._base = 0        # file offset of the window
        self._pos = 0         # next write position inside the window
        self._names = {}

    # -- the hot path ------------------------------------------------------------------------

    def log_metric(self, name, value, step=None):
        """Logs one value of metric ``name``; ``step`` counts up per name when not given."""
        t = type(value)
        if t is float and value - value == 0.0:  # finite: NaN and infinities go the long way
            v = repr(value)
        elif t is int:
            v = repr(value)
        else:
            v = value_text(value)
        with self._lock:
            if self._disabled:
                return
            steps = self._steps
            if step is None:
                step = steps.get(name, 0)
            elif type(step) is not int:
                step = int(step)
            steps[name] = step + 1
            n = self._names.get(name)
            if n is None:
                n = self._name(name)
            rec = f"m\t{_time_ns() // 1000000}\t{step}\t{n}\t{v}\n".encode()
            if self._busy:
                self._pending.append(rec)
                return
            self._busy = True
            try:
                if self._mm is None and not self._open():
                    return
                p = self._pos
                e = p + len(rec)
                if e <= CHUNK:
                    self._mm[p:e] = rec
                    self._pos = e
                else:
                    self._spill(rec)
                if self._pending:
                    self._drain()
            finally:
                self._busy = False

    def log_other(self, kind, name, value):
        """Writes a param (``p``) or tag (``t``) record; step is always 0."""
        v = value_text(value)
        with self._lock:
            if self._disabled:
                return
            n = self._names.get(name)
            if n is None:
                n = self._name(name)
            self._pending.append(("%s\t%d\t0\t%s\t%s\n" % (kind, _time_ns() // 1000000, n, v)).encode())
            if self._busy:
                return
            self._busy = True
            try:
                if self._mm is not None or self._open():
                    self._drain()
            finally:
                self._busy = False

    # -- the file ----------------------------------------------------------------------------

    def _name(self, name):
        text = name if type(name) is str else str(name)
        text = escape(text.encode("utf-8", "replace").decode("utf-8"))
        if len(self._names) >= _MAX_NAMES:
            self._names.clear()
        self._names[name] = text
        return text

    def _drain(self):
        """Writes the records that waited (from signal handlers, or before the file was open)."""
        pending = self._pending
        while pending and self._mm is not None:
            rec = pending.pop(0)
            p = self._pos
            e = p + len(rec)
            if e <= CHUNK:
                self._mm[p:e] = rec
                self._pos = e
            else:
                self._spill(rec)

    def _spill(self, rec):
        """Writes a record across the end of the window: what fits, then into the next chunks."""
        view = memoryview(rec)
        while self._mm is not None:
            room = CHUNK - self._pos
            if len(view) <= room:
                self._mm[self._pos:self._pos + len(view)] = view.tobytes()
                self._pos += len(view)
                return
            self._mm[self._pos:CHUNK] = view[:room].tobytes()
            view = view[room:]
            try:
                self._map(self._base + CHUNK)
            except (OSError, ValueError) as e:
                self._fail(e)

    def _open(self):
        directory = os.environ.get(ENV)
        if not directory:
            self._disabled = True
            self._pending = []
            if not self._warned:
                self._warned = True
                _warn("%s is not set (not running under labrun): metrics are not recorded" % ENV)
            return False
        try:
            os.makedirs(directory, exist_ok=True)
            pid = os.getpid()
            k = 0
            while True:
                name = "metrics-%d.log" % pid if k == 0 else "metrics-%d-%d.log" % (pid, k)
                try:
                    self._fd = os.open(os.path.join(directory, name), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
                    break
                except FileExistsError:
                    k += 1
            self._map(0)
            return True
        except (OSError, ValueError) as e:
            self._fail(e)
            return False

    def _map(self, base):
        _reserve(self._fd, base, CHUNK)
        mm = mmap.mmap(self._fd, CHUNK, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=base)
        old, self._mm, self._base, self._pos = self._mm, mm, base, 0
        if old is not None:
            old.close()

    def _fail(self, error):
        mm, fd = self._mm, self._fd
        self._mm, self._fd, self._disabled, self._pending = None, -1, True, []
        for close in ((mm.close if mm is not None else None), (lambda: os.close(fd)) if fd >= 0 else None):
            if close is not None:
                try:
                    close()
                except (OSError, ValueError):
                    pass
        if not self._warned:
            self._warned = True
            _warn("cannot write metrics (%s): metrics are no longer recorded" % (error,))

    def close(self):
        """Cuts the unused zeros off the file (at exit). A later record opens a new file."""
        with self._lock:
            if self._mm is None or self._busy:
                return
            self._busy = True
            try:
                self._drain()
                mm, fd, end = self._mm, self._fd, self._base + self._pos
                self._mm, self._fd = None, -1
                if mm is None:
                    return
                try:
                    mm.close()
                    os.ftruncate(fd, end)
                except (OSError, ValueError):
                    pass
                finally:
                    os.close(fd)
            finally:
                self._busy = False

    # -- fork ----------------------------------------------------------------------------------

    def _before_fork(self):
        self._lock.acquire()

    def _after_fork_in_parent(self):
        self._lock.release()

    def _after_fork_in_child(self):
        # The inherited mapping is the parent's file: drop it (munmap here only) and start anew.
        mm, fd = self._mm, self._fd
        self._reset()
        if mm is not None:
            try:
                mm.close()
            except Exception:
                pass
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass


writer = Writer()
