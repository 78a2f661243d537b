"""A Python "driver" that uses no pyspark, for labrun's test environment.

Submitted with `bin/spark-submit --master spark://... plain_driver.py ARG`,
SparkSubmit runs org.apache.spark.deploy.PythonRunner, which starts a Py4J
gateway in the JVM and then runs this file with python3 as a child process.
This script only reports what it was given; it touches no Spark API.
"""
import os
import sys

print("PLAIN_DRIVER_ARGS " + " ".join(sys.argv[1:]))
print("PLAIN_DRIVER_MASTER " + os.environ.get("MASTER", "<unset>"))
print("PLAIN_DRIVER_GATEWAY " + ("yes" if os.environ.get("PYSPARK_GATEWAY_PORT") and os.environ.get("PYSPARK_GATEWAY_SECRET") else "no"))
print("PLAIN_DRIVER_PYTHONPATH " + os.environ.get("PYTHONPATH", ""))
try:
    import pyspark  # noqa: F401
    print("PLAIN_DRIVER_PYSPARK importable")
except ImportError as e:
    print("PLAIN_DRIVER_PYSPARK missing (" + str(e) + ")")
print("PLAIN_DRIVER_OK")
