"""The metrics writer behind labrun.log_metric and azureml.logging."""

import json
import math
import mmap
import os
import struct
import textwrap
import unittest

from labrun._writer import escape, value_text
from tests.support import TempDirTest, metric_files, metric_records, run_python


class ValueTextTest(unittest.TestCase):
    def test_scalars(self):
        self.assertEqual(value_text(0.5), "0.5")
        self.assertEqual(value_text(1e100), "1e+100")
        self.assertEqual(value_text(-0.0), "-0.0")
        self.assertEqual(value_text(3), "3")
        self.assertEqual(value_text(10 ** 30), str(10 ** 30))
        self.assertEqual(value_text(True), "true")
        self.assertEqual(value_text(False), "false")
        self.assertEqual(value_text(None), "null")
        self.assertEqual(value_text('say "hi"\t\n'), '"say \\"hi\\"\\t\\n"')

    def test_floats_json_lacks_are_tokens(self):
        self.assertEqual(value_text(float("nan")), "NaN")
        self.assertEqual(value_text(float("inf")), "Infinity")
        self.assertEqual(value_text(float("-inf")), "-Infinity")
        self.assertEqual(value_text([1.5, float("nan"), float("-inf")]), "[1.5,NaN,-Infinity]")

    def test_lists_and_dicts_are_compact_json(self):
        self.assertEqual(value_text([1, 2, 3]), "[1,2,3]")
        self.assertEqual(value_text((1, "a")), '[1,"a"]')
        self.assertEqual(json.loads(value_text({"a": 1, "b": [True, None]})), {"a": 1, "b": [True, None]})
        self.assertNotIn("\n", value_text({"x\ny": "\u00e9\u20ac\U0001F600"}))

    def test_number_like_objects(self):
        class Scalar(object):  # stands for numpy.float32 / a 0-d tensor
            ndim = 0

            def item(self):
                return 0.25

        class Array(object):
            ndim = 1

            def tolist(self):
                return [1, 2]

        import enum

        class Level(enum.IntEnum):
            HIGH = 3

        class MyFloat(float):
            pass

        self.assertEqual(value_text(Scalar()), "0.25")
        self.assertEqual(value_text(Array()), "[1,2]")
        self.assertEqual(value_text(Level.HIGH), "3")
        self.assertEqual(value_text(MyFloat(2.5)), "2.5")
        self.assertEqual(value_text({"when": object}), json.dumps({"when": str(object)}, separators=(",", ":")))

    def test_escape(self):
        self.assertEqual(escape("a\tb\\c\nd\re\0f"), "a\\tb\\\\c\\nd\\re\\0f")


class WriterTest(TempDirTest):
    def metrics(self):
        files = metric_files(self.path("m"))
        self.assertEqual(len(files), 1, files)
        return metric_records(files[0])

    def run_ok(self, code, **env):
        result = run_python(textwrap.dedent(code), metrics_dir=self.path("m"), **env)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result

    def test_record_format_and_steps(self):
        self.run_ok("""
            import labrun
            labrun.log_metric("loss", 0.5)
            labrun.log_metric("loss", 0.25)
            labrun.log_metric("acc", 1)
            labrun.log_metric("loss", 0.125, step=10)
            labrun.log_metric("loss", 0.0625)
            labrun.log_metrics({"a": 1, "b": 2}, step=7)
            labrun.log_param("lr", 0.01)
            labrun.log_params({"layers": 3, "opt": "adam"})
            labrun.set_tag("model", "resnet")
            labrun.set_tag("seed", 42)
            """)
        recs = self.metrics()
        # numbers are binary points (floats here), everything else text records (JSON text)
        self.assertEqual([(k, s, n, v) for k, _, s, n, v in recs], [
            ("m", 0, "loss", 0.5), ("m", 1, "loss", 0.25), ("m", 0, "acc", 1.0),
            ("m", 10, "loss", 0.125), ("m", 11, "loss", 0.0625),
            ("m", 7, "a", 1.0), ("m", 7, "b", 2.0),
            ("p", 0, "lr", "0.01"), ("p", 0, "layers", "3"), ("p", 0, "opt", '"adam"'),
            ("t", 0, "model", '"resnet"'), ("t", 0, "seed", '"42"')])
        times = [ms for _, ms, _, _, _ in recs]
        self.assertTrue(all(abs(ms - times[0]) < 60000 for ms in times))
        self.assertEqual(times, sorted(times))

    def test_values_of_every_kind(self):
        self.run_ok("""
            import enum, labrun
            class MyFloat(float):  # as numpy.float64
                pass
            class Level(enum.IntEnum):
                HIGH = 3
            for v in [1.5, float("nan"), float("inf"), float("-inf"), True, "text", [1, 2.5], {"k": [1]}, None,
                      MyFloat(2.5), Level.HIGH, -7, 2 ** 53, 10 ** 400]:
                labrun.log_metric("v", v)
            """)
        recs = self.metrics()
        self.assertEqual([value_text(v) if type(v) is float else v for _, _, _, _, v in recs],
                         ["1.5", "NaN", "Infinity", "-Infinity", "true", '"text"', "[1,2.5]", '{"k":[1]}', "null",
                          "2.5", "3.0", "-7.0", "9007199254740992.0", str(10 ** 400)])
        self.assertEqual([type(v) for _, _, _, _, v in recs][-5:], [float, float, float, float, str])
        self.assertEqual([s for _, _, s, _, _ in recs], list(range(14)))

    def test_names_are_escaped_and_round_trip(self):
        self.run_ok(r"""
            import labrun
            labrun.log_metric("tab\there\\back\nnew\rcr\0nul", 1)
            labrun.log_metric("h\u00e9llo \u20ac \U0001F600", 2)
            labrun.log_metric(7, 3)
            """)
        recs = self.metrics()
        self.assertEqual([n for _, _, _, n, _ in recs],
                         ["tab\there\\back\nnew\rcr\0nul", "h\u00e9llo \u20ac \U0001F600", "7"])

    def test_outside_labrun_warns_once_and_does_nothing(self):
        result = run_python(textwrap.dedent("""
            import labrun
            from azureml.logging import get_azureml_logger
            labrun.log_metric("a", 1)
            labrun.log_param("p", 1)
            get_azureml_logger().log("b", 2)
            print("still running")
            """), metrics_dir=None)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stdout.decode().strip(), "still running")
        warnings = result.stderr.decode().strip().splitlines()
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("LABRUN_METRICS_DIR", warnings[0])

    def test_unwritable_directory_warns_and_script_goes_on(self):
        open(self.path("file"), "w").close()
        result = run_python("import labrun\nlabrun.log_metric('a', 1)\nlabrun.log_metric('a', 2)\nprint('ok')",
                            metrics_dir=self.path("file", "sub"))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stdout.decode().strip(), "ok")
        self.assertEqual(len(result.stderr.decode().strip().splitlines()), 1)

    def test_file_is_cut_to_its_content_at_exit(self):
        self.run_ok("import labrun\nlabrun.log_metric('a', 1)\nlabrun.log_param('p', 2)\nlabrun.log_metric('a', 3)")
        path = metric_files(self.path("m"))[0]
        self.assertEqual(len(self.metrics()), 3)
        point = 1 + 8 + 8 + 8 + 2 + len("a") + 1
        self.assertEqual(os.path.getsize(path), point + len("p\t0000000000000\t0\tp\t2\n") + point)

    def test_points_survive_sigkill(self):
        result = run_python(textwrap.dedent("""
            import os, signal, labrun
            for i in range(1000):
                labrun.log_metric("loss", i / 1000.0)
            labrun.log_metric("last", "before the kill")
            os.kill(os.getpid(), signal.SIGKILL)
            """), metrics_dir=self.path("m"))
        self.assertEqual(result.returncode, -9)
        recs = self.metrics()
        self.assertEqual(len(recs), 1001)
        self.assertEqual([s for _, _, s, n, _ in recs if n == "loss"], list(range(1000)))
        self.assertEqual(recs[-1][3:], ("last", '"before the kill"'))

    def test_a_million_points_arrive_in_order(self):
        self.run_ok("""
            import labrun
            for i in range(1000000):
                labrun.log_metric("loss", i * 0.25, step=i)
            for i in range(1000):
                labrun.log_metric("acc", i)  # steps counted: 0, 1, 2...
            """, timeout=300)
        recs = self.metrics()
        self.assertEqual(len(recs), 1001000)
        self.assertEqual([(s, v) for _, _, s, n, v in recs[:1000000]], [(i, i * 0.25) for i in range(1000000)])
        self.assertEqual(set(n for _, _, _, n, _ in recs[:1000000]), {"loss"})
        self.assertEqual([(n, s, v) for _, _, s, n, v in recs[1000000:]], [("acc", i, float(i)) for i in range(1000)])
        times = [ms for _, ms, _, _, _ in recs]
        self.assertEqual(times, sorted(times))

    def test_points_survive_an_unhandled_exception(self):
        result = run_python(textwrap.dedent("""
            import labrun
            for i in range(1000):
                labrun.log_metric("loss", i / 1000.0)
            labrun.log_metric("last", "before the crash")
            raise RuntimeError("boom")
            """), metrics_dir=self.path("m"))
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"RuntimeError: boom", result.stderr)
        recs = self.metrics()
        self.assertEqual([(s, v) for _, _, s, n, v in recs if n == "loss"], [(i, i / 1000.0) for i in range(1000)])
        self.assertEqual(recs[-1][3:], ("last", '"before the crash"'))

    def test_points_survive_os_exit(self):
        result = run_python(textwrap.dedent("""
            import os, labrun
            for i in range(1000):
                labrun.log_metric("loss", i / 1000.0)
            labrun.log_metric("last", 3)
            os._exit(3)
            """), metrics_dir=self.path("m"))
        self.assertEqual(result.returncode, 3)
        recs = self.metrics()
        self.assertEqual([(s, v) for _, _, s, n, v in recs if n == "loss"], [(i, i / 1000.0) for i in range(1000)])
        self.assertEqual(recs[-1][2:], (0, "last", 3.0))

    def test_records_cross_chunk_boundaries(self):
        self.run_ok("""
            import mmap, labrun, labrun._writer as w
            w.CHUNK = mmap.ALLOCATIONGRANULARITY
            for i in range(5000):
                labrun.log_metric("x", i)
            labrun.log_metric("big", {"k": "v" * (3 * mmap.ALLOCATIONGRANULARITY)})
            labrun.log_metric("x", -1)
            """)
        recs = self.metrics()
        self.assertEqual([int(v) for _, _, _, n, v in recs if n == "x"], list(range(5000)) + [-1])
        big = [v for _, _, _, n, v in recs if n == "big"]
        self.assertEqual(json.loads(big[0]), {"k": "v" * (3 * mmap.ALLOCATIONGRANULARITY)})

    def test_fork_child_writes_its_own_file(self):
        self.run_ok("""
            import os, labrun
            labrun.log_metric("who", "parent")
            pid = os.fork()
            if pid == 0:
                for i in range(100):
                    labrun.log_metric("child", i)
                os._exit(0)
            for i in range(100):
                labrun.log_metric("parent", i)
            os.waitpid(pid, 0)
            """)
        files = metric_files(self.path("m"))
        self.assertEqual(len(files), 2)
        by_name = {}
        for f in files:
            recs = metric_records(f)
            by_name[f] = sorted(set(n for _, _, _, n, _ in recs))
            for name in ("child", "parent"):
                steps = [s for _, _, s, n, _ in recs if n == name]
                self.assertIn(steps, ([], list(range(100))))
        self.assertEqual(sorted(by_name.values()), [["child"], ["parent", "who"]])

    def test_exec_with_the_same_pid_gets_a_new_file(self):
        self.run_ok("""
            import os, sys, labrun
            labrun.log_metric("before_exec", 1)
            os.execv(sys.executable, [sys.executable, "-c", "import labrun; labrun.log_metric('after_exec', 2)"])
            """)
        names = sorted(os.path.basename(f) for f in metric_files(self.path("m")))
        self.assertEqual(len(names), 2)
        self.assertTrue(names[0].endswith("-1.log") or names[1].endswith("-1.log"), names)

    def test_threads(self):
        self.run_ok("""
            import threading, labrun
            def work(t):
                for i in range(5000):
                    labrun.log_metric("t%d" % t, i * 0.5)
            threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
            for t in threads: t.start()
            for t in threads: t.join()
            """)
        recs = self.metrics()
        self.assertEqual(len(recs), 40000)
        for t in range(8):
            self.assertEqual([s for _, _, s, n, _ in recs if n == "t%d" % t], list(range(5000)))

    def test_threads_sharing_one_metric_get_distinct_steps(self):
        self.run_ok("""
            import sys, threading, labrun
            sys.setswitchinterval(1e-6)  # switch threads as often as possible
            def work(t):
                for i in range(20000):
                    labrun.log_metric("shared", float(t))
                    if i % 1000 == 0:
                        labrun.log_metric("shared", [t, i])  # through the slow path, same count
            threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
            for t in threads: t.start()
            for t in threads: t.join()
            """)
        recs = self.metrics()
        self.assertEqual(len(recs), 4 * 20020)
        self.assertEqual(sorted(s for _, _, s, _, _ in recs), list(range(4 * 20020)))
        for t in range(4):
            self.assertEqual(len([1 for _, _, _, _, v in recs if v == float(t)]), 20000)

    def test_logging_from_a_signal_handler_does_not_deadlock(self):
        result = run_python(textwrap.dedent("""
            import itertools, signal, labrun
            fired = [0]
            count = itertools.count(1)  # one C call: a nested handler cannot split it
            def on_alarm(signum, frame):
                v = next(count)
                labrun.log_metric("alarm", v)
                fired[0] = max(fired[0], v)
            signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
            for i in range(200000):
                labrun.log_metric("main", i)
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
            print(fired[0])
            """), metrics_dir=self.path("m"), timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        fired = int(result.stdout.decode())
        # An alarm pending at exit may log after the file was closed: that goes to a second file.
        recs = [r for f in metric_files(self.path("m")) for r in metric_records(f)]
        self.assertEqual(len([1 for r in recs if r[3] == "main"]), 200000)
        alarms = sorted(int(v) for _, _, _, n, v in recs if n == "alarm")
        self.assertGreaterEqual(len(alarms), fired)  # a pending alarm may still run after the print
        self.assertEqual(alarms, list(range(1, len(alarms) + 1)))

    def test_reader_view_stops_at_nul_and_ignores_a_partial_line(self):
        path = self.path("metrics-1.log")
        with open(path, "wb") as f:
            f.write(b"m\t1\t0\ta\t1\nm\t2\t1\ta\t2\nm\t3\t2\ta" + b"\0" * 100)
        self.assertEqual(metric_records(path), [("m", 1, 0, "a", "1"), ("m", 2, 1, "a", "2")])

    def test_reader_view_of_binary_points(self):
        point = struct.pack("<BqdqH", 1, 5, 0.25, 7000000, 4) + b"loss\n"
        path = self.path("metrics-1.log")
        for data, expected in [
                (point + b"\n\n" + point, [("m", 7, 5, "loss", 0.25)] * 2),
                (point + point[:-1] + b"\0" + point, [("m", 7, 5, "loss", 0.25)]),  # not there yet: its end
                (point + point[:-3], [("m", 7, 5, "loss", 0.25)]),
                (point + b"\0" + point, [("m", 7, 5, "loss", 0.25)])]:
            with open(path, "wb") as f:
                f.write(data + b"\0" * 64)
            self.assertEqual(metric_records(path), expected)


if __name__ == "__main__":
    unittest.main()
