#!/usr/bin/env bash
# The README's first command: builds marvinctld, starts it locally on a default
# configuration with a seeded demo admin, user and node, walks one experiment through its
# life as the node would report it, and prints how to call the API with curl.
#   --check   run the walk-through and stop (used by CI); default: keep serving until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."
keep_serving=1
[ "${1:-}" = "--check" ] && keep_serving=0

port="${MARVIN_DEMO_PORT:-9098}"
state="$(mktemp -d /tmp/marvin-demo.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT INT TERM

bash scripts/install-deps.sh
echo "== building marvinctld"
swift build --product marvinctld 2>&1 | tail -1
ctld="$(swift build --show-bin-path)/marvinctld"

cat > "$state/marvinctld.yaml" <<YAML
database: $state/marvinctld.sqlite
rest_api: {address: 127.0.0.1, port: $port}
housekeeping: {interval: 3600}
YAML

admin=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
alice=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
node1=1111111111111111111111111111111111111111
echo "== seeding: admin, user alice, node 1 and its principal"
"$ctld" --config "$state/marvinctld.yaml" admin add-user --name admin --ssl "$admin" --role admin >/dev/null
"$ctld" --config "$state/marvinctld.yaml" admin add-user --name alice --ssl "$alice" --role user --project demo >/dev/null
"$ctld" --config "$state/marvinctld.yaml" admin add-user --name "Node 1" --ssl "$node1" --role node >/dev/null
"$ctld" --config "$state/marvinctld.yaml" admin add-node --id 1 --hostname node1 \
  --tag type:development --tag country:se \
  --interface iccid=89460000000000000001,imei=359000000000001,mccmnc=24001,operator=Telia,quota=40000000000 >/dev/null

"$ctld" --config "$state/marvinctld.yaml" serve >"$state/marvinctld.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/version" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/version" >/dev/null || { echo "marvinctld did not start:"; cat "$state/marvinctld.log"; exit 1; }

# Without nginx in front, a caller on loopback stands in for the TLS proxy by sending the
# headers nginx would set after verifying a client certificate.
as() { local fp=$1; shift; curl -sS -H "SSL-Fingerprint: $fp" -H "VERIFIED: SUCCESS" "$@"; }
api="http://127.0.0.1:$port"

echo "== node 1 sends its first heartbeat"
as "$node1" -X PUT "$api/v1/resources/1" -d 'maintenance=0' >/dev/null
echo "== alice asks for the earliest free slot on one node"
as "$alice" "$api/v1/schedules/find?nodecount=1&duration=300"
echo "== alice submits an experiment (as soon as possible, 300 s)"
as "$alice" -X POST "$api/v1/experiments" -H 'Content-Type: application/json' \
  -d '{"name": "demo", "nodecount": 1, "nodetypes": "type:development", "script": "docker.example.org/demo/ping:1", "start": 0, "duration": 300, "options": {"storage": 1000000, "_token": "hidden-from-everyone-but-the-node"}}'
echo "== node 1's heartbeat delivers the task (with the hidden option, for the node only)"
answer=$(as "$node1" -X PUT "$api/v1/resources/1" -d 'limit=0')
echo "$answer"
task=$(printf '%s' "$answer" | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
echo "== the node reports the task's life: deployed, started, finished"
for status in deployed started finished; do
  as "$node1" -X PUT "$api/v1/schedules/$task" --data-urlencode "status=$status" >/dev/null
done
as "$node1" -X PUT "$api/v1/schedules/$task" -H 'Content-Type: application/json' \
  -d '{"traffic": {"deployment": 52000000, "interfaces": {"89460000000000000001": 3000}}}' >/dev/null
echo "== alice reads the task"
as "$alice" "$api/v1/schedules/$task"
final=$(as "$alice" "$api/v1/schedules/$task" | sed -n 's/.*"status": "\([^"]*\)".*/\1/p')
[ "$final" = "finished" ] || { echo "demo failed: task status is '$final'"; exit 1; }
echo "== demo experiment finished"

cat <<TXT

marvinctld is serving on $api (database: $state/marvinctld.sqlite, log: $state/marvinctld.log).
Call it as a principal by sending the headers a TLS proxy would set:
  curl -H 'SSL-Fingerprint: $alice' -H 'VERIFIED: SUCCESS' $api/v1/experiments?showHidden=1
  curl -H 'SSL-Fingerprint: $admin' -H 'VERIFIED: SUCCESS' $api/v1/users
  curl $api/metrics
TXT
if [ "$keep_serving" = 1 ]; then
  echo "Press Ctrl-C to stop it (the demo state is removed)."
  wait "$server_pid"
fi
