#!/usr/bin/env bash
# Installs the Debian packages Marvin builds and tests with. Idempotent; needs root
# (or sudo). Nothing is started: the tests start what they need themselves.
set -euo pipefail

packages=(
  libsqlite3-dev libyaml-dev libsystemd-dev pkg-config   # build (GRDB needs the SQLite headers)
  libzmq3-dev                                            # the metadata bus (ZeroMQ)
  sqlite3 curl openssl ca-certificates iproute2          # marvin dev and tests
  nginx                                                  # integration: TLS front end with client certificates
  systemd                                                # systemd-analyze verify for the unit files
  docker.io runc docker-registry busybox-static          # marvin dev and integration: a private engine and registry
  e2fsprogs mount                                        # marvind's loop-mounted results filesystems
  debootstrap systemd-container                          # integration: marvind's unit booted under systemd in nspawn
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
