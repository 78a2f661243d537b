"""labrun's look at a Spark head (edge) node, run there over SSH by the `cluster` target with an
address. Standard library only; Python 3.6+.

  check LOCATION [HOST:PORT...]
                      the Spark installation: prints JSON {"spark_submit", "spark_home",
                      "launcher_jar", "java", "default_master", "webui_port", "python",
                      "unreachable"} (python: this interpreter's real path and version;
                      unreachable: null, or why none of the given endpoints took a connection)
  probe HOST:PORT...  exits 0 when one of them takes a TCP connection within 3 s, else prints why

A problem is one line "LABRUN-ERROR: ..." and a non-zero exit.
"""
import glob
import json
import os
import shutil
import socket
import sys


def fail(message):
    print("LABRUN-ERROR: " + message, flush=True)
    sys.exit(3)


def executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def env_home():
    home = os.environ.get("SPARK_HOME", "")
    return home if home and executable(os.path.join(home, "bin", "spark-submit")) else None


def home_of(submit):
    home = os.path.dirname(os.path.dirname(os.path.realpath(submit)))
    return home if os.path.isdir(os.path.join(home, "jars")) else None


def find(location):
    """As the local cluster target: a path; else SPARK_HOME; else PATH."""
    if "/" in location:
        path = os.path.expanduser(location)
        if not executable(path):
            fail("spark-submit not found at %s" % location)
        return path, home_of(path) or env_home()
    if location == "spark-submit" and env_home():
        return os.path.join(env_home(), "bin", "spark-submit"), env_home()
    path = shutil.which(location)
    if not path:
        fail("'%s' not found on PATH (%s) and SPARK_HOME %s" % (
            location, os.environ.get("PATH", ""), "has no bin/spark-submit" if os.environ.get("SPARK_HOME") else "is not set"))
    return path, home_of(path) or env_home()


def default_master(home):
    conf = os.environ.get("SPARK_CONF_DIR") or os.path.join(home, "conf")
    try:
        with open(os.path.join(conf, "spark-defaults.conf")) as f:
            for line in f:
                words = line.strip().replace("=", " ", 1).split(None, 1)
                if len(words) == 2 and words[0] == "spark.master":
                    return words[1].strip()
    except OSError:
        pass
    return None


def check(location, endpoints):
    submit, home = find(location)
    if not home:
        fail("cannot tell the Spark installation of %s (no jars/ folder next to its bin/, no SPARK_HOME)" % submit)
    jars = sorted(glob.glob(os.path.join(home, "jars", "spark-launcher_*.jar")))
    if not jars:
        fail("no spark-launcher jar in %s/jars: is %s a Spark installation?" % (home, home))
    java_home = os.environ.get("JAVA_HOME", "")
    java = os.path.join(java_home, "bin", "java") if java_home and executable(os.path.join(java_home, "bin", "java")) else shutil.which("java")
    if not java:
        fail("no java on PATH and JAVA_HOME is not set (Spark needs Java)")
    print(json.dumps({"spark_submit": submit, "spark_home": home, "launcher_jar": jars[-1], "java": java,
                      "default_master": default_master(home), "webui_port": os.environ.get("SPARK_MASTER_WEBUI_PORT"),
                      "python": "%s %s" % (os.path.realpath(sys.executable), sys.version.split()[0]),
                      "unreachable": unreachable(endpoints) if endpoints else None}))


def unreachable(endpoints):
    """None when one of the endpoints takes a TCP connection within 3 s, else why not."""
    failures = []
    for hp in endpoints:
        host, port = hp.rsplit(":", 1)
        try:
            socket.create_connection((host.strip("[]"), int(port)), 3).close()
            return None
        except OSError as e:
            failures.append("%s: %s" % (hp, e.strerror or e))
    return "; ".join(failures)


def probe(endpoints):
    why = unreachable(endpoints)
    if why:
        fail(why)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "probe":
        probe(sys.argv[2:])
    else:
        fail("unknown command %r" % sys.argv[1])
