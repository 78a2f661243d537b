"""Logging from a script run by labrun: metrics, params and tags of the run.

    import labrun
    labrun.log_param("learning_rate", 0.01)
    for epoch in range(10):
        labrun.log_metric("loss", loss)          # steps 0, 1, 2... per metric name
    labrun.set_tag("model", "resnet")

Points go to the file named by ``LABRUN_METRICS_DIR``, which labrun sets for the run. Outside
labrun (the variable unset) every call does nothing but print one warning to stderr.
``azureml.logging.get_azureml_logger().log(name, value)`` writes through the same writer.
"""

from labrun._writer import writer as _writer

__all__ = ["log_metric", "log_metrics", "log_param", "log_params", "set_tag"]

#: log_metric(name, value, step=None): one value of a metric (a number, bool, string, list or
#: dict). Without ``step`` the metric's steps count up from 0; a given step also moves that count.
log_metric = _writer.log_metric


def log_metrics(metrics, step=None):
    """Logs several metrics at once, all at ``step`` when given."""
    for name, value in metrics.items():
        _writer.log_metric(name, value, step)


def log_param(name, value):
    """Records a parameter of the run (last value wins)."""
    _writer.log_other("p", name, value)


def log_params(params):
    """Records several parameters."""
    for name, value in params.items():
        _writer.log_other("p", name, value)


def set_tag(name, value):
    """Sets a tag of the run to a string (last value wins)."""
    _writer.log_other("t", name, value if isinstance(value, str) else str(value))
