#!/usr/bin/env bash
# Local base image for labrun's Docker tests: labrun-test/python:bookworm,
# a debootstrap'ed Debian bookworm (minbase + python3, venv, pip), imported
# with `docker import` -- no registry is involved.
#
#   base-image.sh [ensure]  start the engine (docker.sh) if needed; build the
#                           image if the engine lacks it (or it was made from a
#                           different package list); smoke-test it
#   base-image.sh check     also time a classic `docker build` FROM the image
#   base-image.sh rebuild   drop the cached rootfs tarball and the image, redo
#
# The debootstrap result is cached as a tarball in /var/cache/labrun-test/,
# keyed by suite, variant, package list and arch, so recreating the image after
# `docker.sh purge` takes seconds, not a debootstrap.
set -euo pipefail
HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

IMAGE=labrun-test/python:bookworm
SUITE=bookworm
VARIANT=minbase
INCLUDE=python3,python3-venv,python3-pip
MIRROR=http://deb.debian.org/debian
# Bump when the post-debootstrap clean-up or the import changes.
RECIPE_VERSION=1
KEY_LABEL=org.labrun.test.rootfs-key
CACHE_DIR="$LABRUN_TEST_CACHE"

rootfs_key() {
	printf 'v%s %s %s %s %s %s\n' "$RECIPE_VERSION" "$SUITE" "$VARIANT" "$INCLUDE" "$MIRROR" \
		"$(dpkg --print-architecture)" | sha256sum | cut -c1-16
}

# umount everything under $1 (debootstrap mounts proc/sys in the target and
# may leave them mounted if it fails), then delete it without crossing mounts.
remove_tree() {
	local dir=$1 m
	[ -e "$dir" ] || return 0
	awk -v d="$dir" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r \
		| while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$dir"
}

make_rootfs_tarball() {
	local tarball=$1 work t0
	need_pkgs debootstrap debian-archive-keyring
	mkdir -p "$CACHE_DIR"
	work=$(mktemp -d "$CACHE_DIR/debootstrap.XXXXXX")
	# shellcheck disable=SC2064
	trap "remove_tree '$work'; rm -f '$tarball.tmp'" EXIT
	log "debootstrap --variant=$VARIANT --include=$INCLUDE $SUITE (log: $work.log)"
	t0=$(now_ns)
	if ! debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$work/root" "$MIRROR" \
		>"$work.log" 2>&1; then
		tail -n 20 "$work.log" >&2
		die "debootstrap failed (full log: $work.log)"
	fi
	log "debootstrap done in $(elapsed_since "$t0")s"
	rm -f "$work.log"

	# Trim what an image doesn't need: downloaded .debs, apt lists, the build
	# host's hostname and resolver (docker provides both at run time).
	(
		cd "$work/root"
		rm -f var/cache/apt/archives/*.deb var/cache/apt/*.bin
		find var/lib/apt/lists -maxdepth 1 -type f ! -name lock -delete
		rm -f etc/hostname
		: >etc/resolv.conf
	)
	tar --numeric-owner --xattrs --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
		-C "$work/root" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	remove_tree "$work"
	trap - EXIT
	log "cached rootfs: $tarball ($(du -h "$tarball" | cut -f1))"
	# drop tarballs of older recipes
	find "$CACHE_DIR" -maxdepth 1 -name "rootfs-$SUITE-*.tar" ! -path "$tarball" -delete
}

image_key() {
	docker image inspect --format "{{ index .Config.Labels \"$KEY_LABEL\" }}" "$IMAGE" 2>/dev/null || true
}

# Sets BUILT=1 if it (re)created the image. (No status return: a function
# called as an `if` condition runs without set -e.)
BUILT=0
ensure_image() {
	local key tarball t0
	key=$(rootfs_key)
	if [ "$(image_key)" = "$key" ]; then
		return 0 # already there
	fi
	tarball="$CACHE_DIR/rootfs-$SUITE-$VARIANT-$key.tar"
	if [ ! -s "$tarball" ]; then
		make_rootfs_tarball "$tarball"
	else
		log "using cached rootfs $tarball"
	fi
	t0=$(now_ns)
	docker import \
		--change "LABEL $KEY_LABEL=$key" \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV LANG=C.UTF-8' \
		--change 'CMD ["python3"]' \
		"$tarball" "$IMAGE" >/dev/null || die "docker import of $tarball failed"
	log "imported $IMAGE in $(elapsed_since "$t0")s, size $(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0fMB", $1/1e6}')"
	BUILT=1
}

smoke_test() {
	local out t0
	t0=$(now_ns)
	out=$(docker run --rm --network none "$IMAGE" python3 -c 'print(1)' 2>&1) \
		|| die "docker run $IMAGE failed: $out"
	[ "$out" = 1 ] || die "docker run $IMAGE printed '$out', expected '1'"
	log "docker run --rm --network none $IMAGE python3: ok in $(elapsed_since "$t0")s"
}

build_check() {
	local ctx t0 out
	ctx=$(mktemp -d)
	printf 'FROM %s\nRUN python3 -m venv /opt/venv\n' "$IMAGE" >"$ctx/Dockerfile"
	t0=$(now_ns)
	if ! out=$(DOCKER_BUILDKIT=0 docker build --no-cache -t labrun-test/buildcheck:latest "$ctx" 2>&1); then
		rm -rf "$ctx"
		printf '%s\n' "$out" | tail -n 15 >&2
		die "classic docker build FROM $IMAGE failed"
	fi
	rm -rf "$ctx"
	log "classic docker build (FROM + RUN python3 -m venv): ok in $(elapsed_since "$t0")s"
	docker image rm labrun-test/buildcheck:latest >/dev/null 2>&1 || true
}

need_root
# (not `eval "$(...)"`: that would swallow docker.sh's failure)
docker_env=$("$HERE/docker.sh" start) || die "could not start the test Docker engine"
eval "$docker_env"
exec 8>"$LABRUN_TEST_RUN/base-image.lock"
flock -w 600 8 || die "another base-image.sh holds the lock"

case "${1:-ensure}" in
ensure)
	ensure_image
	smoke_test
	# the (3s) build check only when the image is new
	if [ "$BUILT" -eq 1 ]; then build_check; fi
	;;
check)
	ensure_image
	smoke_test
	build_check
	;;
rebuild)
	docker image rm -f "$IMAGE" >/dev/null 2>&1 || true
	rm -f "$CACHE_DIR/rootfs-$SUITE-$VARIANT-$(rootfs_key).tar"
	ensure_image
	smoke_test
	build_check
	;;
*) die "usage: $0 [ensure|check|rebuild]" ;;
esac
echo "export DOCKER_HOST=$DOCKER_HOST"
