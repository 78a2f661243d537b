"""``azureml.dataprep.package.run``: a Workbench data-preparation package, as a DataFrame.

    from azureml.dataprep.package import run
    df = run('iris.dprep', dataflow_idx=0, spark=False)   # a pandas DataFrame

A package (``.dprep``) and a data source (``.dsource``) are JSON files of *activities* (dataflows),
each a list of *blocks* run in order; ``dataflow_idx`` picks the activity. The blocks labrun runs
are in ``azureml/dataprep/_blocks.py``; inspectors only describe data and are skipped. What the
user has to fix (a block labrun cannot run, a missing file, pandas not installed) is a
:class:`labrun._errors.UserError`: one line, no traceback.
"""

import json
import os

from labrun._errors import UserError, install_hook

__all__ = ["run"]

install_hook()


def run(package_path, dataflow_idx=0, secrets=None, spark=None):
    """Runs activity ``dataflow_idx`` of the package and returns its data: a pandas DataFrame, or
    a Spark DataFrame with ``spark=True`` (which needs pyspark)."""
    pandas = _pandas()
    from azureml.dataprep._blocks import Dataflow  # after the pandas check: it needs pandas
    frame = Dataflow(pandas).run(_activity(package_path, dataflow_idx), package_path)
    if not spark:
        return frame
    return _spark_frame(frame)


def load(path):
    """The JSON of a package or data source file."""
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8-sig"))
    except FileNotFoundError:
        raise UserError("data-prep file not found: %s (relative paths are read from %s)" % (path, os.getcwd()))
    except (OSError, ValueError) as e:
        raise UserError("cannot read the data-prep file %s: %s" % (path, e))


def activities(path):
    doc = load(path)
    found = doc.get("activities") if isinstance(doc, dict) else None
    if not isinstance(found, list) or not found:
        raise UserError("%s has no activities (dataflows): is it a Workbench .dprep or .dsource file?" % path)
    return found


def _activity(path, index):
    found = activities(path)
    if not isinstance(index, int) or not 0 <= index < len(found):
        raise UserError("%s has %d dataflow(s): dataflow_idx %r is not one of 0..%d"
                        % (path, len(found), index, len(found) - 1))
    return found[index]


def _pandas():
    try:
        import pandas
    except ImportError:
        raise UserError("azureml.dataprep.package.run needs pandas, which this Python (%s) does not have: "
                        "install it into it (pip install pandas, or the python3-pandas package)" % _python())
    return pandas


def _spark_frame(frame):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UserError("run(..., spark=True) returns a Spark DataFrame and needs pyspark, which this Python (%s) "
                        "does not have: run the script with Framework: PySpark, or call run(..., spark=False) for "
                        "a pandas DataFrame" % _python())
    return SparkSession.builder.getOrCreate().createDataFrame(frame)


def _python():
    import sys
    return sys.executable or "python"
