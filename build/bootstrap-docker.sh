#!/usr/bin/env bash
# Makes sure a Docker engine answers. On Debian or Ubuntu as root it installs Debian's docker.io (and
# debootstrap, which `sandboxbuild bake` needs, docker-compose, which the integration tests use to start the
# pattern's compose file, and squid-openssl, the restore sandbox's egress proxy) and starts dockerd; anywhere
# else it says what to do. Safe to run again: it does nothing when an engine already answers and everything
# is installed.
set -euo pipefail

engine_answers() {
  if command -v docker >/dev/null 2>&1; then
    timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else
    [ -S /var/run/docker.sock ] && timeout 10 curl -fsS --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1
  fi
}

is_debian_like() { [ -r /etc/os-release ] && grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # The integration tests bring up the pattern's compose file for real (validate --container).
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  [ -x /usr/sbin/squid ] && /usr/sbin/squid -v 2>/dev/null | grep -- '--with-openssl' >/dev/null || missing+=(squid-openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap-docker: installing ${missing[*]} from Debian's packages ..."
    export DEBIAN_FRONTEND=noninteractive
    # Package scripts must not start services (Squid's would hold port 3128 for every user of the machine):
    # policy-rc.d answers "not now" while we install, unless the machine already has its own.
    local own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  fi
  quiet_system_squid
}

# SandboxBuild starts its own Squid per restore, as an unprivileged user on a free loopback port. The
# distribution's service is never needed: stop and disable it so no system Squid holds a port.
quiet_system_squid() {
  [ -x /usr/sbin/squid ] || return 0
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now squid.service >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/squid ]; then
    /etc/init.d/squid stop >/dev/null 2>&1 || true
    command -v update-rc.d >/dev/null 2>&1 && update-rc.d squid disable >/dev/null 2>&1 || true
  fi
  if [ -s /run/squid.pid ] && kill -0 "$(cat /run/squid.pid)" 2>/dev/null; then
    kill "$(cat /run/squid.pid)" 2>/dev/null || true
  fi
}

start_dockerd() {
  echo "bootstrap-docker: starting dockerd (log: /var/log/sandboxbuild-dockerd.log) ..."
  # setsid: the engine must outlive the shell that started it.
  setsid nohup dockerd >/var/log/sandboxbuild-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    if engine_answers; then
      echo "bootstrap-docker: the engine answers."
      return 0
    fi
    sleep 0.5
  done
  echo "bootstrap-docker: dockerd did not answer within 60 s; its log ends with:" >&2
  tail -n 20 /var/log/sandboxbuild-dockerd.log >&2 || true
  return 1
}

if engine_answers; then
  if [ "$(id -u)" -eq 0 ] && is_debian_like; then
    install_packages
  fi
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  echo "bootstrap-docker: DOCKER_HOST=$DOCKER_HOST does not answer. Start that engine, or unset DOCKER_HOST to use a local one." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ] && is_debian_like; then
  install_packages
  start_dockerd
  exit $?
fi

cat >&2 <<'HELP'
bootstrap-docker: no Docker engine answers, and this script can only install one as root on Debian or Ubuntu.
  - Debian/Ubuntu: sudo build/bootstrap-docker.sh
  - Other Linux:   install Docker Engine (https://docs.docker.com/engine/install/) and start it
  - Rootless:      export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock
HELP
exit 1
