"""labrun_supervisor.py: the state folder protocol of docs/architecture.md."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from tests.support import (SUPERVISOR, TempDirTest, env_with, is_gone, metric_files, metric_records,
                           output_records, read_json, wait_for)


class SupervisorTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.state = self.path("state")
        self.work = self.path("work")
        os.makedirs(self.state)
        os.makedirs(self.work)

    def launch(self, script=None, argv=None, **fields):
        """Writes the script and launch.json; returns the supervisor's argv."""
        if script is not None:
            with open(os.path.join(self.work, "script.py"), "w") as f:
                f.write(textwrap.dedent(script))
        spec = {"argv": argv or [sys.executable, "script.py"], "cwd": self.work, "env": {},
                "log_limit_bytes": 64 << 20, "timeout_seconds": None, "kill_grace_seconds": 2,
                "parent_pid": os.getpid(), "finalize_argv": None}
        spec.update(fields)
        with open(os.path.join(self.state, "launch.json"), "w") as f:
            json.dump(spec, f)
        return [sys.executable, SUPERVISOR, self.state]

    def supervise(self, script=None, **fields):
        """Runs the supervisor to its end; returns exit.json."""
        result = subprocess.run(self.launch(script, **fields), env=env_with(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return read_json(os.path.join(self.state, "exit.json"))

    def start(self, script, **fields):
        """Starts the supervisor in the background, once the script runs; returns the Popen."""
        proc = subprocess.Popen(self.launch(script, **fields), env=env_with(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: os.path.exists(os.path.join(self.state, "supervisor.json")), message="supervisor.json")
        return proc

    def joined_lines(self):
        """stdout lines with the chunks before them joined on."""
        lines, chunk = [], ""
        for tag, text in output_records(self.state):
            if tag == "O":
                chunk += text
            elif tag == "o":
                lines.append(chunk + text)
                chunk = ""
        return lines

    def lines(self, tag=None):
        return [text for t, text in output_records(self.state) if tag is None or t == tag]

    # -- exits ---------------------------------------------------------------------------------

    def test_exit_codes(self):
        self.assertEqual(self.supervise("pass")["exit_code"], 0)
        ex = self.supervise("import sys\nsys.exit(3)")
        self.assertEqual((ex["exit_code"], ex["signal"], ex["canceled"], ex["timed_out"], ex["error"]),
                         (3, None, False, False, None))
        self.assertGreater(ex["ended_ms"], 1500000000000)
        self.assertEqual(ex["dropped_output_bytes"], 0)

    def test_outputs_exists_when_the_script_starts(self):
        # as in the original: scripts save into ./outputs without creating it
        ex = self.supervise("import os, sys\nsys.exit(0 if os.path.isdir('outputs') else 5)")
        self.assertEqual(ex["exit_code"], 0)

    def test_exit_record_tells_whether_outputs_hold_anything(self):
        self.assertIs(self.supervise("pass")["outputs"], False)
        self.assertIs(self.supervise("open('outputs/model.txt', 'w').write('m')")["outputs"], True)

    def test_death_by_signal(self):
        ex = self.supervise("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
        self.assertEqual((ex["exit_code"], ex["signal"]), (137, 9))

    def test_supervisor_json(self):
        self.supervise("pass")
        state = read_json(os.path.join(self.state, "supervisor.json"))
        self.assertEqual(sorted(state), ["child_pgid", "child_pid", "pid", "started_ms"])
        self.assertEqual(state["child_pid"], state["child_pgid"])
        self.assertFalse(any(name.startswith("exit.json.tmp") for name in os.listdir(self.state)))

    def test_program_not_found(self):
        ex = self.supervise(argv=[os.path.join(self.tmp, "no-such-python"), "script.py"])
        self.assertEqual(ex["exit_code"], 127)
        self.assertIn("not found", ex["error"])
        self.assertIn("no-such-python", self.lines("s")[0])
        self.assertFalse(os.path.exists(os.path.join(self.state, "supervisor.json")))

    def test_program_not_executable(self):
        path = os.path.join(self.work, "plain.txt")
        open(path, "w").close()
        ex = self.supervise(argv=[path])
        self.assertEqual(ex["exit_code"], 126)
        self.assertIn("not executable", ex["error"])

    def test_working_folder_not_found(self):
        ex = self.supervise("pass", cwd=os.path.join(self.tmp, "gone"))
        self.assertEqual(ex["exit_code"], 127)
        self.assertIn("working folder", ex["error"])

    def test_environment(self):
        self.supervise("""
            import os, sys
            print(os.environ["FOO"], os.environ["PYTHONUNBUFFERED"], os.environ["LABRUN_METRICS_DIR"])
            print(os.path.realpath(os.environ["PYTHONPATH"].split(os.pathsep)[0]))
            print(os.getcwd() == os.path.realpath(sys.argv[1]), os.getsid(0) == os.getpid())
            """, argv=[sys.executable, "script.py", self.work], env={"FOO": "bar baz"})
        out = self.lines("o")
        self.assertEqual(out[0], "bar baz 1 " + os.path.join(self.state, "metrics"))
        self.assertEqual(out[1], os.path.realpath(os.path.dirname(SUPERVISOR)))
        self.assertEqual(out[2], "True True")

    def test_unbuffered_can_be_overridden(self):
        self.supervise("import os\nprint(os.environ['PYTHONUNBUFFERED'])", env={"PYTHONUNBUFFERED": "0"})
        self.assertEqual(self.lines("o"), ["0"])

    # -- output --------------------------------------------------------------------------------

    def test_stdout_and_stderr_in_order(self):
        self.supervise("""
            import sys, time
            print("out 1")
            time.sleep(0.2)  # pipes are read in rounds: only data apart in time keeps its order
            sys.stderr.write("err 1\\n")
            time.sleep(0.2)
            print("out 2")
            """)
        self.assertEqual(output_records(self.state), [("o", "out 1"), ("e", "err 1"), ("o", "out 2")])

    def test_partial_line_is_flushed_after_quiet(self):
        self.supervise("""
            import sys, time
            sys.stdout.write("10%")
            sys.stdout.flush()
            time.sleep(0.4)
            sys.stdout.write("\\r50%")
            sys.stdout.flush()
            time.sleep(0.4)
            print("\\rdone")
            sys.stderr.write("no newline at the end")
            """)
        self.assertEqual(output_records(self.state),
                         [("O", "10%"), ("O", "\r50%"), ("o", "\rdone"), ("E", "no newline at the end")])

    def test_output_records_have_times(self):
        self.supervise("print('x')")
        with open(os.path.join(self.state, "output.log"), "rb") as f:
            ms = int(f.read().split(b"\t")[0])
        self.assertLess(abs(ms - time.time() * 1000), 60000)

    def test_unicode_and_invalid_utf8(self):
        self.supervise("""
            import sys, time
            print("h\\u00e9llo \\u20ac \\U0001F600")
            sys.stdout.buffer.write(b"bad \\xff\\xfe end\\n")
            sys.stdout.buffer.write(b"split \\xe2\\x82")
            sys.stdout.flush()
            time.sleep(0.03)
            sys.stdout.buffer.write(b"\\xac euro\\n")
            """)
        # (a slow machine may flush "split " on its own before the rest comes: join chunks to lines)
        self.assertEqual(self.joined_lines(), ["h\u00e9llo \u20ac \U0001F600", "bad \ufffd\ufffd end", "split \u20ac euro"])

    def test_tabs_backslashes_and_nul_round_trip(self):
        text = "a\tb\\c\\\\t d\re\0f \\n"
        self.supervise("print(%r)" % text)
        self.assertEqual(self.lines("o"), [text])
        with open(os.path.join(self.state, "output.log"), "rb") as f:
            raw = f.read()
        self.assertEqual(raw.count(b"\t"), 2)
        self.assertEqual(raw.count(b"\n"), 1)

    def test_long_line_without_newline_comes_in_chunks(self):
        self.supervise("import sys\nsys.stdout.write('x' * 300000)\nsys.stdout.flush()\nimport time\ntime.sleep(0.3)\nprint()")
        records = output_records(self.state)
        self.assertEqual("".join(text for _, text in records), "x" * 300000)
        self.assertGreater(len(records), 2)
        self.assertEqual(records[-1][0], "o")

    def test_log_limit_keeps_the_start_and_the_tail(self):
        line = "%06d " + "y" * 92  # 100 bytes with its newline
        ex = self.supervise("""
            for i in range(30000):
                print(%r %% i)
            """ % line, log_limit_bytes=10000)
        records = output_records(self.state)
        stored = [t for tag, t in records if tag == "o"]
        notes = [t for tag, t in records if tag == "s"]
        self.assertEqual(stored[:100], [line % i for i in range(100)])
        self.assertEqual(stored[-1], line % 29999)
        self.assertEqual(len(notes), 2, notes)
        self.assertIn("over the log limit of 10000 bytes", notes[0])
        tail = stored[100:]
        self.assertEqual(tail, [line % i for i in range(30000 - len(tail), 30000)])
        self.assertEqual(len(tail), (1 << 20) // 100)
        self.assertEqual(ex["dropped_output_bytes"], (30000 - 100 - len(tail)) * 100)
        self.assertIn("%d bytes of output were dropped" % ex["dropped_output_bytes"], notes[1])
        self.assertEqual(records[-len(tail) - 1][0], "s")

    # -- stopping ------------------------------------------------------------------------------

    SPAWNS_A_GRANDCHILD = """
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open("pids", "w") as f:
            f.write("%d %d" % (os.getpid(), child.pid))
        print("ready")
        time.sleep(60)
        """

    def pids(self):
        def read():
            try:
                with open(os.path.join(self.work, "pids")) as f:
                    return [int(p) for p in f.read().split()] or None
            except (OSError, ValueError):
                return None
        return wait_for(read, message="pids")

    def test_cancel_stops_child_and_grandchild(self):
        proc = self.start(self.SPAWNS_A_GRANDCHILD, kill_grace_seconds=5)
        pids = self.pids()
        wait_for(lambda: os.path.exists(os.path.join(self.state, "output.log")) and self.lines("o"), message="ready")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=30), 0)
        ex = read_json(os.path.join(self.state, "exit.json"))
        self.assertTrue(ex["canceled"])
        self.assertFalse(ex["timed_out"])
        self.assertEqual((ex["exit_code"], ex["signal"]), (143, 15))
        for pid in pids:
            wait_for(lambda: is_gone(pid), message="pid %d gone" % pid)
        self.assertIn("canceled", self.lines("s")[0])

    def test_cancel_by_sigint_kills_after_grace(self):
        proc = self.start("""
            import signal, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("ignoring TERM", flush=True)
            time.sleep(60)
            """, kill_grace_seconds=0.5)
        wait_for(lambda: os.path.exists(os.path.join(self.state, "output.log")) and self.lines("o"), message="ready")
        began = time.monotonic()
        proc.send_signal(signal.SIGINT)
        self.assertEqual(proc.wait(timeout=30), 0)
        self.assertLess(time.monotonic() - began, 10)
        ex = read_json(os.path.join(self.state, "exit.json"))
        self.assertEqual((ex["canceled"], ex["exit_code"], ex["signal"]), (True, 137, 9))
        self.assertTrue(any("SIGKILL" in note for note in self.lines("s")))

    def test_timeout(self):
        began = time.monotonic()
        ex = self.supervise("import time\nprint('start')\ntime.sleep(60)", timeout_seconds=0.5, kill_grace_seconds=5)
        self.assertLess(time.monotonic() - began, 10)
        self.assertEqual((ex["timed_out"], ex["canceled"], ex["exit_code"], ex["signal"]), (True, False, 143, 15))
        self.assertIn("timed out", self.lines("s")[0])

    def test_leftover_processes_are_stopped_when_the_script_ends(self):
        self.supervise("""
            import subprocess, sys
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            open("pids", "w").write(str(child.pid))
            print("leaving")
            """, kill_grace_seconds=1)
        pid = self.pids()[0]
        wait_for(lambda: is_gone(pid), message="leftover gone")
        self.assertTrue(any("left processes running" in note for note in self.lines("s")))

    def test_an_orphaned_zombie_does_not_hold_the_run_open(self):
        # bash forks `true` and execs sleep, which never reaps it: when sleep exits, the zombie is
        # orphaned inside the script's group (as spark-class's subshell is when spark-submit ends).
        began = time.monotonic()
        ex = self.supervise(argv=["bash", "-c", "true & exec sleep 0.3"], kill_grace_seconds=5)
        self.assertEqual(ex["exit_code"], 0)
        self.assertFalse(any("left processes running" in note for note in self.lines("s")), self.lines("s"))
        self.assertLess(time.monotonic() - began, 5)

    # -- the end -------------------------------------------------------------------------------

    def test_finalize_runs_when_the_parent_is_gone(self):
        gone = subprocess.Popen(["true"])
        gone.wait()
        marker = os.path.join(self.tmp, "finalized")
        self.supervise("print('hi')", parent_pid=gone.pid, finalize_argv=[
            sys.executable, "-c",
            "import os, sys; open(%r, 'w').write(os.getcwd() + ' ' + str(os.getsid(0) == os.getpid()))" % marker])
        with open(wait_for(lambda: os.path.exists(marker) and os.path.getsize(marker) and marker,
                           message="finalizer")) as f:
            self.assertEqual(f.read(), os.path.realpath(self.state) + " True")

    def test_no_finalize_while_the_parent_lives(self):
        marker = os.path.join(self.tmp, "finalized")
        self.supervise("pass", parent_pid=os.getpid(), finalize_argv=[sys.executable, "-c", "open(%r, 'w')" % marker])
        time.sleep(0.5)
        self.assertFalse(os.path.exists(marker))

    def test_works_with_its_own_stdio_closed(self):
        argv = self.launch("import sys\nprint('out')\nsys.stderr.write('err\\n')")
        proc = subprocess.Popen(argv, env=env_with(), preexec_fn=lambda: [os.close(fd) for fd in (0, 1, 2)])
        self.assertEqual(proc.wait(timeout=60), 0)
        self.assertEqual(output_records(self.state), [("o", "out"), ("e", "err")])

    def test_metrics_land_in_the_state_folder(self):
        self.supervise("""
            import labrun
            from azureml.logging import get_azureml_logger
            labrun.log_metric("loss", 0.5)
            get_azureml_logger().log("accuracy", 0.9)
            """)
        files = metric_files(os.path.join(self.state, "metrics"))
        self.assertEqual(len(files), 1)
        self.assertEqual([(n, v) for _, _, _, n, v in metric_records(files[0])], [("loss", 0.5), ("accuracy", 0.9)])

    def test_bad_launch_json_is_recorded(self):
        with open(os.path.join(self.state, "launch.json"), "w") as f:
            f.write("{not json")
        result = subprocess.run([sys.executable, SUPERVISOR, self.state], env=env_with(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(result.returncode, 1)
        ex = read_json(os.path.join(self.state, "exit.json"))
        self.assertIn("supervisor failed", ex["error"])

    def test_usage(self):
        result = subprocess.run([sys.executable, SUPERVISOR], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"usage", result.stderr)
