"""azureml.core.run.Run: the SDK's run object in a labrun run (records through the metrics writer,
uploads into the state folder) and outside one (an offline run that only says what it would do)."""

import json
import os
import subprocess
import sys
import textwrap

from tests.support import TempDirTest, env_with, metric_files, metric_records, run_python

SCRIPT = textwrap.dedent("""
    import io, json, os
    from azureml.core.run import Run
    run = Run.get_submitted_run()
    assert run is Run.get_context()
    run.log("accuracy", 0.5)
    run.log("accuracy", 0.75)
    run.log("loss", 0.1, description="training loss", step=10)
    run.log("columns", ["age", "bmi"])
    run.log_list("precision", [0.25, 0.5])
    run.log_row("citrus", fruit="orange", size=10)
    run.log_row("citrus", fruit="lime", size=3)
    run.log_table("Y over X", {"x": [1, 2], "y": [0.5, 0.7]})
    run.tag("model", "ridge")
    run.tag("quick")
    run.set_tags({"alpha": 0.1})
    run.add_properties({"dataset": "diabetes"})
    os.makedirs("outputs", exist_ok=True)
    with open("outputs/digits.png", "wb") as f:
        f.write(b"png bytes")
    run.upload_file("sample digits", "./outputs/digits.png")
    run.upload_file("notes/readme.txt", io.BytesIO(b"uploaded from a stream"))
    os.makedirs("extra/sub")
    with open("extra/sub/a.txt", "w") as f:
        f.write("a")
    run.upload_folder("extra", "extra")
    run.log_image("curve", path="./outputs/digits.png")
    class Figure:
        def savefig(self, f, format):
            f.write(b"figure as " + format.encode())
    run.log_image("plot.png", plot=Figure())
    print(json.dumps({"id": run.id, "experiment": run.experiment.name, "details": run.get_details(),
                      "files": run.get_file_names(), "metrics": run.get_metrics(), "tags": run.get_tags()}))
    """)


class RunInALabrunRunTest(TempDirTest):
    def run_script(self):
        os.makedirs(self.path("work"))
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=self.path("work"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=60,
                                env=env_with(LABRUN_METRICS_DIR=self.path("m"), LABRUN_RUN_ID="run-7",
                                             LABRUN_EXPERIMENT="diabetes"))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stderr.decode(), "")
        return json.loads(result.stdout.decode())

    def test_metrics_tags_and_properties_go_through_the_writer(self):
        self.run_script()
        recs = [(k, s, n, v) for k, _, s, n, v in metric_records(metric_files(self.path("m"))[0])]
        self.assertEqual(recs, [
            ("m", 0, "accuracy", 0.5), ("m", 1, "accuracy", 0.75), ("m", 10, "loss", 0.1),
            ("m", 0, "columns", '["age","bmi"]'), ("m", 0, "precision", "[0.25,0.5]"),
            ("m", 0, "citrus", '{"fruit":"orange","size":10}'), ("m", 1, "citrus", '{"fruit":"lime","size":3}'),
            ("m", 0, "Y over X", '{"x":[1,2],"y":[0.5,0.7]}'),
            ("t", 0, "model", '"ridge"'), ("t", 0, "quick", '""'), ("t", 0, "alpha", '"0.1"'),
            ("p", 0, "dataset", '"diabetes"')])

    def test_uploads_land_whole_under_their_artifact_names(self):
        out = self.run_script()
        uploads = self.path("m", "uploads")
        found = {}
        for folder, _, files in os.walk(uploads):
            for f in files:
                with open(os.path.join(folder, f), "rb") as fh:
                    found[os.path.relpath(os.path.join(folder, f), uploads)] = fh.read()
        self.assertEqual(found, {"sample digits": b"png bytes", os.path.join("notes", "readme.txt"): b"uploaded from a stream",
                                 os.path.join("extra", "sub", "a.txt"): b"a", "curve.png": b"png bytes",
                                 "plot.png": b"figure as png"})
        self.assertEqual(oct(os.stat(os.path.join(uploads, "sample digits")).st_mode & 0o777), oct(0o644))
        self.assertEqual([f for f in os.listdir(self.path("m")) if f.startswith(".upload-")], [], "no temporary file left")
        self.assertEqual(out["files"], ["sample digits", "notes/readme.txt", "extra/sub/a.txt", "curve.png", "plot.png"])

    def test_what_the_script_reads_back(self):
        out = self.run_script()
        self.assertEqual((out["id"], out["experiment"]), ("run-7", "diabetes"))
        details = out["details"]
        self.assertEqual((details["runId"], details["status"]), ("run-7", "Running"))
        self.assertRegex(details["startTimeUtc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$")
        self.assertEqual(details["properties"], {"dataset": "diabetes"})
        self.assertEqual(out["tags"], {"model": "ridge", "quick": "", "alpha": "0.1"})
        self.assertEqual(out["metrics"]["accuracy"], [0.5, 0.75])
        self.assertEqual(out["metrics"]["loss"], 0.1)

    def test_an_artifact_name_cannot_leave_the_uploads(self):
        result = run_python(textwrap.dedent("""
            from azureml.core.run import Run
            try:
                Run.get_context().upload_file("../../etc/x", __file__ if "__file__" in dir() else "/dev/null")
            except ValueError as e:
                print(e)
            """), metrics_dir=self.path("m"))
        self.assertIn("an artifact name needs a file name and no '..'", result.stdout.decode())
        self.assertFalse(os.path.exists(self.path("m", "uploads")))


    def test_a_part_of_the_sdk_labrun_does_not_provide_is_one_line(self):
        result = run_python("from azureml.core.run import Run\nRun.get_context().log_confusion_matrix('cm', {})",
                            metrics_dir=self.path("m"))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.decode().splitlines(), [
            "labrun: Run.log_confusion_matrix is a part of the Azure ML SDK that labrun does not provide; a labrun run "
            "has log, log_list, log_row, log_table, log_image, tag, set_tags, add_properties, upload_file(s), "
            "upload_folder, get_details, get_metrics, get_file_names"])


class OfflineRunTest(TempDirTest):
    def test_outside_labrun_every_call_works_and_says_what_it_would_record(self):
        with open(self.path("f.txt"), "w") as f:
            f.write("x")
        result = run_python(textwrap.dedent("""
            from azureml.core.run import Run
            run = Run.get_submitted_run()
            print(run.id)
            run.log("accuracy", 0.9)
            run.log_list("curve", [1, 2])
            run.log_row("t", a=1)
            run.log_table("u", {"a": [1]})
            run.tag("k", "v")
            run.upload_file("f", %r)
            print(run.get_details()["status"], run.get_metrics("accuracy"), run.get_file_names())
            run.complete()
            try:
                Run.get_context(allow_offline=False)
            except RuntimeError as e:
                print(e)
            """ % self.path("f.txt")))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(result.stderr.decode(), "", "no warning about metrics: an offline run writes none")
        lines = result.stdout.decode().splitlines()
        self.assertRegex(lines[0], r"^OfflineRun_[0-9a-f-]{36}$")
        self.assertEqual(lines[1:10], [
            "Attempted to log scalar metric accuracy:", "0.9", "Attempted to log list metric curve:", "[1, 2]",
            "Attempted to log row metric t:", "{'a': 1}", "Attempted to log table metric u:", "{'a': [1]}",
            "Attempted to set tag k: v"])
        self.assertEqual(lines[10], "Attempted to upload file %s as f" % self.path("f.txt"))
        self.assertEqual(lines[11], "Running {'accuracy': 0.9} ['f']")
        self.assertIn("not running under labrun", lines[12])
