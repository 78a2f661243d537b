"""The one metrics writer behind ``labrun`` and ``azureml.logging``.

Records go into a memory-mapped file, ``$LABRUN_METRICS_DIR/metrics-<pid>.log``, one after the
other. A metric point whose name is a string and whose value is a float or an int (subclasses
such as numpy.float64 too; the training loop's case) is a binary record::

    0x01, step (int64), value (float64), epoch ns (int64), name length (uint16), name (UTF-8), 0x0A

little-endian, 28 bytes plus the name. Everything else (params, tags, strings, lists, dicts,
bools, ``None``) is a text line::

    <kind>\t<epoch_ms>\t<step>\t<name>\t<value>\n

kind ``m`` (metric), ``p`` (param) or ``t`` (tag); the name escaped like the run's log text
(``\\\\``, ``\\t``, ``\\n``, ``\\r``, ``\\0``); the value as JSON, where the floats JSON lacks are
the tokens ``NaN``, ``Infinity`` and ``-Infinity`` (what Python's ``json`` writes too).

Why a mapping: a point costs a copy into memory the kernel owns, no system call, and it survives
the script dying right after, even by SIGKILL. Why binary points: formatting a float as text
(``repr``) alone cost more than all the rest of a call. A point is one ``mmap.write`` of one bytes
object, a single C call, so threads and signal handlers never interleave inside a record and the
hot path needs no lock; the lock only guards opening the file and moving to its next chunk.

The file grows in zero-filled chunks; no record starts with a NUL byte, so a reader stops at a NUL
where a record would start, and at a record not completely there yet (a text line without its
newline, a binary record without its closing 0x0A). When a record does not fit in the rest of a
chunk, that rest is filled with newlines (empty lines, which readers skip). When the name is taken
(a pid reused, a process that exec'd another Python), the file is ``metrics-<pid>-<n>.log``
instead: one writer per file, ever.
"""

import atexit
import itertools
import json
import mmap
import os
import struct
import sys
import threading
import time

CHUNK = 4 << 20  # bytes reserved and mapped at a time; a multiple of mmap.ALLOCATIONGRANULARITY
ENV = "LABRUN_METRICS_DIR"
POINT = 1  # kind byte of a binary metric point
_MAX_NAMES = 10000  # names with a ready-made binary prefix, for scripts that invent names per step
_MAX_NAME_BYTES = 0xFFFF

_SPECIAL = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_ESCAPES = {ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r", 0: "\\0"}
_time_ns = time.time_ns
_count = itertools.count


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
        # Per metric name: [the pack of its binary points, an itertools.count of its next step,
        # a step given since (plus one) or None, the name as text records have it, the end of
        # its binary points (name length, name, 0x0A)]. next() on a count is one C call: threads
        # logging one name without steps never get the same step. A given step is only noted
        # (cheaper than a new count); the next call without a step starts the count from it.
        self._series = {}
        self._steps = {}  # next step of the names not in _series
        self._reset()
        atexit.register(self.close)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(
                before=self._before_fork, after_in_parent=self._after_fork_in_parent,
                after_in_child=self._after_fork_in_child)

    def _reset(self):
        # Reentrant, for a signal handler that logs while the main thread is inside the slow
        # path: its record waits in _pending (see _busy) and is written right after.
        self._lock = threading.RLock()
        self._busy = False    # the slow path is writing (so a caller now is a signal handler)
        self._pending = []
        self._mm = None       # the mapped window of the file, None until the first record
        self._disabled = False
        self._fd = -1
        self._base = 0        # file offset of the window

    # -- the hot path ------------------------------------------------------------------------

    def log_metric(self, name, value, step=None):
        """Logs one value of metric ``name``; ``step`` counts up per name when not given."""
        s = self._series.get(name)
        if s is None:
            return self._log_new(name, value, step)
        if step is None:
            if s[2] is not None:
                s[1] = _count(s[2])
                s[2] = None
            step = next(s[1])
        else:
            if type(step) is not int:
                step = int(step)
            s[2] = step + 1
        t = type(value)
        if t is float or t is int:
            try:
                self._mm.write(s[0](POINT, step, value, _time_ns(), s[4]))
                return
            except Exception:  # no file yet, a full chunk, a huge int: the slow path sorts it out
                pass
        self._log_slow(name, value, step, s)

    # -- everything else -----------------------------------------------------------------------

    def _log_new(self, name, value, step):
        """The first point of a name: gives it a series (then the hot path), or counts its steps
        here when it cannot have one (not a string, too long, too many names)."""
        with self._lock:
            if name in self._series or self._add_series(name):  # another thread may have been first
                new = True
            else:
                new = False
                steps = self._steps
                if step is None:
                    step = steps.get(name, 0)
                elif type(step) is not int:
                    step = int(step)
                steps[name] = step + 1
        if new:
            return self.log_metric(name, value, step)
        self._log_slow(name, value, step, None)

    def _log_slow(self, name, value, step, s):
        """Writes a point whose step is known: binary when it can (``s``: the name's series),
        else a text record."""
        rec = None
        t = type(value)
        if s is not None and t is not bool and isinstance(value, (float, int)):
            try:  # float and int subclasses (numpy.float64, IntEnum) too; a huge int fails
                value = float(value) if isinstance(value, float) else int(value)
                rec = s[0](POINT, step, value, _time_ns(), s[4])
            except (struct.error, OverflowError):  # beyond a float64, or a step beyond int64
                pass
        if rec is None:
            text_name = s[3] if s is not None else self._text_name(name)
            rec = f"m\t{_time_ns() // 1000000}\t{step}\t{text_name}\t{value_text(value)}\n".encode()
        self._write(rec)

    def _add_series(self, name):
        if type(name) is not str or len(self._series) >= _MAX_NAMES:
            return False
        raw = name.encode("utf-8", "replace")
        if len(raw) > _MAX_NAME_BYTES:
            return False
        tail = struct.pack("<H", len(raw)) + raw + b"\n"
        pack = struct.Struct("<Bqdq%ds" % len(tail)).pack  # one bytes object per point, not two
        self._series[name] = [pack, _count(self._steps.pop(name, 0)), None, self._text_name(name), tail]
        return True

    @staticmethod
    def _text_name(name):
        text = name if type(name) is str else str(name)
        return escape(text.encode("utf-8", "replace").decode("utf-8"))

    def log_other(self, kind, name, value):
        """Writes a param (``p``) or tag (``t``) record; step is always 0."""
        self._write(("%s\t%d\t0\t%s\t%s\n" % (kind, _time_ns() // 1000000, self._text_name(name), value_text(value))).encode())

    # -- the file ----------------------------------------------------------------------------

    def _write(self, rec):
        """Writes one record: one C call into the mapping when it fits, else (under the lock)
        after opening the file or mapping its next chunk; then a signal handler's record that
        came meanwhile waits for the one it interrupted."""
        try:
            self._mm.write(rec)
            return
        except Exception:  # no file yet, or a full chunk
            pass
        with self._lock:
            if self._disabled:
                return
            if self._busy:
                self._pending.append(rec)
                return
            self._busy = True
            try:
                if self._mm is None and not self._open():
                    return
                self._put(rec)
                pending = self._pending
                while pending and self._mm is not None:
                    self._put(pending.pop(0))
            finally:
                self._busy = False

    def _put(self, rec):
        while self._mm is not None:
            mm = self._mm
            try:
                mm.write(rec)
                return
            except ValueError:
                pass
            # No room: fill the rest of the window with newlines (a writer on another thread
            # may take some of it first; then this fails and we look again), map the next chunk.
            try:
                mm.write(b"\n" * (len(mm) - mm.tell()))
            except ValueError:
                continue
            try:
                self._map(self._base + len(mm), len(rec))
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
            self._map(0, 0)
            return True
        except (OSError, ValueError) as e:
            self._fail(e)
            return False

    def _map(self, base, least):
        """Maps the next window of the file at ``base``: a chunk, or more for a record bigger."""
        g = mmap.ALLOCATIONGRANULARITY
        size = max(CHUNK, (least + g - 1) // g * g)
        _reserve(self._fd, base, size)
        mm = mmap.mmap(self._fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=base)
        old, self._mm, self._base = self._mm, mm, base
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
                mm, fd, base = self._mm, self._fd, self._base
                self._mm, self._fd = None, -1  # a writer after this point opens a new file
                try:
                    size, used = len(mm), mm.tell()
                    mm.close()  # a thread that took mm before may have written past used until here
                    # Such a record ends before the first NUL after it: every record ends with a
                    # newline (a binary one with 0x0A), padding is newlines.
                    tail = os.pread(fd, size - used, base + used)
                    os.ftruncate(fd, base + used + len(tail.rstrip(b"\0")))
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
