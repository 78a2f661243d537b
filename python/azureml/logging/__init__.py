"""Compatibility with Azure ML Workbench scripts (2017):

    from azureml.logging import get_azureml_logger
    logger = get_azureml_logger()
    logger.log("Accuracy", 0.93)             # or logger.log(description="Accuracy", value=0.93)

Values may be numbers, bools, strings, lists or dicts. Points go through labrun's metrics writer.
``azureml`` here is a namespace package portion (no ``azureml/__init__.py``), so an installed
``azureml`` SDK next to it stays importable.
"""

import logging as _logging

from labrun._writer import writer as _writer

__all__ = ["get_azureml_logger", "AzureMLLogger"]


class AzureMLLogger(object):
    """The run logger of a Workbench script. Besides ``log``, the usual ``debug``/``info``/
    ``warning``/``error`` calls go to the standard ``logging`` logger named ``azureml``."""

    def __init__(self):
        self._std = _logging.getLogger("azureml")

    def log(self, description=None, value=None, **kwargs):
        """Logs one value of the metric ``description`` (``name=`` is accepted too)."""
        if description is None:
            description = kwargs.pop("name", None)
        if kwargs:
            raise TypeError("log() got unexpected keyword arguments: %s" % ", ".join(sorted(kwargs)))
        if description is None:
            raise TypeError("log() needs a metric name: log(name, value) or log(description=..., value=...)")
        _writer.log_metric(description, value)
        return self

    def __getattr__(self, attr):
        if attr in ("debug", "info", "warning", "error", "exception", "critical"):
            return getattr(self._std, attr)
        raise AttributeError(attr)


_logger = None


def get_azureml_logger():
    """The run's logger (one per process)."""
    global _logger
    if _logger is None:
        _logger = AzureMLLogger()
    return _logger
