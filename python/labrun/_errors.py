"""Errors a script's user can fix, said in one line.

The compatibility packages (``azureml.core``, ``azureml.dataprep``, ``azureml.api``...) raise
:class:`UserError` for what the user has to change: a block of a data-prep package labrun cannot
run, a library to install, a module of another product. A script may catch it like any exception;
when nothing does, :func:`install_hook` makes Python print ``labrun: <message>`` on stderr instead
of a traceback, and the script exits with 1 as for any uncaught exception. Every other exception
keeps its traceback: a script's own errors are reported as they are.
"""

import sys

__all__ = ["UserError", "install_hook"]


class UserError(Exception):
    """Something the user has to change, said in one line (see the module's docstring)."""


def _hook(previous):
    def hook(kind, error, tb):
        if isinstance(error, UserError):
            try:
                sys.stderr.write("labrun: %s\n" % error)
                sys.stderr.flush()
            except Exception:  # a closed stderr: nothing more to say
                pass
            return
        previous(kind, error, tb)
    hook.labrun_user_errors = True
    return hook


def install_hook():
    """Makes an uncaught UserError print one line (once per process; keeps any hook set before)."""
    if not getattr(sys.excepthook, "labrun_user_errors", False):
        sys.excepthook = _hook(sys.excepthook)


class OtherProduct(UserError, ImportError):
    """A module of a product labrun does not provide. An ImportError too, so the scripts that try
    such an import and carry on without it (``except ImportError:``) keep working."""


def other_product(module, product):
    """Raises OtherProduct for ``module``, part of ``product`` (one line when uncaught)."""
    install_hook()
    raise OtherProduct("%s belongs to %s, a separate product that labrun does not provide: run this code where "
                       "that product's SDK is installed, or leave the import out of what you submit" % (module, product),
                       name=module)
