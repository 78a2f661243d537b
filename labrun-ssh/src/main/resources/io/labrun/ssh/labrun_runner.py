"""labrun's command runner on a host: started once per SSH connection (`PYTHON -c SOURCE`, so the
host's login shell, and the ~/.bashrc it reads, starts once, not once per command) and kept with
the connection; it runs labrun's commands one after another as child processes, by their argument
vector (no shell reads them), with the environment the login shell gave it.

Frames both ways: one type byte, a 4-byte big-endian length, the payload.
  to the runner:   X JSON {"argv": [...]}  start a command (only when none runs)
                   I BYTES                 the command's stdin; empty: its end
  from the runner: O BYTES / E BYTES       the command's stdout / stderr
                   Z JSON {"code": N}      it ended (128+N for signal N; 127 not found; 126 not runnable)
Before the first frame it prints READY on a line of its own: what a login script printed before
is skipped by labrun. The end of its stdin (the connection closed) ends it, and the command it
runs sees the end of its own stdin and output pipes as it would with the connection.
"""
import json
import os
import select
import struct
import subprocess
import sys

READY = b"LABRUN-RUNNER 1\n"
MAX_PENDING = 1 << 20


def frame(out, kind, payload):
    out.write(kind + struct.pack(">I", len(payload)) + payload)
    out.flush()


class Frames:
    """Reads frames from a non-blocking fd as its bytes arrive."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""
        self.eof = False

    def fill(self):
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.eof = True
        self.buf += chunk

    def next(self):
        if len(self.buf) < 5:
            return None
        size = struct.unpack(">I", self.buf[1:5])[0]
        if len(self.buf) < 5 + size:
            return None
        kind, payload = self.buf[:1], self.buf[5:5 + size]
        self.buf = self.buf[5 + size:]
        return kind, payload


def start(argv):
    try:
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True), None
    except FileNotFoundError as e:
        return None, (127, "%s: not found\n" % (e.filename or argv[0]))
    except (PermissionError, OSError) as e:
        return None, (126, "%s: %s\n" % (argv[0], e.strerror or e))


def serve(child, frames, out):
    """Runs one command to its end, relaying its stdin and output; False when the connection ended."""
    pending = b""
    stdin_open, stdin_ends = True, False
    readers = {child.stdout.fileno(): b"O", child.stderr.fileno(): b"E"}
    while readers:
        f = frames.next()  # frames read with the command's start, or with earlier output
        while f is not None:
            if f[0] == b"I" and stdin_open and not stdin_ends:
                pending += f[1]
                stdin_ends = not f[1]
            f = frames.next()
        if stdin_open and stdin_ends and not pending:
            child.stdin.close()
            stdin_open = False
        want_read = list(readers) + ([frames.fd] if not frames.eof and len(pending) < MAX_PENDING else [])
        want_write = [child.stdin.fileno()] if stdin_open and pending else []
        r, w, _ = select.select(want_read, want_write, [])
        if frames.fd in r:
            frames.fill()
            if frames.eof:
                break
        if w:
            try:
                pending = pending[os.write(child.stdin.fileno(), pending[:1 << 16]):]
            except OSError:
                pending, stdin_ends = b"", True  # the command stopped reading its stdin
        for fd in [fd for fd in r if fd in readers]:
            chunk = os.read(fd, 1 << 16)
            if chunk:
                frame(out, readers[fd], chunk)
            else:
                del readers[fd]
    if frames.eof:
        return False
    if stdin_open:
        child.stdin.close()
    code = child.wait()
    frame(out, b"Z", json.dumps({"code": 128 - code if code < 0 else code}).encode())
    return True


def main():
    out = sys.stdout.buffer
    out.write(READY)
    out.flush()
    frames = Frames(sys.stdin.fileno())
    os.set_blocking(frames.fd, False)
    while True:
        f = frames.next()
        if f is None:
            if frames.eof:
                return
            select.select([frames.fd], [], [])
            frames.fill()
            continue
        if f[0] != b"X":
            continue  # stdin of a command that has ended
        argv = json.loads(f[1].decode("utf-8"))["argv"]
        child, failed = start(argv)
        if failed:
            frame(out, b"E", failed[1].encode())
            frame(out, b"Z", json.dumps({"code": failed[0]}).encode())
            continue
        os.set_blocking(child.stdin.fileno(), False)
        if not serve(child, frames, out):
            return


if __name__ == "__main__":
    main()
