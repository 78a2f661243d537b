#!/usr/bin/env bash
# Image for labrun's Docker + PySpark tests: labrun-test/pyspark:bookworm, the
# base image (labrun-test/python:bookworm) plus a Java 17 runtime and the test
# SPARK_HOME that spark.sh assembled from Maven Central jars, so that
# `Framework: PySpark` on a docker target runs the image's real spark-submit.
# No registry is involved: the layers are copied from this machine.
#
#   pyspark-image.sh     build the image if missing or made from other inputs,
#                        smoke-test it, print `export LABRUN_TEST_PYSPARK_IMAGE=...`
#
# Needs DOCKER_HOST (base-image.sh) and SPARK_HOME (spark.sh) in the environment.
set -euo pipefail
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

IMAGE=labrun-test/pyspark:bookworm
BASE=labrun-test/python:bookworm
KEY_LABEL=org.labrun.test.pyspark-key
# Bump when the Dockerfile below changes.
RECIPE_VERSION=1

need_root
[ -n "${DOCKER_HOST:-}" ] || die "DOCKER_HOST is not set (start base-image.sh first)"
[ -n "${SPARK_HOME:-}" ] && [ -d "$SPARK_HOME/jars" ] || die "SPARK_HOME is not set or has no jars/ (start spark.sh first)"
JAVA_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
[ -x "$JAVA_DIR/bin/java" ] || die "no Java runtime found beside $(command -v java)"
cd /
exec 8>"$LABRUN_TEST_RUN/pyspark-image.lock"
flock -w 600 8 || die "another pyspark-image.sh holds the lock"

key=$( {
	echo "v$RECIPE_VERSION"
	docker image inspect --format '{{.Id}}' "$BASE"
	"$JAVA_DIR/bin/java" -version 2>&1
	cat "$SPARK_HOME/.labrun-stamp" "$SPARK_HOME/jars/.labrun-stamp"
} | sha256sum | cut -c1-16)

have=$(docker image inspect --format "{{index .Config.Labels \"$KEY_LABEL\"}}" "$IMAGE" 2>/dev/null || true)
if [ "$have" != "$key" ]; then
	t0=$(now_ns)
	ctx=$(mktemp -d "$LABRUN_TEST_CACHE/pyspark-image.XXXXXX")
	trap 'rm -rf "$ctx"' EXIT
	log "building $IMAGE from $BASE, $JAVA_DIR and $SPARK_HOME"
	# -L: Debian's JDK links its conf files into /etc; the image needs the files.
	mkdir -p "$ctx/java" "$ctx/spark"
	for d in bin conf lib legal release; do cp -rL "$JAVA_DIR/$d" "$ctx/java/" 2>/dev/null || true; done
	rm -f "$ctx/java/lib/src.zip"
	cp -r "$SPARK_HOME/bin" "$SPARK_HOME/conf" "$SPARK_HOME/jars" "$SPARK_HOME/RELEASE" "$ctx/spark/"
	cat >"$ctx/Dockerfile" <<EOF
FROM $BASE
COPY java /opt/java
COPY spark /opt/spark
ENV JAVA_HOME=/opt/java SPARK_HOME=/opt/spark SPARK_LOCAL_IP=127.0.0.1 \
    PATH=/opt/spark/bin:/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL $KEY_LABEL=$key
EOF
	if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$ctx" 2>&1); then
		printf '%s\n' "$out" | tail -n 15 >&2
		die "docker build of $IMAGE failed"
	fi
	log "built $IMAGE in $(elapsed_since "$t0")s, size $(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0fMB", $1/1e6}')"
fi

t0=$(now_ns)
out=$(docker run --rm --network none "$IMAGE" spark-submit --version 2>&1) \
	|| { printf '%s\n' "$out" | tail -n 15 >&2; die "spark-submit --version failed in $IMAGE"; }
grep -q 'version' <<<"$out" || die "spark-submit --version in $IMAGE printed no version: $out"
log "docker run --rm --network none $IMAGE spark-submit --version: ok in $(elapsed_since "$t0")s"
echo "export LABRUN_TEST_PYSPARK_IMAGE=$IMAGE"
