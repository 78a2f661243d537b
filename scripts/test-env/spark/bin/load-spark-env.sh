# shellcheck shell=bash
# Sourced by bin/spark-class in the SPARK_HOME that labrun's
# scripts/test-env/spark.sh assembles from Maven Central jars.
# Loads conf/spark-env.sh once (exporting what it sets) and sets
# SPARK_SCALA_VERSION, which Spark's launcher requires outside a source build.
if [ -z "${SPARK_ENV_LOADED:-}" ]; then
  export SPARK_ENV_LOADED=1
  export SPARK_CONF_DIR="${SPARK_CONF_DIR:-${SPARK_HOME}/conf}"
  if [ -f "${SPARK_CONF_DIR}/spark-env.sh" ]; then
    set -a
    . "${SPARK_CONF_DIR}/spark-env.sh"
    set +a
  fi
fi
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
