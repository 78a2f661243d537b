"""Cost of one labrun.log_metric call (and a few neighbours), best of 5 runs of 1,000,000 calls
into a real metrics file, in CPU time of this process (steadier than wall time on a shared
machine; the writer makes no system call per point, so the two agree on a quiet one):

    LABRUN_METRICS_DIR=$(mktemp -d) PYTHONPATH=python python3 python/tests/bench_log_metric.py
"""

import time
import timeit

import labrun
from azureml.logging import get_azureml_logger

N = 1000000


def best(stmt, **names):
    return min(timeit.repeat(stmt, globals=names, number=N, repeat=5, timer=time.process_time)) / N * 1e6


def nothing(name, value, step=None):
    pass


if __name__ == "__main__":
    f = labrun.log_metric
    print("log_metric(name, float)        %.2f us" % best("f('loss', 0.123456789)", f=f))
    print("log_metric(name, float, step)  %.2f us" % best("f('loss', 0.123456789, 7)", f=f))
    print("log_metric(name, int)          %.2f us" % best("f('epoch', 7)", f=f))
    print("log_metric(name, str)          %.2f us  (a text record)" % best("f('phase', 'train')", f=f))
    print("get_azureml_logger().log       %.2f us" % best("g('Accuracy', 0.93)", g=get_azureml_logger().log))
    print("  a call of an empty function  %.2f us" % best("f('loss', 0.123456789, 7)", f=nothing))
