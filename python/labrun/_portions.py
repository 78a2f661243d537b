"""Living next to an installed Azure ML SDK.

labrun's ``azureml`` is a namespace package portion (no ``azureml/__init__.py``). Its
``azureml.core`` and ``azureml.dataprep`` stand in for the original's when no SDK is installed;
an SDK installed next to them stays what scripts get, whatever the order on ``sys.path``.
"""

import os
import sys


def defer_to_installed(module_globals):
    """When another portion of the parent package has this subpackage too (an installed SDK), runs
    that one's ``__init__.py`` in this module's place and returns True; else returns False."""
    parent, _, leaf = module_globals["__name__"].rpartition(".")
    mine = os.path.dirname(os.path.abspath(module_globals["__file__"]))
    for entry in list(getattr(sys.modules.get(parent), "__path__", [])):
        other = os.path.join(os.path.abspath(entry), leaf)
        init = os.path.join(other, "__init__.py")
        if other != mine and os.path.isfile(init):
            module_globals["__path__"] = [other]  # its submodules, not ours, from here on
            module_globals["__file__"] = init
            with open(init, "rb") as f:
                code = compile(f.read(), init, "exec")
            exec(code, module_globals)
            return True
    return False
