#!/usr/bin/env bash
# Builds a Spark 4 SPARK_HOME from Maven Central jars and starts a standalone
# cluster (one master, one worker) on loopback for labrun's Spark-target tests.
#
#   scripts/test-env/spark.sh          build SPARK_HOME once, start master and
#                                      worker if not running, verify after a
#                                      start, print `export VAR=...` lines
#   scripts/test-env/spark.sh verify   run all the checks again
#   scripts/test-env/spark.sh stop     stop worker and master
#
# SPARK_HOME (/var/cache/labrun-test/spark-<version>): jars/ copied by
# scripts/test-env/spark/pom.xml (no Apache download site is reachable),
# bin/spark-class + bin/spark-submit + bin/load-spark-env.sh (Spark's launcher
# protocol: org.apache.spark.launcher.Main builds the java command, including
# the --add-opens flags Java 17 needs), conf/ (everything binds 127.0.0.1),
# RELEASE, labrun/ with the test apps (wordcount.jar, python/*.py), python/lib/ with
# placeholders of the zips Spark on YARN ships (see below), and spark-yarn's jar for
# scripts/test-env/yarn.sh.
# State and logs: /run/labrun-test/spark/.
#
# Checks after a start: a Java word count submitted in client mode runs on the
# worker's executor; a plain Python script is run by the real SparkSubmit
# (PythonRunner); a Python driver with no pyspark drives a SparkSession over
# the Py4J gateway and runs a job; SparkLauncher starts an app through
# SPARK_HOME/bin/spark-submit and sees it FINISHED.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=spark
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

SRC=$HERE/spark
SPARK_VERSION=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$SRC/pom.xml" | head -n1)
[[ -n $SPARK_VERSION ]] || die "no <spark.version> in $SRC/pom.xml"
SPARK_HOME=$LABRUN_TEST_CACHE/spark-$SPARK_VERSION
STATE=$LABRUN_TEST_RUN/spark
MASTER_PID=$STATE/master.pid
WORKER_PID=$STATE/worker.pid
MASTER_LOG=$STATE/master.log
WORKER_LOG=$STATE/worker.log
WORKER_CORES=${LABRUN_TEST_SPARK_WORKER_CORES:-1}
WORKER_MEMORY=${LABRUN_TEST_SPARK_WORKER_MEMORY:-1g}

running_class() { # PIDFILE CLASS
  pid_alive "$1" && tr '\0' ' ' <"/proc/$(head -n1 "$1")/cmdline" 2>/dev/null | grep -qF -- "$2"
}
master_running() { running_class "$MASTER_PID" org.apache.spark.deploy.master.Master; }
worker_running() { running_class "$WORKER_PID" org.apache.spark.deploy.worker.Worker; }
# still_starting PIDFILE: the process this script just started has not exited.
# Right after `setsid ... &` the child may not have exec'd yet, so its command
# line is still this script's: only the process's state can tell, not its class.
still_starting() {
  local pid state
  pid=$(head -n1 "$1" 2>/dev/null | tr -dc '0-9')
  [[ -n $pid ]] || return 1
  state=$(sed -n 's/^[0-9]* (.*) \([A-Z]\) .*/\1/p' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

stop_cluster() {
  stop_pidfile "$WORKER_PID" "spark worker"
  stop_pidfile "$MASTER_PID" "spark master"
}

mode=${1:-}
case $mode in
  stop) with_lock spark; stop_cluster; exit 0 ;;
  ''|verify) ;;
  *) die "usage: $0 [verify|stop]" ;;
esac
[[ $EUID -eq 0 ]] || die "must run as root"
command -v java >/dev/null || die "java not found"

with_lock spark
mkdir -p "$STATE" "$LABRUN_TEST_CACHE"
# The daemons must not hold on to the caller's folder (a CI clone may be removed while
# they run, and a JVM whose working folder is gone cannot even start).
cd "$STATE"

# ---- SPARK_HOME (once per content of scripts/test-env/spark/) ----------------------
# Stamps: jars are rebuilt only when pom.xml changes; the rest whenever any
# file under scripts/test-env/spark/ changes.
jar_stamp=$(sha256sum "$SRC/pom.xml" | cut -c1-16)
home_stamp=$(cd "$SRC" && find pom.xml bin conf python wordcount/src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)

if [[ $(cat "$SPARK_HOME/jars/.labrun-stamp" 2>/dev/null || true) != "$jar_stamp" ]]; then
  t0=$(now_ms)
  log "fetching Spark $SPARK_VERSION jars from Maven Central into $SPARK_HOME/jars"
  mkdir -p "$SPARK_HOME"
  rm -rf "$SPARK_HOME/jars.partial"
  mvn_cmd -q -B -f "$SRC/pom.xml" package \
    -Dspark.jars.dir="$SPARK_HOME/jars.partial" \
    -Dlabrun.build.dir="$LABRUN_TEST_CACHE/spark-$SPARK_VERSION-build" >"$STATE/mvn.log" 2>&1 \
    || die_with_log "$STATE/mvn.log" "mvn could not gather the Spark jars"
  [[ -f $SPARK_HOME/jars.partial/spark-core_2.13-$SPARK_VERSION.jar ]] \
    || die_with_log "$STATE/mvn.log" "spark-core jar missing after mvn"
  echo "$jar_stamp" >"$SPARK_HOME/jars.partial/.labrun-stamp"
  rm -rf "$SPARK_HOME/jars"
  mv "$SPARK_HOME/jars.partial" "$SPARK_HOME/jars"
  rm -f "$SPARK_HOME/.labrun-stamp"
  log "jars ready in $(( ($(now_ms) - t0) / 1000 ))s: $(ls "$SPARK_HOME/jars" | wc -l) files, $(du -sh "$SPARK_HOME/jars" | cut -f1)"
fi

if [[ $(cat "$SPARK_HOME/.labrun-stamp" 2>/dev/null || true) != "$home_stamp" ]]; then
  t0=$(now_ms)
  log "assembling $SPARK_HOME"
  mkdir -p "$SPARK_HOME/bin" "$SPARK_HOME/conf" "$SPARK_HOME/labrun/python"
  install -m 755 "$SRC/bin/spark-class" "$SRC/bin/spark-submit" "$SPARK_HOME/bin/"
  install -m 644 "$SRC/bin/load-spark-env.sh" "$SPARK_HOME/bin/"
  install -m 644 "$SRC/conf/"* "$SPARK_HOME/conf/"
  sed -i "s:@SPARK_HOME@:$SPARK_HOME:g" "$SPARK_HOME/conf/spark-defaults.conf"
  # spark-submit --master yarn of a .py ships python/lib/pyspark.zip and py4j-*-src.zip to the
  # containers and refuses to start without them. Maven Central's jars hold no Python code, so
  # these are placeholders that say so: Python drivers here speak Py4J themselves (py4j_driver.py).
  mkdir -p "$SPARK_HOME/python/lib"
  py4j_jar=$(cd "$SPARK_HOME/jars" && ls py4j-*.jar | head -n1)
  [[ -n $py4j_jar ]] || die "no py4j jar in $SPARK_HOME/jars"
  /usr/bin/python3 - "$SPARK_HOME/python/lib" "${py4j_jar%.jar}-src.zip" <<'PY'
import sys, zipfile
for name in ("pyspark.zip", sys.argv[2]):
    with zipfile.ZipFile(sys.argv[1] + "/" + name, "w") as z:
        z.writestr("LABRUN_TEST_NO_PYSPARK.txt", "No Python code here: this test SPARK_HOME is built from Maven Central jars.\n")
PY
  install -m 644 "$SRC/python/"*.py "$SPARK_HOME/labrun/python/"
  printf 'Spark %s (Scala 2.13) assembled from Maven Central jars by labrun scripts/test-env/spark.sh\n' \
    "$SPARK_VERSION" >"$SPARK_HOME/RELEASE"
  classes=$(mktemp -d)
  javac -nowarn --release 17 -cp "$SPARK_HOME/jars/*" -d "$classes" \
    "$SRC"/wordcount/src/io/labrun/testenv/*.java >"$STATE/javac.log" 2>&1 \
    || { rm -rf "$classes"; die_with_log "$STATE/javac.log" "could not compile the word-count app"; }
  jar --create --file "$SPARK_HOME/labrun/wordcount.jar" -C "$classes" .
  rm -rf "$classes"
  echo "$home_stamp" >"$SPARK_HOME/.labrun-stamp"
  log "SPARK_HOME assembled in $(( $(now_ms) - t0 )) ms"
fi

# ---- start master and worker -------------------------------------------------------
export SPARK_HOME
unset SPARK_CONF_DIR SPARK_ENV_LOADED
export SPARK_LOCAL_IP=127.0.0.1

master_json() { # FIELD -> value from the master UI's /json/ (empty if unreachable)
  /usr/bin/python3 - "$(cat "$STATE/master-webui-port" 2>/dev/null)" "$1" <<'EOF' 2>/dev/null || true
import json, sys, urllib.request
with urllib.request.urlopen("http://127.0.0.1:%s/json/" % sys.argv[1], timeout=5) as r:
    print(json.load(r).get(sys.argv[2], ""))
EOF
}

started=0
if master_running && worker_running && [[ $(master_json aliveworkers) -ge 1 ]]; then
  log "already running (master pid $(cat "$MASTER_PID"), worker pid $(cat "$WORKER_PID"))"
else
  stop_cluster 2>/dev/null
  t0=$(now_ms)
  prev_mp=$(cat "$STATE/master-port" 2>/dev/null || true)
  MP=$(pick_port ${prev_mp:+"$prev_mp"} 17077 17078 17079)
  prev_mw=$(cat "$STATE/master-webui-port" 2>/dev/null || true)
  MW=$(pick_port ${prev_mw:+"$prev_mw"} 18090 18092 18094)
  prev_ww=$(cat "$STATE/worker-webui-port" 2>/dev/null || true)
  WW=$(pick_port ${prev_ww:+"$prev_ww"} 18091 18093 18095)
  [[ $MW != "$WW" ]] || WW=$(pick_port 18097 18099)
  echo "$MP" >"$STATE/master-port"
  echo "$MW" >"$STATE/master-webui-port"
  echo "$WW" >"$STATE/worker-webui-port"
  mkdir -p "$STATE/work"

  log "starting master on spark://127.0.0.1:$MP (UI :$MW)"
  # setsid: the daemons outlive the caller's process group; 9>&-: not our lock.
  setsid "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$MP" --webui-port "$MW" >"$MASTER_LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$MASTER_PID"
  for ((i = 0; i < 600; i++)); do
    still_starting "$MASTER_PID" || die_with_log "$MASTER_LOG" "spark master exited"
    [[ $(master_json status) == ALIVE ]] && break
    sleep 0.1
  done
  [[ $(master_json status) == ALIVE ]] || die_with_log "$MASTER_LOG" "spark master not ALIVE after 60s"
  log "master ALIVE after $(( $(now_ms) - t0 )) ms"

  log "starting worker ($WORKER_CORES cores, $WORKER_MEMORY, UI :$WW)"
  setsid "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$MP" \
    --host 127.0.0.1 --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --webui-port "$WW" \
    --work-dir "$STATE/work" >"$WORKER_LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$WORKER_PID"
  for ((i = 0; i < 900; i++)); do
    still_starting "$WORKER_PID" || die_with_log "$WORKER_LOG" "spark worker exited"
    [[ $(master_json aliveworkers) -ge 1 ]] && break
    sleep 0.1
  done
  [[ $(master_json aliveworkers) -ge 1 ]] || die_with_log "$WORKER_LOG" "worker not registered with the master after 90s"
  started=1
  log "cluster up in $(( $(now_ms) - t0 )) ms (aliveworkers: $(master_json aliveworkers))"
fi
MP=$(cat "$STATE/master-port")
MW=$(cat "$STATE/master-webui-port")
MASTER_URL=spark://127.0.0.1:$MP

# ---- verify --------------------------------------------------------------------
submit() { # LOG ARGS... : spark-submit in client mode against the cluster
  local logf=$1; shift
  timeout 300 "$SPARK_HOME/bin/spark-submit" --master "$MASTER_URL" --deploy-mode client "$@" \
    >"$logf" 2>&1 </dev/null 9>&-
}
expect() { # LOG PATTERN WHAT
  grep -qE -- "$2" "$1" || die_with_log "$1" "$3: no line matching '$2'"
}

if ((started)) || [[ $mode == verify ]]; then
  V=$STATE/verify
  mkdir -p "$V"
  printf 'Spark runs labrun jobs\nlabrun runs spark jobs on spark\nthe end\n' >"$V/words.txt"

  t0=$(now_ms)
  submit "$V/wordcount.log" --class io.labrun.testenv.WordCount "$SPARK_HOME/labrun/wordcount.jar" "$V/words.txt" 4 \
    || die_with_log "$V/wordcount.log" "word count failed"
  expect "$V/wordcount.log" '^COUNT spark 3$' "word count"
  expect "$V/wordcount.log" '^COUNT labrun 2$' "word count"
  expect "$V/wordcount.log" '^EXECUTORS [0-9]' "word count ran on no executor"
  ! grep -q '^EXECUTORS.*driver' "$V/wordcount.log" || die_with_log "$V/wordcount.log" "word count ran in the driver"
  expect "$V/wordcount.log" '^SQL_SUM 500500$' "Spark SQL sum"
  expect "$V/wordcount.log" '^WORDCOUNT_OK$' "word count"
  log "Java word count OK on executor(s) $(sed -n 's/^EXECUTORS //p' "$V/wordcount.log") in $(( $(now_ms) - t0 )) ms"

  t0=$(now_ms)
  submit "$V/plain-python.log" "$SPARK_HOME/labrun/python/plain_driver.py" hello \
    || die_with_log "$V/plain-python.log" "plain Python driver failed under spark-submit"
  expect "$V/plain-python.log" '^PLAIN_DRIVER_OK$' "plain Python driver"
  expect "$V/plain-python.log" "^PLAIN_DRIVER_MASTER $MASTER_URL\$" "plain Python driver"
  expect "$V/plain-python.log" '^PLAIN_DRIVER_GATEWAY yes$' "plain Python driver"
  log "plain Python driver OK under SparkSubmit/PythonRunner ($(sed -n 's/^PLAIN_DRIVER_PYSPARK //p' "$V/plain-python.log" | cut -c1-40)) in $(( $(now_ms) - t0 )) ms"

  t0=$(now_ms)
  submit "$V/py4j-python.log" "$SPARK_HOME/labrun/python/py4j_driver.py" \
    || die_with_log "$V/py4j-python.log" "Py4J Python driver failed under spark-submit"
  expect "$V/py4j-python.log" '^PY4J_SQL_SUM 500500$' "Py4J Python driver"
  expect "$V/py4j-python.log" '^PY4J_EXECUTORS [0-9]' "Py4J Python driver ran on no executor"
  expect "$V/py4j-python.log" '^PY4J_DRIVER_OK$' "Py4J Python driver"
  log "Python driver over Py4J OK (job on executor $(sed -n 's/^PY4J_EXECUTORS //p' "$V/py4j-python.log")) in $(( $(now_ms) - t0 )) ms"

  t0=$(now_ms)
  launcher_jar=$(ls "$SPARK_HOME"/jars/spark-launcher_2.13-*.jar)
  timeout 360 java -cp "$launcher_jar:$SPARK_HOME/labrun/wordcount.jar" io.labrun.testenv.LauncherCheck \
    "$SPARK_HOME" "$MASTER_URL" "$SPARK_HOME/labrun/wordcount.jar" "$V/words.txt" >"$V/launcher.log" 2>&1 </dev/null 9>&- \
    || die_with_log "$V/launcher.log" "SparkLauncher check failed"
  expect "$V/launcher.log" '^LAUNCHER_FINAL FINISHED app-' "SparkLauncher"
  log "SparkLauncher OK ($(grep -c '^LAUNCHER_STATE' "$V/launcher.log") state changes) in $(( $(now_ms) - t0 )) ms"
fi

if ((started)); then
  log "memory: master RSS $(( $(rss_kb "$(cat "$MASTER_PID")") / 1024 )) MiB, worker RSS $(( $(rss_kb "$(cat "$WORKER_PID")") / 1024 )) MiB"
fi

cat <<EOF
export SPARK_HOME=$SPARK_HOME
export LABRUN_TEST_SPARK_MASTER=$MASTER_URL
export LABRUN_TEST_SPARK_UI=http://127.0.0.1:$MW
export LABRUN_TEST_SPARK_VERSION=$SPARK_VERSION
export LABRUN_TEST_SPARK_WORDCOUNT_JAR=$SPARK_HOME/labrun/wordcount.jar
EOF
