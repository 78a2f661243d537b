"""labrun's environment builder: a venv with pip-installed packages, for images without conda and
for the local target's cached environments.

    python3 labrun_env.py SPEC.json

SPEC.json: {"prefix": "/opt/labrun/env", "python": "3.11" or null, "requirements": [...],
"conda": {"numpy": "numpy=1.26", ...}} where "conda" maps the pip name of each requirement that
came from the conda dependencies to its conda spec (to name it when pip cannot install it). Pip
options come from the environment (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX...). A failure
prints one line starting with "LABRUN-ERROR: " that says what to do, and exits non-zero.
Standard library only.
"""

import json
import os
import re
import subprocess
import sys

NOT_FOUND = (
    re.compile(r"No matching distribution found for ([^\s;]+)"),
    re.compile(r"Could not find a version that satisfies the requirement ([^\s;]+)"),
)


def fail(message, code=3):
    print("LABRUN-ERROR: " + message, flush=True)
    sys.exit(code)


def name_of(requirement):
    m = re.match(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", requirement)
    return (m.group(0) if m else requirement).lower().replace("_", "-")


def check_python(wanted):
    if not wanted:
        return
    have = "%d.%d.%d" % sys.version_info[:3]
    want = wanted.rstrip(".*")
    if not (have == want or have.startswith(want + ".")):
        fail("the conda dependencies ask for python=%s but this Python is %s and pip cannot change it; "
             "use a base image (or pythonLocation) with Python %s, or a base image with conda" % (wanted, have, wanted))


def run(argv, env):
    """Runs argv, echoing its output line by line; returns (exit code, output lines)."""
    lines = []
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        lines.append(line)
        print(line, flush=True)
    return proc.wait(), lines


def explain_pip_failure(lines, conda):
    for line in lines:
        for pattern in NOT_FOUND:
            m = pattern.search(line)
            if m:
                requirement = m.group(1)
                spec = conda.get(name_of(requirement))
                if spec is not None:
                    fail("'%s' from the conda dependencies cannot be installed with pip (a conda-only package, or none "
                         "of that name and version on the pip index): use a base image with conda (micromamba, mamba "
                         "or conda), or move it to the pip: list under its pip name" % spec, 4)
                fail("pip found no package '%s' (pip: list of the conda dependencies): check its name and version, "
                     "and PIP_INDEX_URL / PIP_FIND_LINKS / PIP_NO_INDEX" % requirement, 4)
    errors = [l.strip() for l in lines if l.strip().startswith("ERROR:")]
    fail("pip install failed: %s" % (errors[-1] if errors else (lines[-1].strip() if lines else "no output")), 4)


def main(argv):
    if len(argv) != 2:
        print("usage: python3 labrun_env.py SPEC.json", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        spec = json.loads(f.read().decode("utf-8"))
    prefix = spec["prefix"]
    check_python(spec.get("python"))
    env = dict(os.environ)
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    env.setdefault("PIP_NO_INPUT", "1")
    print("labrun: creating a venv in %s with %s" % (prefix, sys.executable), flush=True)
    code, lines = run([sys.executable, "-m", "venv", prefix], env)
    if code != 0:
        fail("'%s -m venv' failed (%s): install the venv module (Debian: python3-venv) or use a base image with conda"
             % (sys.executable, lines[-1].strip() if lines else "exit code %d" % code))
    requirements = spec.get("requirements") or []
    if requirements:
        req_file = os.path.join(prefix, "labrun-requirements.txt")
        with open(req_file, "w") as f:
            f.write("\n".join(requirements) + "\n")
        python = os.path.join(prefix, "bin", "python")
        print("labrun: pip install %s" % " ".join(requirements), flush=True)
        code, lines = run([python, "-m", "pip", "install", "--no-warn-script-location", "-r", req_file], env)
        if code != 0:
            explain_pip_failure(lines, spec.get("conda") or {})
    print("labrun: environment ready in %s" % prefix, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
