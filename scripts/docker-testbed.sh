#!/usr/bin/env bash
# A private container engine and image registry for the Docker tests (TESTBED.md §3–4):
#   docker-testbed.sh start DIR   starts dockerd (own socket, no iptables, no bridge) and a
#                                 registry on a free port, pushes the test experiment image,
#                                 and prints the variables the tests read;
#   docker-testbed.sh stop DIR    stops both by PID and removes DIR.
# Needs root and the packages docker.io, docker-registry and busybox-static.
set -euo pipefail
command=$1
dir=$2

stop() {
  for name in registry dockerd; do
    if [ -f "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  # Mounts the engine left behind, deepest first.
  grep -o " $dir[^ ]*" /proc/self/mountinfo | sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  rm -rf "$dir"
}

if [ "$command" = stop ]; then stop; exit 0; fi

mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" "$dir/rootfs/tmp" "$dir/registry-data"
socket="$dir/docker.sock"
dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid.engine" --host "unix://$socket" \
  --iptables=false --ip-masq=false --bridge=none >"$dir/dockerd.log" 2>&1 &
echo $! > "$dir/dockerd.pid"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$dir/registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $dir/registry-data
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
echo $! > "$dir/registry.pid"
for _ in $(seq 1 100); do
  curl -sf --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1 && curl -sf "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf --unix-socket "$socket" http://localhost/_ping >/dev/null || { cat "$dir/dockerd.log" >&2; exit 1; }

# The experiment image: busybox and a script that behaves as its options say.
cp "$(command -v busybox)" "$dir/rootfs/bin/busybox"
for tool in sh echo cat cp ls sleep date grep mkdir touch id head dd true; do ln -sf busybox "$dir/rootfs/bin/$tool"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/rootfs/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' >> "$dir/rootfs/etc/passwd"
cat > "$dir/rootfs/experiment.sh" <<'SH'
#!/bin/sh
# Copies what the node gives it, prints on both streams, then ends as its options say:
# "mode":"exit3" exits 3, "mode":"long" runs until SIGTERM (and writes `term`), "mode":"stubborn"
# ignores SIGTERM and runs until killed, else exits 0.
cp /monroe/config /monroe/results/config-copy.json
cat /nodeid > /monroe/results/nodeid-copy
echo "out-1"
echo "err-1" >&2
trap 'echo term > /monroe/results/term; exit 0' TERM
if grep -q '"mode":"exit3"' /monroe/config; then exit 3; fi
if grep -q '"mode":"stubborn"' /monroe/config; then
  trap '' TERM
  while true; do echo "still here"; sleep 0.2; done
fi
if grep -q '"mode":"long"' /monroe/config; then
  n=2
  while true; do echo "out-$n"; n=$((n + 1)); sleep 0.2; done &
  wait
fi
sleep 1
exit 0
SH
chmod 755 "$dir/rootfs/experiment.sh"
export DOCKER_HOST="unix://$socket"
tar -C "$dir/rootfs" -cf "$dir/rootfs.tar" .
docker import -c 'CMD ["/experiment.sh"]' "$dir/rootfs.tar" "127.0.0.1:$port/marvin/experiment:1" >/dev/null
docker push "127.0.0.1:$port/marvin/experiment:1" >/dev/null
docker rmi -f "127.0.0.1:$port/marvin/experiment:1" >/dev/null
echo "export MARVIN_TEST_DOCKER_SOCKET=$socket MARVIN_TEST_REGISTRY=127.0.0.1:$port"
