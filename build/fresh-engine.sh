#!/usr/bin/env bash
# A second, private Docker engine, freshly started, to test what a fresh machine's engine does (a Docker 20.10
# engine just started has no Gateway in its bridge's IPAM) without touching the machine's shared engine.
#   build/fresh-engine.sh start [IMAGE]  start it (own data/exec root, socket, bridge and subnet, no iptables
#                                        rules on the host) and copy IMAGE (default: the newest baked one) in
#   build/fresh-engine.sh stop           stop it and remove everything it made
# While it runs: export DOCKER_HOST=unix:///run/sbx-fresh/docker.sock
set -euo pipefail
state=/run/sbx-fresh
data=/var/lib/sbx-fresh
bridge=sbxfresh0
subnet_address=10.213.77.1/24
socket="unix://$state/docker.sock"

start() {
  local image="${1:-}"
  mkdir -p "$state" "$data"
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
    ip addr add "$subnet_address" dev "$bridge"
    ip link set "$bridge" up
  fi
  # Its own containerd (under its exec root), namespaces, cgroup parent and bridge: nothing shared with the
  # machine's engine. No iptables rules and no ip_forward change: sandboxes use `network: none` anyway.
  setsid nohup dockerd \
    --data-root "$data" --exec-root "$state/exec" --pidfile "$state/docker.pid" -H "$socket" \
    --bridge "$bridge" --iptables=false --ip-forward=false --ip-masq=false \
    --containerd-namespace sbx-fresh --containerd-plugins-namespace sbx-fresh-plugins --cgroup-parent sbx-fresh \
    >"$state/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    if DOCKER_HOST="$socket" timeout 5 docker version >/dev/null 2>&1; then
      break
    fi
    sleep 0.5
  done
  DOCKER_HOST="$socket" docker version --format 'fresh engine: Docker {{.Server.Version}}, API {{.Server.APIVersion}}'
  if [ -z "$image" ]; then
    image=$(docker images --filter label=dev.sandboxbuild.baked=true --format '{{.CreatedAt}}\t{{.Repository}}:{{.Tag}}' | sort -r | head -1 | cut -f2)
  fi
  echo "fresh engine: copying $image in ..."
  docker save "$image" | DOCKER_HOST="$socket" docker load -q
  echo "export DOCKER_HOST=$socket"
}

stop() {
  if [ -f "$state/docker.pid" ]; then
    local pid
    pid=$(cat "$state/docker.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  ip link del "$bridge" 2>/dev/null || true
  # Mounts the engine may leave under its roots go first, then the folders.
  grep -E " ($data|$state)" /proc/self/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$state" "$data"
  echo "fresh engine: stopped and removed"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  *) echo "usage: build/fresh-engine.sh start [IMAGE] | stop" >&2; exit 2 ;;
esac
