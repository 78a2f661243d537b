"""Cost of one labrun.log_metric call with a float (and a few neighbours), best of 5 runs of
1,000,000 calls into a real metrics file:

    LABRUN_METRICS_DIR=$(mktemp -d) PYTHONPATH=python python3 python/tests/bench_log_metric.py
"""

import threading
import timeit

import labrun

N = 1000000


def best(stmt, **names):
    return min(timeit.repeat(stmt, globals=names, number=N, repeat=5)) / N * 1e6


if __name__ == "__main__":
    f = labrun.log_metric
    print("log_metric(name, float)        %.2f us" % best("f('loss', 0.123456789)", f=f))
    print("log_metric(name, float, step)  %.2f us" % best("f('loss', 0.123456789, 7)", f=f))
    print("log_metric(name, int)          %.2f us" % best("f('epoch', 7)", f=f))
    print("  of which the RLock           %.2f us" % best("with l: pass", l=threading.RLock()))
    print("  of which repr(float)         %.2f us" % best("repr(0.123456789)"))
