#!/usr/bin/env bash
# Makes sure a Docker engine answers here, installing and starting one on Debian when run as root.
# Machines of this project start with the docker CLI but no running engine (no systemd either), so the
# engine is started in the background and polled until it answers. Also makes sure busybox is present:
# the tutorial's sample image is assembled from the host's node and busybox (no registry is reachable).
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/tmp/mini-kube-dockerd.log}
WAIT_SECONDS=${DOCKER_WAIT_SECONDS:-60}

say() { echo "ensure-docker: $*" >&2; }

is_root() { [ "$(id -u)" = 0 ]; }
is_debian() {
  [ -r /etc/os-release ] || return 1
  local id like
  id=$(. /etc/os-release && echo "${ID:-}")
  like=$(. /etc/os-release && echo "${ID_LIKE:-}")
  [ "$id" = debian ] || [[ " $like " == *" debian "* ]]
}

apt_updated=
# apt_install PACKAGE... : installs what is missing, or says exactly what to install and fails
apt_install() {
  if ! is_root || ! is_debian; then
    say "cannot install $* here (needs root on Debian/Ubuntu). Install it yourself:"
    say "  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y $*"
    say "  elsewhere: Docker Engine (https://docs.docker.com/engine/install/) and a static busybox"
    return 1
  fi
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

engine_answers() { docker info >/dev/null 2>&1; }

ensure_busybox() {
  if command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ]; then return 0; fi
  apt_install busybox-static
}

ensure_engine() {
  if command -v docker >/dev/null 2>&1 && engine_answers; then return 0; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io
  fi
  if ! command -v docker >/dev/null 2>&1; then
    say "the docker CLI is missing; install docker.io (Debian) or docker-ce-cli"
    return 1
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    if ! is_root; then
      say "no Docker engine answers and starting one needs root: run 'sudo dockerd &' (or start Docker Desktop)"
      return 1
    fi
    say "starting dockerd in the background (log: $DOCKERD_LOG)"
    # setsid: the engine must outlive this script and not get its terminal's signals
    setsid dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  local deadline=$((SECONDS + WAIT_SECONDS))
  until engine_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "the Docker engine did not answer within ${WAIT_SECONDS}s; last lines of $DOCKERD_LOG:"
      tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.5
  done
  say "engine up: Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '(version unknown)')"
}

ensure_engine
ensure_busybox
