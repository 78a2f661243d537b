#!/usr/bin/env bash
# Starts a YARN cluster (one ResourceManager, one NodeManager: Hadoop's MiniYARNCluster) on loopback
# for labrun's Spark-on-YARN tests, and writes the HADOOP_CONF_DIR its clients use.
#
#   scripts/test-env/yarn.sh          fetch the jars once, start the cluster if not running, check it,
#                                     print `export VAR=...` lines
#   scripts/test-env/yarn.sh verify   also submit a Spark job in both deploy modes (needs spark.sh's SPARK_HOME)
#   scripts/test-env/yarn.sh stop     stop the cluster
#
# The jars (org.apache.hadoop:hadoop-client-minicluster and what it needs) come from Maven Central
# through scripts/test-env/yarn/pom.xml; scripts/test-env/yarn/src/.../MiniYarn.java starts the
# cluster in a JVM of its own. The default file system is the local one (no HDFS): Spark's staging
# folder is ~/.sparkStaging on this machine, as in Spark's own YARN tests. Containers are small and
# the NodeManager does not police their memory (vmem/pmem checks off). Container logs are aggregated
# as on HDInsight (yarn.log-aggregation-enable): while an application runs the NodeManager serves them
# over its REST API; once it ended they move to $STATE/app-logs (a local folder, the default file
# system). State, logs and the HADOOP_CONF_DIR: /run/labrun-test/yarn/ (LABRUN_TEST_RUN).
#
# A test that needs a YARN of its own (another setting) starts one with the same script:
#   LABRUN_TEST_YARN_LOG_AGGREGATION=0   the NodeManager keeps container logs for an hour (no aggregation)
#   LABRUN_TEST_YARN_STATE=DIR           its state, logs and HADOOP_CONF_DIR in DIR (and its own lock)
#   LABRUN_TEST_YARN_PORTS="RM WEB"      the ResourceManager's first port (RM..RM+3) and web port to
#                                        try first (default 18032 18088)
#   LABRUN_TEST_YARN_CHECK=0             no Spark word count after a start (the caller runs Spark)
# and stops it with `LABRUN_TEST_YARN_STATE=DIR scripts/test-env/yarn.sh stop`.
#
# Checks after each start: the ResourceManager answers /ws/v1/cluster/info and lists a RUNNING
# NodeManager; after a start (and with `verify`), a Java word count runs through spark-submit
# --master yarn in cluster mode and in client mode.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LT_SERVICE=yarn
# shellcheck source=common-infra.sh
source "$HERE/common-infra.sh"

SRC=$HERE/yarn
HADOOP_VERSION=$(sed -n 's:.*<hadoop.version>\(.*\)</hadoop.version>.*:\1:p' "$SRC/pom.xml" | head -n1)
[[ -n $HADOOP_VERSION ]] || die "no <hadoop.version> in $SRC/pom.xml"
DIST=$LABRUN_TEST_CACHE/yarn-$HADOOP_VERSION
STATE=${LABRUN_TEST_YARN_STATE:-$LABRUN_TEST_RUN/yarn}
# The shared cluster's lock is "yarn"; a private one (its own state folder) locks that folder's.
LOCK=yarn
[[ $STATE == "$LABRUN_TEST_RUN/yarn" ]] || LOCK=yarn-$(printf '%s' "$STATE" | sha256sum | cut -c1-12)
read -r PORT_RM PORT_WEB <<<"${LABRUN_TEST_YARN_PORTS:-18032 18088}"
[[ $PORT_RM =~ ^[0-9]+$ && $PORT_WEB =~ ^[0-9]+$ ]] || die "LABRUN_TEST_YARN_PORTS must be two port numbers: RM WEB"
CONF=$STATE/conf
PIDFILE=$STATE/yarn.pid
LOGFILE=$STATE/yarn.log
NM_MEMORY_MB=${LABRUN_TEST_YARN_NM_MEMORY_MB:-6144}
case ${LABRUN_TEST_YARN_LOG_AGGREGATION:-1} in
  1) AGGREGATE=true ;;
  0) AGGREGATE=false ;;
  *) die "LABRUN_TEST_YARN_LOG_AGGREGATION must be 1 or 0" ;;
esac
SPARK_HOME_DEFAULT=$LABRUN_TEST_CACHE/spark-4.2.0

running() { pid_alive "$PIDFILE" && tr '\0' ' ' <"/proc/$(head -n1 "$PIDFILE")/cmdline" 2>/dev/null | grep -qF io.labrun.testenv.MiniYarn; }

mode=${1:-}
case $mode in
  stop) with_lock "$LOCK"; stop_pidfile "$PIDFILE" "YARN (MiniYARNCluster)"; exit 0 ;;
  ''|verify) ;;
  *) die "usage: $0 [verify|stop]" ;;
esac
command -v java >/dev/null || die "java is not on PATH (YARN needs Java 17+)"
command -v javac >/dev/null || die "javac is not on PATH (a JDK is needed to compile scripts/test-env/yarn/src)"
command -v curl >/dev/null || apt_ensure curl

with_lock "$LOCK"
mkdir -p "$STATE" "$LABRUN_TEST_CACHE"
# The cluster must not hold on to the caller's folder (a CI clone may be removed while it runs).
cd "$STATE"

# ---- jars and the starter class (again whenever scripts/test-env/yarn/ changes) ---------
# Only before a start: a running cluster's jars and classes are not replaced under it.
build_dist() {
  stamp=$(cd "$SRC" && find pom.xml log4j.properties src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  if [[ $(cat "$DIST/.labrun-stamp" 2>/dev/null || true) != "$stamp" ]]; then
    t0=$(now_ms)
    log "fetching Hadoop $HADOOP_VERSION's MiniYARNCluster jars from Maven Central into $DIST"
    rm -rf "$DIST.partial"
    mvn_cmd -q -B -ntp -f "$SRC/pom.xml" package -Dyarn.jars.dir="$DIST.partial/jars" \
      -Dlabrun.build.dir="$LABRUN_TEST_CACHE/yarn-$HADOOP_VERSION-build" >"$STATE/mvn.log" 2>&1 \
      || die_with_log "$STATE/mvn.log" "mvn could not gather the YARN jars"
    [[ -f $DIST.partial/jars/hadoop-client-minicluster-$HADOOP_VERSION.jar ]] \
      || die_with_log "$STATE/mvn.log" "hadoop-client-minicluster jar missing after mvn"
    javac -nowarn --release 17 -cp "$DIST.partial/jars/*" -d "$DIST.partial/classes" \
      "$SRC"/src/io/labrun/testenv/*.java >"$STATE/javac.log" 2>&1 \
      || die_with_log "$STATE/javac.log" "could not compile MiniYarn.java"
    cp "$SRC/log4j.properties" "$DIST.partial/"
    echo "$stamp" >"$DIST.partial/.labrun-stamp"
    rm -rf "$DIST"
    mv "$DIST.partial" "$DIST"
    log "jars ready in $(( ($(now_ms) - t0) / 1000 ))s: $(ls "$DIST/jars" | wc -l) files"
  fi
}

# ---- start -------------------------------------------------------------------------------
rm_json() { # PATH -> the ResourceManager's answer (empty if it does not answer)
  curl -sS --max-time 5 -H 'Accept: application/json' "http://127.0.0.1:$(cat "$STATE/rm-web-port" 2>/dev/null)$1" 2>/dev/null || true
}
rm_started() { [[ $(rm_json /ws/v1/cluster/info) == *'"state":"STARTED"'* ]]; }
nm_running() { [[ $(rm_json /ws/v1/cluster/nodes) == *'"state":"RUNNING"'* ]]; }
# four_free BASE: BASE..BASE+3 are free (the RM's client, scheduler, tracker and admin ports).
four_free() { local p; for p in "$1" $(($1 + 1)) $(($1 + 2)) $(($1 + 3)); do port_free "$p" || return 1; done; }

started=0
if running && rm_started && nm_running; then
  log "already running (pid $(cat "$PIDFILE"), ResourceManager http://127.0.0.1:$(cat "$STATE/rm-web-port"))"
else
  stop_pidfile "$PIDFILE" "YARN (MiniYARNCluster)" 2>/dev/null
  build_dist
  t0=$(now_ms)
  RM_PORT=
  for p in $(cat "$STATE/rm-port" 2>/dev/null || true) "$PORT_RM" $((PORT_RM + 100)) $((PORT_RM + 200)); do
    if four_free "$p"; then RM_PORT=$p; break; fi
  done
  [[ -n $RM_PORT ]] || die "no four free ports at $PORT_RM, $((PORT_RM + 100)) or $((PORT_RM + 200)) for the ResourceManager"
  prev=$(cat "$STATE/rm-web-port" 2>/dev/null || true)
  RM_WEB_PORT=$(pick_port ${prev:+"$prev"} "$PORT_WEB" $((PORT_WEB + 100)) $((PORT_WEB + 200)))
  echo "$RM_PORT" >"$STATE/rm-port"
  echo "$RM_WEB_PORT" >"$STATE/rm-web-port"
  rm -rf "$STATE/work" "$CONF"
  # Containers start $JAVA_HOME/bin/java: the NodeManager passes its JAVA_HOME on.
  JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  export JAVA_HOME
  log "starting YARN $HADOOP_VERSION: ResourceManager 127.0.0.1:$RM_PORT (web :$RM_WEB_PORT), one NodeManager (${NM_MEMORY_MB} MB), log aggregation $AGGREGATE"
  # setsid: the cluster outlives the caller's process group; 9>&-: not our lock.
  setsid java -Xmx768m -Dlog4j.configuration="file:$DIST/log4j.properties" -cp "$DIST/classes:$DIST/jars/*" \
    io.labrun.testenv.MiniYarn "$STATE" "$RM_PORT" "$RM_WEB_PORT" "$NM_MEMORY_MB" "$AGGREGATE" >"$LOGFILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
  for ((i = 0; i < 1200; i++)); do
    pid_alive "$PIDFILE" || die_with_log "$LOGFILE" "the YARN cluster exited while starting"
    grep -q '^MINIYARN_READY$' "$LOGFILE" && break
    sleep 0.1
  done
  grep -q '^MINIYARN_READY$' "$LOGFILE" || die_with_log "$LOGFILE" "the YARN cluster is not ready after 120s"
  rm_started || die_with_log "$LOGFILE" "the ResourceManager does not answer http://127.0.0.1:$RM_WEB_PORT/ws/v1/cluster/info"
  nm_running || die_with_log "$LOGFILE" "the ResourceManager lists no RUNNING NodeManager"
  started=1
  log "YARN up in $(( $(now_ms) - t0 )) ms, memory: RSS $(( $(rss_kb "$(cat "$PIDFILE")") / 1024 )) MiB"
fi
RM_WEB_PORT=$(cat "$STATE/rm-web-port")
RM=http://127.0.0.1:$RM_WEB_PORT
[[ -f $CONF/yarn-site.xml && -f $CONF/core-site.xml ]] || die "no HADOOP_CONF_DIR at $CONF (restart: $0 stop; $0)"

# ---- verify: a Spark job on YARN, in both deploy modes -----------------------------------
# am_stdout APP_ID: the stdout of the application's first ApplicationMaster container, from the
# NodeManager's REST API (its answer wraps the file in a few header lines), or, once the NodeManager
# has aggregated it, from the aggregated logs (Hadoop's `yarn logs`, LogsCLI).
am_stdout() {
  local logs out
  logs=$(rm_json "/ws/v1/cluster/apps/$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["app"]["amContainerLogs"])') || return 1
  local nm=${logs#http://}; nm=${nm%%/*}
  local container=${logs%/*}; container=${container##*/}
  out=$(curl -sS --max-time 10 "http://$nm/ws/v1/node/containerlogs/$container/stdout" || true)
  if [[ $out != *LogContents:* ]]; then
    out=$(java -Dlog4j.configuration="file:$DIST/log4j.properties" -cp "$CONF:$DIST/jars/*" \
      org.apache.hadoop.yarn.client.cli.LogsCLI -applicationId "$1" -am 1 -log_files stdout 2>/dev/null || true)
  fi
  printf '%s\n' "$out"
}
if { ((started)) && [[ ${LABRUN_TEST_YARN_CHECK:-1} != 0 ]]; } || [[ $mode == verify ]]; then
  SPARK_HOME=${SPARK_HOME:-$SPARK_HOME_DEFAULT}
  ls "$SPARK_HOME"/jars/spark-yarn_*.jar >/dev/null 2>&1 \
    || die "no spark-yarn jar in $SPARK_HOME/jars: run scripts/test-env/spark.sh first (it builds the test SPARK_HOME)"
  export SPARK_HOME HADOOP_CONF_DIR=$CONF YARN_CONF_DIR=$CONF SPARK_LOCAL_IP=127.0.0.1
  V=$STATE/verify
  mkdir -p "$V"
  printf 'Spark runs labrun jobs\nlabrun runs spark jobs on yarn\nthe end\n' >"$V/words.txt"
  for deploy in cluster client; do
    t0=$(now_ms)
    timeout 300 "$SPARK_HOME/bin/spark-submit" --master yarn --deploy-mode "$deploy" \
      --conf spark.executor.instances=1 --conf spark.yarn.maxAppAttempts=1 \
      --class io.labrun.testenv.WordCount "$SPARK_HOME/labrun/wordcount.jar" "$V/words.txt" 2 \
      >"$V/wordcount-$deploy.log" 2>&1 </dev/null 9>&- \
      || die_with_log "$V/wordcount-$deploy.log" "the word count failed on YARN in $deploy mode"
    app=$(grep -o 'application_[0-9]*_[0-9]*' "$V/wordcount-$deploy.log" | head -n1)
    [[ -n $app ]] || die_with_log "$V/wordcount-$deploy.log" "spark-submit named no YARN application in $deploy mode"
    if [[ $deploy == cluster ]]; then out=$(am_stdout "$app"); else out=$(cat "$V/wordcount-$deploy.log"); fi
    grep -q '^COUNT labrun 2$' <<<"$out" && grep -q '^WORDCOUNT_OK$' <<<"$out" \
      || die_with_log "$V/wordcount-$deploy.log" "the word count's driver output (deploy mode $deploy) misses its counts: $out"
    [[ $(rm_json "/ws/v1/cluster/apps/$app") == *'"finalStatus":"SUCCEEDED"'* ]] \
      || die "YARN does not report $app as SUCCEEDED: $(rm_json "/ws/v1/cluster/apps/$app")"
    log "Spark word count on YARN in $deploy mode OK ($app) in $(( $(now_ms) - t0 )) ms"
  done
fi

cat <<EOF
export HADOOP_CONF_DIR=$CONF
export YARN_CONF_DIR=$CONF
export LABRUN_TEST_YARN_RM=$RM
EOF
