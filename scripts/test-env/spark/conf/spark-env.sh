# shellcheck shell=bash
# conf/spark-env.sh of labrun's test SPARK_HOME (scripts/test-env/spark.sh).
# Everything Spark starts from this SPARK_HOME binds to loopback only: master,
# worker, executors, drivers and their web UIs.
SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
SPARK_DAEMON_MEMORY=${SPARK_DAEMON_MEMORY:-512m}
SPARK_WORKER_OPTS="${SPARK_WORKER_OPTS:-} -Dspark.worker.cleanup.enabled=true -Dspark.worker.cleanup.appDataTtl=86400"
