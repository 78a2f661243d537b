"""labrun's command runner on a host: started once per SSH connection (`PYTHON -c SOURCE`, so the
host's login shell, and the ~/.bashrc it reads, starts once, not once per command) and kept with
the connection; it runs labrun's commands one after another as child processes, by their argument
vector (no shell reads them), with the environment the login shell gave it, and moves files itself
(where sshd's SFTP server is a program of its own, each SFTP channel starts that shell once more).

Frames both ways: one type byte, a 4-byte big-endian length, the payload.
  to the runner:   X JSON {"argv": [...]}  start a command (only when none runs)
                   F JSON {"op": ...}      a file operation (only when no command runs), below
                   I BYTES                 the command's stdin, or the file written; empty: its end
  from the runner: O BYTES / E BYTES       the command's stdout / stderr, or the file read
                   Z JSON {"code": N}      it ended (128+N for signal N; 127 not found; 126 not runnable)
File operations, paths relative to the home folder as SFTP's are; the answer is the Z frame:
  home                                 {"home": the home folder, absolute}
  stat PATH                            {"size": N, "dir": bool}
  read PATH OFFSET MAX                 the bytes from OFFSET (MAX -1: to the end) as O frames, then
                                       {"size": N, "sha256": HEX} of what was sent
  write PATH SIZE SHA256 PRIVATE       the I frames into a new file beside PATH (0600 from its start
                                       when PRIVATE), checked against SIZE and SHA256, then renamed over
                                       PATH: a damaged transfer leaves PATH as it was
  mkdirs PATH / private PATH (0700)    {}
  list PATH                            {"entries": [[RELATIVE, "d" | "f"], ...]}: folders and regular
                                       files under PATH, links not followed
  A missing file answers {"code": 2}, any other failure {"code": 1, "error": "what went wrong"}.
Before the first frame it prints READY on a line of its own: what a login script printed before
is skipped by labrun. The end of its stdin (the connection closed) ends it, and the command it
runs sees the end of its own stdin and output pipes as it would with the connection.
"""
import hashlib
import json
import os
import select
import struct
import subprocess
import sys

READY = b"LABRUN-RUNNER 2\n"
CHUNK = 1 << 16
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


def next_frame(frames):
    """The next whole frame, waiting for it; None once the connection has ended."""
    while True:
        f = frames.next()
        if f is not None or frames.eof:
            return f
        select.select([frames.fd], [], [])
        frames.fill()


def answer(out, fields):
    frame(out, b"Z", json.dumps(fields).encode())


def file_op(req, frames, out):
    """Does one file operation; its answer, or None when the connection ended during it."""
    op, path = req["op"], req.get("path", ".")
    try:
        if op == "home":
            return {"code": 0, "home": os.path.realpath(".")}
        if op == "stat":
            st = os.stat(path)
            return {"code": 0, "size": st.st_size, "dir": os.path.isdir(path)}
        if op == "read":
            return read(path, req["offset"], req["max"], out)
        if op == "write":
            return write(path, req, frames)
        if op == "mkdirs":
            os.makedirs(path, exist_ok=True)
        elif op == "private":
            os.chmod(path, 0o700)
        elif op == "list":
            return {"code": 0, "entries": listing(path)}
        else:
            return {"code": 1, "error": "unknown file operation %r" % op}
        return {"code": 0}
    except FileNotFoundError:
        return {"code": 2}
    except OSError as e:
        return {"code": 1, "error": "%s: %s" % (path, e.strerror or e)}
    except Exception as e:  # a bad request: the runner stays for the next one
        return {"code": 1, "error": "%s: %s" % (path, e)}


def read(path, offset, limit, out):
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        f.seek(offset)
        while limit < 0 or size < limit:
            chunk = f.read(CHUNK if limit < 0 else min(CHUNK, limit - size))
            if not chunk:
                break
            frame(out, b"O", chunk)
            sha.update(chunk)
            size += len(chunk)
    return {"code": 0, "size": size, "sha256": sha.hexdigest()}


def write(path, req, frames):
    tmp = "%s.tmp-%d-%s" % (path, os.getpid(), os.urandom(6).hex())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if req.get("private") else 0o666)
    sha, size, done = hashlib.sha256(), 0, False
    try:
        while True:
            f = next_frame(frames)
            if f is None:
                return None
            if f[0] != b"I":
                return {"code": 1, "error": "%s: the file's content was cut short" % path}
            if not f[1]:
                break
            view = memoryview(f[1])
            while view:
                view = view[os.write(fd, view):]
            sha.update(f[1])
            size += len(f[1])
        if size != req["size"] or sha.hexdigest() != req["sha256"]:
            return {"code": 1, "error": "%s: %d bytes arrived that are not the %d sent" % (path, size, req["size"])}
        os.replace(tmp, path)
        done = True
        return {"code": 0}
    finally:
        os.close(fd)
        if not done:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def listing(top):
    entries = []

    def walk(rel):
        with os.scandir(os.path.join(top, rel) if rel else top) as it:
            for e in sorted(it, key=lambda e: e.name):
                name = rel + "/" + e.name if rel else e.name
                if e.is_dir(follow_symlinks=False):
                    entries.append([name, "d"])
                    walk(name)
                elif e.is_file(follow_symlinks=False):
                    entries.append([name, "f"])

    walk("")
    return entries


def main():
    out = sys.stdout.buffer
    out.write(READY)
    out.flush()
    frames = Frames(sys.stdin.fileno())
    os.set_blocking(frames.fd, False)
    while True:
        f = next_frame(frames)
        if f is None:
            return
        if f[0] == b"F":
            done = file_op(json.loads(f[1].decode("utf-8")), frames, out)
            if done is None:
                return
            answer(out, done)
            continue
        if f[0] != b"X":
            continue  # stdin of a command that has ended, or the rest of a refused file
        argv = json.loads(f[1].decode("utf-8"))["argv"]
        child, failed = start(argv)
        if failed:
            frame(out, b"E", failed[1].encode())
            answer(out, {"code": failed[0]})
            continue
        os.set_blocking(child.stdin.fileno(), False)
        if not serve(child, frames, out):
            return


if __name__ == "__main__":
    main()
