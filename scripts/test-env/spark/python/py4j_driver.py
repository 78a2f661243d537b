"""A Python Spark driver without pyspark, for labrun's test environment.

pyspark and the py4j Python package cannot be installed here (no PyPI; Debian
has neither; the Maven Central jars hold no Python code), but
`bin/spark-submit app.py` still runs org.apache.spark.deploy.PythonRunner,
which starts a Py4J server in the driver JVM and runs app.py with
PYSPARK_GATEWAY_PORT and PYSPARK_GATEWAY_SECRET set. This file speaks Py4J's
text protocol itself (a few commands: auth, constructor, method call) to do
what pyspark's driver side does: create the SparkContext/SparkSession in that
JVM and run a job on the cluster's executors.

What cannot work without pyspark: Python code on executors (RDD lambdas,
Python UDFs), which needs pyspark's worker modules on the executors.

Prints PY4J_SQL_SUM 500500, PY4J_EXECUTORS <ids> and PY4J_DRIVER_OK.
"""
import os
import socket
import sys


def _escape(s):
    return s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def _unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


class JavaError(Exception):
    pass


class Long(int):
    """An int sent as a Java long."""


class JavaObject:
    def __init__(self, gateway, target_id):
        self._gateway = gateway
        self._id = target_id

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args: self._gateway.call(self._id, name, *args)

    def __repr__(self):
        return "JavaObject(%s)" % self._id


class Gateway:
    """Just enough of the Py4J protocol (py4j.Protocol in the py4j jar)."""

    def __init__(self, port, secret):
        self._sock = socket.create_connection(("127.0.0.1", int(port)))
        self._in = self._sock.makefile("r", encoding="utf-8", newline="\n")
        if secret:
            self._sock.sendall(("A\n%s\n" % _escape(secret)).encode("utf-8"))
            answer = self._in.readline().rstrip("\n")
            if answer != "!yv":
                raise JavaError("Py4J authentication failed: %r" % answer)

    def _encode(self, value):
        if value is None:
            return "n"
        if isinstance(value, bool):
            return "btrue" if value else "bfalse"
        if isinstance(value, Long):
            return "L%d" % value
        if isinstance(value, int):
            return ("i%d" if -2**31 <= value < 2**31 else "L%d") % value
        if isinstance(value, float):
            return "d%r" % value
        if isinstance(value, str):
            return "s" + _escape(value)
        if isinstance(value, JavaObject):
            return "r" + value._id
        raise TypeError("cannot send %r to Java" % (value,))

    def _decode(self, part):
        kind, body = part[:1], part[1:]
        if kind in ("v", "n"):
            return None
        if kind in ("i", "L"):
            return int(body)
        if kind == "d":
            return float(body)
        if kind == "b":
            return body == "true"
        if kind == "s":
            return _unescape(body)
        if kind in ("r", "l", "h", "a", "t", "g"):
            return JavaObject(self, body)
        raise JavaError("unknown Py4J return part %r" % part)

    def _command(self, parts):
        self._sock.sendall("".join(p + "\n" for p in parts + ["e"]).encode("utf-8"))
        answer = self._in.readline()
        if not answer:
            raise JavaError("the Py4J server closed the connection")
        answer = answer.rstrip("\n")
        if not answer.startswith("!"):
            raise JavaError("unexpected Py4J answer %r" % answer)
        if answer[1] == "y":
            return self._decode(answer[2:])
        detail = answer[2:]
        if detail.startswith("r"):
            detail = self.call(detail[1:], "toString")
        elif detail.startswith("s"):
            detail = _unescape(detail[1:])
        raise JavaError(detail)

    def new(self, fqn, *args):
        return self._command(["i", fqn] + [self._encode(a) for a in args])

    def call(self, target_id, method, *args):
        return self._command(["c", target_id, method] + [self._encode(a) for a in args])

    def static(self, fqn, method, *args):
        return self.call("z:" + fqn, method, *args)


def main():
    port = os.environ.get("PYSPARK_GATEWAY_PORT")
    secret = os.environ.get("PYSPARK_GATEWAY_SECRET")
    if not port:
        print("no PYSPARK_GATEWAY_PORT: run me with bin/spark-submit", file=sys.stderr)
        return 2
    gw = Gateway(port, secret)
    # SparkConf(true) picks up the spark.* system properties that SparkSubmit
    # set in this JVM (spark.master, spark.app.name, ...), as pyspark's does.
    conf = gw.new("org.apache.spark.SparkConf", True)
    conf.setAppName("labrun-py4j-driver")
    spark = gw.static("org.apache.spark.sql.SparkSession", "builder").config(conf).getOrCreate()
    try:
        print("PY4J_MASTER " + spark.sparkContext().master())
        row = spark.sql("SELECT sum(id) AS s FROM range(1, 1001, 1, 4)").first()
        print("PY4J_SQL_SUM %d" % row.getLong(0))
        ids = spark.sparkContext().getExecutorIds().mkString(",")
        print("PY4J_EXECUTORS " + ids)
    finally:
        spark.stop()
    print("PY4J_DRIVER_OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
