"""Compatibility with Workbench scripts that read data-preparation packages:
``from azureml.dataprep.package import run`` (see ``package.py``). An installed ``azureml-dataprep``
takes precedence."""

from labrun._portions import defer_to_installed

defer_to_installed(globals())
