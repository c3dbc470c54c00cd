#!/usr/bin/env bash
# `make image-test`: build the Dockerfile with buildah (no Docker engine needed) and smoke-test
# the image: corpus check, one answer, non-root, and a served health check stopped by SIGTERM.
#
# Image registries cannot be reached here, so the base image is made locally: a minimal
# Debian (debootstrap) with python3 and python3-venv, kept in buildah's storage and as a tar
# under build/image-cache/ so later runs skip it. Set BASE_IMAGE to use another base
# (python:3.11-slim-bookworm where a registry is reachable). Where buildah cannot run, this
# says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-localhost/dispute-bot:test}"
BASE_VERSION="bookworm-python3-v1"
LOCAL_BASE="localhost/dispute-bot-base:${BASE_VERSION}"
BASE_IMAGE="${BASE_IMAGE:-$LOCAL_BASE}"
CACHE_DIR="build/image-cache"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
started=$(date +%s)

say() { printf 'image-test: %s\n' "$*"; }
skip() {
    say "SKIPPED: $*"
    exit 0
}

install_debian_packages() {
    # Only as root on Debian-like systems; anything else is the operator's to install.
    if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
        return 1
    fi
    say "installing $* from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}

if ! command -v buildah > /dev/null; then
    install_debian_packages buildah || skip "buildah is not installed (apt-get install buildah)"
fi
if ! buildah info > /dev/null 2>&1; then
    skip "buildah cannot run here: $(buildah info 2>&1 | tail -n 1)"
fi

make_local_base() {
    local tar="$CACHE_DIR/base-${BASE_VERSION}.tar"
    if [ ! -s "$tar" ]; then
        if ! command -v debootstrap > /dev/null; then
            install_debian_packages debootstrap || skip "debootstrap is needed to make the base"
        fi
        say "making the base image: debootstrap of Debian bookworm with python3"
        local root
        root="$(mktemp -d)"
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
            bookworm "$root" "$DEBIAN_MIRROR" > "$CACHE_DIR/debootstrap.log" 2>&1 ||
            { tail -n 20 "$CACHE_DIR/debootstrap.log"; rm -rf "$root"; exit 1; }
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
            "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/locale
        tar -C "$root" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
        rm -rf "$root"
    fi
    say "importing the base image from $tar"
    local ctr
    ctr=$(buildah from scratch)
    buildah add --quiet "$ctr" "$tar" / > /dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --env LANG=C.UTF-8 --cmd /bin/sh "$ctr"
    buildah commit --quiet "$ctr" "$LOCAL_BASE" > /dev/null
    buildah rm "$ctr" > /dev/null
}

mkdir -p "$CACHE_DIR"
if ! buildah inspect --type image "$BASE_IMAGE" > /dev/null 2>&1; then
    if [ "$BASE_IMAGE" = "$LOCAL_BASE" ]; then
        make_local_base
    else
        say "base image $BASE_IMAGE is not in local storage; buildah will try to pull it"
    fi
fi

# pip inside the build uses this machine's package index and CA bundle (a TLS-inspecting
# proxy's certificate, when there is one).
pip_setting() { python3 -m pip config get "$1" 2> /dev/null || true; }
PIP_INDEX="${PIP_INDEX_URL:-$(pip_setting global.index-url)}"
PIP_CA="${PIP_CERT:-$(pip_setting global.cert)}"
build_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "PIP_INDEX=$PIP_INDEX")
if [ -n "$PIP_CA" ] && [ -s "$PIP_CA" ]; then
    build_args+=(--secret "id=pip_cert,src=$PIP_CA")
fi

say "building $IMAGE on $BASE_IMAGE"
previous=$(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE" 2> /dev/null || true)
buildah build --isolation chroot --format docker --layers --quiet \
    "${build_args[@]}" --tag "$IMAGE" . > "$CACHE_DIR/build.log" 2>&1 ||
    { tail -n 40 "$CACHE_DIR/build.log"; exit 1; }
built=$(date +%s)
current=$(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
    buildah rmi "$previous" > /dev/null 2>&1 || true # the last run's image, now untagged
fi
buildah rmi --prune > /dev/null 2>&1 || true # untagged build stages: keep the disk bounded

ctr=$(buildah from "$IMAGE")
trap 'buildah rm "$ctr" > /dev/null 2>&1 || true' EXIT
in_image() { buildah run --isolation chroot "$ctr" -- "$@"; }

say "smoke test: dispute-bot corpus check"
in_image dispute-bot corpus check

say "smoke test: dispute-bot ask \"/quote trump\""
answer=$(in_image dispute-bot ask "/quote trump")
printf '%s\n' "$answer" | head -n 5
grep -q "^Quotes by Donald Trump" <<< "$answer" || { say "FAILED: unexpected answer"; exit 1; }

say "smoke test: runs as a non-root user, with a HEALTHCHECK"
uid=$(in_image id -u)
[ "$uid" != 0 ] || { say "FAILED: the image runs as root"; exit 1; }
healthcheck=$(buildah inspect --type image --format '{{.Docker.Config.Healthcheck}}' "$IMAGE")
grep -q "dispute-bot health" <<< "$healthcheck" || { say "FAILED: no HEALTHCHECK"; exit 1; }

say "smoke test: serve, answer /healthz, stop on SIGTERM with exit 0"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2016  # expanded inside the image
in_image env HEALTH_PORT="$port" DISPUTE_BOT_HEALTH_HOST=127.0.0.1 sh -c '
    dispute-bot serve 2> /tmp/serve.log & pid=$!
    for _ in $(seq 1 100); do
        dispute-bot health > /dev/null 2>&1 && break
        sleep 0.1
    done
    dispute-bot health --ready || { cat /tmp/serve.log; exit 1; }
    kill -TERM "$pid"
    wait "$pid"; status=$?
    tail -n 2 /tmp/serve.log
    exit "$status"
'

finished=$(date +%s)
say "OK: $IMAGE built in $((built - started)) s, smoke-tested in $((finished - built)) s"
