"""Helpers for the tests: run Python code or the supervisor in a subprocess, read the files back
the way labrun's Java readers do."""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPERVISOR = os.path.join(PYTHON_DIR, "labrun_supervisor.py")

_UNESCAPES = {"\\": "\\", "t": "\t", "r": "\r", "n": "\n", "0": "\0"}


def unescape(text):
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(_UNESCAPES.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def env_with(**extra):
    env = dict(os.environ)
    env.pop("LABRUN_METRICS_DIR", None)
    env["PYTHONPATH"] = PYTHON_DIR
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run_python(code, metrics_dir=None, timeout=60, **env):
    """Runs code in a fresh interpreter (a fresh metrics writer); returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-c", code], env=env_with(LABRUN_METRICS_DIR=metrics_dir, **env),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def metric_records(path):
    """The complete records of one metrics file as a reader sees them (MetricsParser's rules):
    (kind, ms, step, name, value) tuples, value the JSON text of a text record and a float for a
    binary point, up to a NUL where a record would start or a record not completely there."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    i = 0
    while i < len(data) and data[i] != 0:
        if data[i] == 1:  # binary point: 0x01, step, value, epoch ns, name length, name, 0x0A
            if i + 27 > len(data):
                break
            n = struct.unpack_from("<H", data, i + 25)[0]
            end = i + 28 + n
            if end > len(data) or data[end - 1] != 10:
                break
            step, value, ns = struct.unpack_from("<qdq", data, i + 1)
            out.append(("m", ns // 1000000, step, data[i + 27:end - 1].decode("utf-8"), value))
            i = end
            continue
        nl = data.find(b"\n", i)
        nul = data.find(b"\0", i)
        if nl < 0 or 0 <= nul < nl:
            break
        line = data[i:nl].decode("utf-8")
        i = nl + 1
        if line:  # empty lines: the newlines that fill the end of a chunk
            kind, ms, step, name, value = line.split("\t")
            out.append((kind, int(ms), int(step), unescape(name), value))
    return out


def metric_files(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if f.startswith("metrics-") and f.endswith(".log"))


def output_records(state_dir):
    """(tag, text) pairs of output.log, texts unescaped."""
    with open(os.path.join(state_dir, "output.log"), "rb") as f:
        data = f.read()
    out = []
    for line in data.split(b"\n")[:-1]:
        ms, tag, text = line.decode("utf-8").split("\t", 2)
        int(ms)
        out.append((tag, unescape(text)))
    return out


def read_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + message)


def is_gone(pid):
    """True when pid no longer runs (gone, or a zombie nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="labrun-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)


_PANDAS_PYTHON = []


def pandas_python():
    """An interpreter that has pandas: this one, or Debian's /usr/bin/python3 (python3-pandas, which
    scripts/test.sh installs). The data-prep tests fail, not skip, without one."""
    if not _PANDAS_PYTHON:
        for candidate in (sys.executable, "/usr/bin/python3"):
            if candidate and os.path.exists(candidate) and subprocess.run(
                    [candidate, "-c", "import pandas"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                _PANDAS_PYTHON.append(candidate)
                break
        else:
            raise AssertionError("no Python with pandas for the data-prep tests (tried %s and /usr/bin/python3): "
                                 "install python3-pandas (scripts/test.sh does)" % sys.executable)
    return _PANDAS_PYTHON[0]
