#!/usr/bin/env bash
# A private container engine and image registry for the Docker tests (TESTBED.md §3–4):
#   docker-testbed.sh start DIR   starts dockerd (own socket, no iptables, no bridge) and a
#                                 registry on a free port, pushes the test experiment image,
#                                 and prints the variables the tests read;
#   docker-testbed.sh restart-engine DIR
#                                 stops dockerd as a service manager would and starts it
#                                 again (scenario 94); its containers end with it;
#   docker-testbed.sh engine DIR DATA_ROOT
#                                 starts only an engine, with its data on DATA_ROOT (a small
#                                 filesystem, scenario 24); stop-engine DIR stops it;
#   docker-testbed.sh stop DIR    stops both by PID and removes DIR.
# Needs root and the packages docker.io, docker-registry and busybox-static.
set -euo pipefail
command=$1
dir=$2
data_root=${3:-$dir/data}

socket="$dir/docker.sock"

stop_pid() {
  if [ -f "$dir/$1.pid" ]; then
    pid=$(cat "$dir/$1.pid")
    kill -TERM "$pid" 2>/dev/null || true
    # dockerd gives its containers 10 s to stop.
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

start_engine() {
  dockerd --data-root "$data_root" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid.engine" --host "unix://$socket" \
    --iptables=false --ip-masq=false --bridge=none >>"$dir/dockerd.log" 2>&1 &
  echo $! > "$dir/dockerd.pid"
}

wait_for_engine() {
  for _ in $(seq 1 100); do
    curl -sf --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$dir/dockerd.log" >&2
  return 1
}

stop() {
  for name in registry auth-registry dockerd; do stop_pid "$name"; done
  # Mounts the engine left behind, deepest first.
  grep -o " $dir[^ ]*" /proc/self/mountinfo | sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  rm -rf "$dir"
}

if [ "$command" = stop ]; then stop; exit 0; fi
if [ "$command" = engine ]; then
  mkdir -p "$dir"
  start_engine
  wait_for_engine
  exit 0
fi
if [ "$command" = stop-engine ]; then stop_pid dockerd; exit 0; fi
if [ "$command" = restart-engine ]; then
  stop_pid dockerd
  start_engine
  wait_for_engine
  exit 0
fi

mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" "$dir/rootfs/tmp" "$dir/registry-data"
start_engine
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
wait_for_engine

# The experiment image: busybox and a script that behaves as its options say.
cp "$(command -v busybox)" "$dir/rootfs/bin/busybox"
for tool in sh echo cat cp ls sleep date grep mkdir touch id head dd true; do ln -sf busybox "$dir/rootfs/bin/$tool"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/rootfs/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' >> "$dir/rootfs/etc/passwd"
cat > "$dir/rootfs/experiment.sh" <<'SH'
#!/bin/sh
# Copies what the node gives it, prints on both streams, then ends as its options say:
# "mode":"exit3" exits 3, "mode":"long" runs until SIGTERM (and writes `term`), "mode":"linger"
# exits 0.5 s after SIGTERM, "mode":"chatty" prints `tick-out-<n>` and `tick-err-<n>` every 0.1 s
# until SIGTERM, "mode":"stubborn" ignores SIGTERM and runs until killed, else exits 0.
cat /monroe/config >/dev/null && echo "config-readable"
[ -c /dev/kmsg ] && echo "device-kmsg"
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
if grep -q '"mode":"chatty"' /monroe/config; then
  n=1
  while true; do echo "tick-out-$n"; echo "tick-err-$n" >&2; n=$((n + 1)); sleep 0.1; done &
  wait
fi
if grep -q '"mode":"linger"' /monroe/config; then
  trap 'sleep 0.5; echo term > /monroe/results/term; exit 0' TERM
  sleep 1000 & wait
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
printf '#!/bin/sh\necho never\n' > "$dir/rootfs/noexec.sh"
chmod 644 "$dir/rootfs/noexec.sh"
export DOCKER_HOST="unix://$socket"
tar -C "$dir/rootfs" -cf "$dir/rootfs.tar" .
# The same files with another user or command: experiment-user:1234 and :nobody (scenario 49),
# experiment-cmd:missing and :noexec (scenario 53).
image() {
  name=$1; shift
  changes=()
  for change in "$@"; do changes+=(-c "$change"); done
  docker import "${changes[@]}" "$dir/rootfs.tar" "127.0.0.1:$port/marvin/$name" >/dev/null
  docker push "127.0.0.1:$port/marvin/$name" >/dev/null
  docker rmi -f "127.0.0.1:$port/marvin/$name" >/dev/null
}
image experiment:1 'CMD ["/experiment.sh"]'
image experiment-user:1234 'CMD ["/experiment.sh"]' 'USER 1234'
image experiment-user:nobody 'CMD ["/experiment.sh"]' 'USER nobody'
image experiment-cmd:missing 'CMD ["/nonexistent"]'
image experiment-cmd:noexec 'CMD ["/noexec.sh"]'
# experiment-layers:1 is experiment:1 with a second layer of 2 MB that do not compress.
docker pull "127.0.0.1:$port/marvin/experiment:1" >/dev/null
docker run --network none --name "layers-$port" "127.0.0.1:$port/marvin/experiment:1" /bin/sh -c 'head -c 2000000 /dev/urandom > /ballast' >/dev/null
docker commit -c 'CMD ["/experiment.sh"]' "layers-$port" "127.0.0.1:$port/marvin/experiment-layers:1" >/dev/null
docker rm "layers-$port" >/dev/null
docker push "127.0.0.1:$port/marvin/experiment-layers:1" >/dev/null
docker rmi -f "127.0.0.1:$port/marvin/experiment-layers:1" "127.0.0.1:$port/marvin/experiment:1" >/dev/null
# experiment-big:1 and :2 each have a layer of their own with 3 MB that do not compress
# (scenarios 25, 27, 28, 30, 32).
for tag in 1 2; do
  mkdir -p "$dir/big$tag"
  head -c 3000000 /dev/urandom > "$dir/big$tag/ballast"
  tar -C "$dir/big$tag" -cf "$dir/big$tag.tar" .
  docker import -c 'CMD ["/bin/sh"]' "$dir/big$tag.tar" "127.0.0.1:$port/marvin/experiment-big:$tag" >/dev/null
  docker push "127.0.0.1:$port/marvin/experiment-big:$tag" >/dev/null
  docker rmi -f "127.0.0.1:$port/marvin/experiment-big:$tag" >/dev/null
done
# A second registry that asks for a password (docker.registry_auth_file), with experiment:1.
auth_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -W ignore -c 'import crypt; print("tester:" + crypt.crypt("s3cret-pw", crypt.mksalt(crypt.METHOD_BLOWFISH)))' > "$dir/htpasswd"
cat > "$dir/auth-registry.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $dir/auth-registry-data
http:
  addr: 127.0.0.1:$auth_port
auth:
  htpasswd:
    realm: marvin-test
    path: $dir/htpasswd
YAML
docker-registry serve "$dir/auth-registry.yml" >"$dir/auth-registry.log" 2>&1 &
echo $! > "$dir/auth-registry.pid"
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$auth_port/v2/")" = 401 ] && break
  sleep 0.1
done
export DOCKER_CONFIG="$dir/docker-client"
echo s3cret-pw | docker login -u tester --password-stdin "127.0.0.1:$auth_port" >/dev/null
docker import -c 'CMD ["/experiment.sh"]' "$dir/rootfs.tar" "127.0.0.1:$auth_port/marvin/experiment:1" >/dev/null
docker push "127.0.0.1:$auth_port/marvin/experiment:1" >/dev/null
docker rmi -f "127.0.0.1:$auth_port/marvin/experiment:1" >/dev/null
echo "export MARVIN_TEST_DOCKER_SOCKET=$socket MARVIN_TEST_REGISTRY=127.0.0.1:$port MARVIN_TEST_AUTH_REGISTRY=127.0.0.1:$auth_port"
