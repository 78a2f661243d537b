"""``azureml.dataprep.datasource.load_datasource``: a Workbench data source (``.dsource``) as a
DataFrame, the code the Workbench generated for a data source. See ``package.py``."""

from azureml.dataprep.package import run

__all__ = ["load_datasource"]


def load_datasource(datasource_path, secrets=None, spark=None):
    """The data of the data source's first dataflow: a pandas DataFrame, or a Spark one with
    ``spark=True``."""
    return run(datasource_path, dataflow_idx=0, secrets=secrets, spark=spark)
