"""azureml.assets belongs to Azure ML Model Management (the Workbench's model deployment service), not to the
experimentation service labrun re-implements: importing it says so in one line, unless that
product's SDK is installed next to labrun (then it is what scripts get)."""

from labrun._errors import other_product
from labrun._portions import defer_to_installed

if not defer_to_installed(globals()):
    other_product(__name__, "Azure ML Model Management (the Workbench's model deployment service)")
