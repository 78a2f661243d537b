"""labrun_zygote.py: supervisors started by forking, one per state folder."""

import json
import os
import subprocess
import sys
import textwrap

from tests.support import PYTHON_DIR, TempDirTest, env_with, is_gone, output_records, read_json, wait_for


class ZygoteTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.zygote = subprocess.Popen([sys.executable, "-S", "-E", os.path.join(PYTHON_DIR, "labrun_zygote.py")], env=env_with(),
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop)

    def stop(self):
        if self.zygote.poll() is None:
            self.zygote.stdin.close()
            self.zygote.wait(timeout=10)
        self.zygote.stdout.close()

    def state(self, name, script, **fields):
        state, work = self.path(name, "state"), self.path(name, "work")
        os.makedirs(state)
        os.makedirs(work)
        with open(os.path.join(work, "script.py"), "w") as f:
            f.write(textwrap.dedent(script))
        spec = {"argv": [sys.executable, "script.py"], "cwd": work, "env": {}, "log_limit_bytes": 1 << 20,
                "timeout_seconds": None, "kill_grace_seconds": 2, "parent_pid": os.getpid(), "finalize_argv": None}
        spec.update(fields)
        with open(os.path.join(state, "launch.json"), "w") as f:
            json.dump(spec, f)
        return state

    def ask(self, state):
        self.zygote.stdin.write((state + "\n").encode())
        self.zygote.stdin.flush()

    def line(self):
        return self.zygote.stdout.readline().decode().rstrip("\n")

    def test_each_line_starts_a_supervisor_that_records_the_run(self):
        a = self.state("a", "print('from a')\n")
        b = self.state("b", "import sys\nprint('from b', file=sys.stderr)\nsys.exit(3)\n")
        self.ask(a)
        self.ask(b)
        lines = [self.line() for _ in range(6)]
        started = [l for l in lines if l.startswith("started ")]
        self.assertEqual(len(started), 2, lines)
        self.assertRegex(started[0], r"^started \d+ " + a + "$")
        self.assertRegex(started[1], r"^started \d+ " + b + "$")
        pids = {int(s.split()[1]) for s in started}
        self.assertEqual({l for l in lines if l.startswith("ready ")}, {"ready %d" % pid for pid in pids})
        self.assertEqual({l for l in lines if l.startswith("exited ")}, {"exited %d 0" % pid for pid in pids})
        for line in started:
            self.assertLess(lines.index(line), lines.index("exited %s 0" % line.split()[1]))
        self.assertEqual(read_json(os.path.join(a, "exit.json"))["exit_code"], 0)
        self.assertEqual(read_json(os.path.join(b, "exit.json"))["exit_code"], 3)
        self.assertIn(("o", "from a"), output_records(a))
        self.assertIn(("e", "from b"), output_records(b))
        state = read_json(os.path.join(a, "supervisor.json"))
        self.assertIn(state["pid"], pids)

    def test_a_supervisor_has_a_session_of_its_own_and_outlives_the_zygote(self):
        a = self.state("a", "import time\nprint('up', flush=True)\ntime.sleep(1.5)\nprint('still here')\n")
        self.ask(a)
        pid = int(self.line().split()[1])
        self.assertEqual(self.line(), "ready %d" % pid)
        self.assertTrue(os.path.exists(os.path.join(a, "supervisor.json")), "ready comes after supervisor.json")
        self.assertEqual(os.getsid(pid), pid)
        self.assertNotEqual(os.getsid(pid), os.getsid(self.zygote.pid))
        self.stop()  # end of stdin: the zygote ends, the run goes on
        self.assertEqual(self.zygote.returncode, 0)
        wait_for(lambda: os.path.exists(os.path.join(a, "exit.json")), timeout=20, message="exit.json")
        self.assertEqual(read_json(os.path.join(a, "exit.json"))["exit_code"], 0)
        self.assertIn(("o", "still here"), output_records(a))
        wait_for(lambda: is_gone(pid), message="the supervisor to end")

    def test_a_state_folder_that_does_not_exist_ends_its_child_at_once(self):
        missing = self.path("nowhere")
        self.ask(missing)
        started = self.line()
        self.assertTrue(started.startswith("started "), started)
        self.assertEqual(self.line(), "exited %s 1" % started.split()[1])
        self.ask(self.state("ok", "pass\n"))
        self.assertRegex(self.line(), r"^(started|ready) ", "the zygote goes on")

    def test_cancel_reaches_a_forked_supervisor(self):
        a = self.state("a", "import time\nprint('up', flush=True)\ntime.sleep(600)\n")
        self.ask(a)
        pid = int(self.line().split()[1])
        self.assertEqual(self.line(), "ready %d" % pid)
        os.kill(pid, 15)
        self.assertEqual(self.line(), "exited %d 0" % pid)
        record = read_json(os.path.join(a, "exit.json"))
        self.assertTrue(record["canceled"])
