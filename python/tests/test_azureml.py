"""azureml.logging: the Workbench logger, and living next to an installed azureml SDK."""

import os
import subprocess
import sys
import textwrap

from tests.support import PYTHON_DIR, TempDirTest, env_with, metric_files, metric_records, run_python


class AzureMLLoggerTest(TempDirTest):
    def test_log_forms(self):
        result = run_python(textwrap.dedent("""
            import labrun
            from azureml.logging import get_azureml_logger
            logger = get_azureml_logger()
            assert logger is get_azureml_logger()
            logger.log("Accuracy", 0.93)
            logger.log(description="Regularization Rate", value=0.01)
            logger.log(name="curve", value=[0.1, 0.2])
            logger.log("confusion", {"tp": 3, "fp": 1})
            labrun.log_metric("Accuracy", 0.95)
            logger.info("goes to the standard logging module")
            for bad in (lambda: logger.log(value=1), lambda: logger.log("x", 1, colour="red")):
                try:
                    bad()
                    raise SystemExit("no TypeError")
                except TypeError:
                    pass
            """), metrics_dir=self.path("m"))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        recs = metric_records(metric_files(self.path("m"))[0])
        self.assertEqual([(s, n, v) for _, _, s, n, v in recs], [
            (0, "Accuracy", 0.93), (0, "Regularization Rate", 0.01), (0, "curve", "[0.1,0.2]"),
            (0, "confusion", '{"tp":3,"fp":1}'), (1, "Accuracy", 0.95)])

    def test_our_azureml_is_a_namespace_portion(self):
        self.assertFalse(os.path.exists(os.path.join(PYTHON_DIR, "azureml", "__init__.py")))

    def fake_sdk(self):
        sdk = self.path("sdk")
        os.makedirs(os.path.join(sdk, "azureml", "core"))
        with open(os.path.join(sdk, "azureml", "__init__.py"), "w") as f:
            f.write("__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n")
        with open(os.path.join(sdk, "azureml", "core", "__init__.py"), "w") as f:
            f.write("VERSION = 'fake-sdk'\n")
        return sdk

    def import_both(self, *path):
        code = textwrap.dedent("""
            import azureml.core
            from azureml.logging import get_azureml_logger
            get_azureml_logger().log("ok", 1)
            print(azureml.core.VERSION)
            """)
        return subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env_with(PYTHONPATH=os.pathsep.join(path), LABRUN_METRICS_DIR=self.path("m")))

    def test_merges_with_an_sdk_that_extends_its_path(self):
        sdk = self.fake_sdk()
        for path in ((PYTHON_DIR, sdk), (sdk, PYTHON_DIR)):
            result = self.import_both(*path)
            self.assertEqual(result.returncode, 0, result.stderr.decode())
            self.assertEqual(result.stdout.decode().strip(), "fake-sdk")

    def test_an_installed_sdk_core_is_what_scripts_get_whatever_the_path_order(self):
        sdk = self.fake_sdk()
        with open(os.path.join(sdk, "azureml", "core", "run.py"), "w") as f:
            f.write("class Run:\n    origin = 'sdk'\n")
        code = "import azureml.core\nfrom azureml.core.run import Run\nprint(azureml.core.VERSION, Run.origin)"
        for order in ((PYTHON_DIR, sdk), (sdk, PYTHON_DIR)):
            result = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=env_with(PYTHONPATH=os.pathsep.join(order)))
            self.assertEqual(result.stdout.decode().strip(), "fake-sdk sdk", result.stderr.decode())

    def test_alone(self):
        result = subprocess.run([sys.executable, "-c", "import azureml.logging, labrun; print('ok')"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_with())
        self.assertEqual(result.stdout.decode().strip(), "ok", result.stderr.decode())


class OtherProductTest(TempDirTest):
    """azureml.api, azureml.assets, azureml.datacollector: Model Management, another product."""

    def test_importing_one_says_so_in_one_line(self):
        for statement, module in (("from azureml.api.schema.dataTypes import DataTypes", "azureml.api"),
                                  ("from azureml.assets import get_local_path", "azureml.assets"),
                                  ("import azureml.datacollector", "azureml.datacollector")):
            result = run_python(statement)
            err = result.stderr.decode()
            self.assertEqual(result.returncode, 1, err)
            self.assertEqual(err.splitlines(), [
                "labrun: %s belongs to Azure ML Model Management (the Workbench's model deployment service), a separate "
                "product that labrun does not provide: run this code where that product's SDK is installed, or leave "
                "the import out of what you submit" % module])

    def test_a_script_that_carries_on_without_it_still_does(self):
        result = run_python(textwrap.dedent("""
            try:
                from azureml.datacollector import ModelDataCollector
            except ImportError:
                print("data collection disabled")
            """))
        self.assertEqual((result.returncode, result.stdout.decode()), (0, "data collection disabled\n"), result.stderr.decode())
