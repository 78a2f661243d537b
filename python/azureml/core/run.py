"""``azureml.core.run.Run``: the run a script logs to, as the Azure ML SDK had it.

Inside a labrun run (``LABRUN_METRICS_DIR`` set), metrics, tags and properties go through
labrun's metrics writer, like ``azureml.logging`` and ``labrun``, and ``upload_file`` copies a
file into the run's state folder (``metrics/uploads/<name>``), which labrun stores as an artifact
called ``name`` when the run ends. Outside labrun, ``Run.get_context()`` is an *offline run*, as
the SDK's was: every call works and says on stdout what it would have recorded.

Metric shapes: ``log`` is one point of a series; ``log_list`` one point whose value is the list;
``log_row`` one point per call whose value is the row (an object of the keyword arguments);
``log_table`` one point whose value is the object of columns.
"""

import datetime
import io
import os
import shutil
import tempfile
import uuid

import labrun
from labrun._errors import UserError, install_hook
from labrun._writer import ENV

__all__ = ["Run"]

install_hook()

UPLOADS = "uploads"  # under LABRUN_METRICS_DIR: the files a script uploaded, by artifact name
_STARTED = datetime.datetime.now(datetime.timezone.utc)  # the script's start, near enough
_current = []  # the run of this process, once asked for


class NotProvided(UserError, AttributeError):
    """A Run method of the SDK that labrun does not have (one line when uncaught)."""


class Experiment(object):
    """The experiment a run belongs to; labrun knows its name only."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Experiment(name=%r)" % self.name


class Run(object):
    """The run of this script (see the module's docstring). Get it with :meth:`get_context`."""

    def __init__(self, run_id, experiment_name, offline):
        self._id = run_id
        self._experiment = Experiment(experiment_name)
        self._offline = offline
        self._tags = {}
        self._properties = {}
        self._metrics = {}
        self._files = []

    # -- getting the run ---------------------------------------------------------------------

    @classmethod
    def get_context(cls, allow_offline=True, **kwargs):
        """The run this script is part of; an offline run outside labrun (unless not allowed)."""
        if not _current:
            metrics_dir = os.environ.get(ENV)
            if metrics_dir:
                run_id = os.environ.get("LABRUN_RUN_ID") or os.environ.get("AZUREML_RUN_ID") or "unknown"
                _current.append(cls(run_id, os.environ.get("LABRUN_EXPERIMENT", ""), offline=False))
            else:
                _current.append(cls("OfflineRun_" + str(uuid.uuid4()), "offline", offline=True))
        run = _current[0]
        if run._offline and not allow_offline:
            raise RuntimeError("not running under labrun (%s is not set), and allow_offline is False" % ENV)
        return run

    @classmethod
    def get_submitted_run(cls, **kwargs):
        """The 2018 SDK's name for :meth:`get_context`."""
        return cls.get_context(**kwargs)

    @property
    def id(self):
        return self._id

    @property
    def experiment(self):
        return self._experiment

    @property
    def tags(self):
        return dict(self._tags)

    @property
    def properties(self):
        return dict(self._properties)

    @property
    def status(self):
        return "Running"

    def __repr__(self):
        return "Run(Experiment: %s, Id: %s, Status: Running)" % (self._experiment.name, self._id)

    # -- metrics -----------------------------------------------------------------------------

    def log(self, name, value, description="", step=None):
        """One value of the metric ``name`` (steps count up per name when not given)."""
        self._record(name, value, "scalar", step)

    def log_list(self, name, value, description=""):
        """A list of values as one point of the metric ``name``."""
        self._record(name, list(value), "list")

    def log_row(self, name, description=None, **kwargs):
        """One row of the table metric ``name``: each keyword argument is a column."""
        self._record(name, dict(kwargs), "row")

    def log_table(self, name, value, description=""):
        """A table as one point of the metric ``name``: ``value`` maps columns to their lists."""
        self._record(name, {str(k): list(v) for k, v in dict(value).items()}, "table")

    def get_metrics(self, name=None, recursive=False, run_type=None, populate=False):
        """What this script logged so far (one value, or the list of values, per name)."""
        metrics = {k: (v[0] if len(v) == 1 else list(v)) for k, v in self._metrics.items()}
        return metrics if name is None else {name: metrics[name]} if name in metrics else {}

    def _record(self, name, value, kind, step=None):
        self._metrics.setdefault(name, []).append(value)
        if self._offline:
            print("Attempted to log %s metric %s:\n%s" % (kind, name, value))
        else:
            labrun.log_metric(name, value, step)

    # -- tags and properties -----------------------------------------------------------------

    def tag(self, key, value=None):
        """Tags the run; a tag without a value has the empty string."""
        self.set_tags({key: "" if value is None else value})

    def set_tags(self, tags):
        self._set(self._tags, labrun.set_tag, "set tag",
                  {k: v if isinstance(v, str) else str(v) for k, v in dict(tags).items()})

    def get_tags(self):
        return dict(self._tags)

    def add_properties(self, properties):
        """Properties are recorded as the run's params."""
        self._set(self._properties, labrun.log_param, "add property", properties)

    def _set(self, kept, record, what, values):
        for key, value in dict(values).items():
            kept[key] = value
            if self._offline:
                print("Attempted to %s %s: %s" % (what, key, value))
            else:
                record(key, value)

    def get_properties(self):
        return dict(self._properties)

    # -- files ---------------------------------------------------------------------------------

    def upload_file(self, name, path_or_stream, datastore_name=None):
        """Stores a file (a path, or a binary stream) as the run's artifact ``name``."""
        artifact = _artifact_name(name)
        if self._offline:
            what = path_or_stream if not hasattr(path_or_stream, "read") else getattr(path_or_stream, "name", "a stream")
            print("Attempted to upload file %s as %s" % (what, artifact))
        else:
            _store(artifact, path_or_stream)
        if artifact not in self._files:
            self._files.append(artifact)

    def upload_files(self, names, paths, return_artifacts=False, timeout_seconds=None, datastore_name=None):
        for name, path in zip(names, paths):
            self.upload_file(name, path)

    def upload_folder(self, name, path, datastore_name=None):
        """Uploads every file under ``path`` as ``name/<its path under path>``."""
        for folder, _, files in os.walk(path):
            for f in sorted(files):
                full = os.path.join(folder, f)
                self.upload_file(name.rstrip("/") + "/" + os.path.relpath(full, path).replace(os.sep, "/"), full)

    def log_image(self, name, path=None, plot=None, description=""):
        """An image as the artifact ``name`` (``.png`` added when it has no suffix): a file
        (``path``), or a matplotlib figure or ``pyplot`` (``plot``), saved as PNG."""
        if (path is None) == (plot is None):
            raise ValueError("log_image(name, path=...) or log_image(name, plot=...): give one of them")
        artifact = name if os.path.splitext(name)[1] else name + ".png"
        if path is not None:
            return self.upload_file(artifact, path)
        image = io.BytesIO()
        plot.savefig(image, format="png")
        image.seek(0)
        self.upload_file(artifact, image)

    def get_file_names(self):
        """The artifacts this script uploaded (``./outputs`` is collected when the run ends)."""
        return list(self._files)

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise NotProvided("Run.%s is a part of the Azure ML SDK that labrun does not provide; a labrun run has "
                          "log, log_list, log_row, log_table, log_image, tag, set_tags, add_properties, "
                          "upload_file(s), upload_folder, get_details, get_metrics, get_file_names" % attr)

    # -- details -------------------------------------------------------------------------------

    def get_status(self):
        return "Running"

    def get_details(self):
        return {
            "runId": self._id,
            "experiment": self._experiment.name,
            "status": "Running",
            "startTimeUtc": _STARTED.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "properties": dict(self._properties),
            "tags": dict(self._tags),
            "inputDatasets": [],
            "outputDatasets": [],
            "logFiles": {},
        }

    # -- the end is labrun's to record -----------------------------------------------------------

    def flush(self, timeout_seconds=300):
        """Nothing to wait for: every record is in the run's files when the call returns."""

    def complete(self, _set_status=True):
        """labrun records the end of the run from the script's exit."""

    def fail(self, error_details=None, error_code=None, _set_status=True):
        """labrun records the end of the run from the script's exit."""


def _artifact_name(name):
    parts = [p for p in str(name).replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError("an artifact name needs a file name and no '..': %r" % (name,))
    return "/".join(parts)


def _store(artifact, path_or_stream):
    """Copies the file into the uploads folder under its artifact name: a temporary file first, so
    a run stopped halfway leaves no partial artifact behind."""
    base = os.environ[ENV]
    target = os.path.join(base, UPLOADS, *artifact.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=base)
    os.fchmod(fd, 0o644)  # as the metrics files: readable by labrun when a container wrote it
    with os.fdopen(fd, "wb") as out:
        if hasattr(path_or_stream, "read"):
            shutil.copyfileobj(path_or_stream, out)
        else:
            with open(path_or_stream, "rb") as f:
                shutil.copyfileobj(f, out)
    os.replace(tmp, target)
