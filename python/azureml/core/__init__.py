"""Compatibility with scripts written for the Azure ML SDK (2018 on): ``azureml.core.run.Run``.

    from azureml.core.run import Run
    run = Run.get_context()          # or Run.get_submitted_run(), the 2018 name
    run.log("accuracy", 0.93)

Only the run a script logs to is here; an installed ``azureml-core`` takes precedence.
"""

from labrun._portions import defer_to_installed

defer_to_installed(globals())
