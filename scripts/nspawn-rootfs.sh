#!/usr/bin/env bash
# A minimal Debian root filesystem with systemd, for booting marvind's unit under real
# systemd in systemd-nspawn (TESTBED.md §6). Usage: nspawn-rootfs.sh DIR (kept if it exists).
# Needs root, debootstrap and the Debian mirror the machine's apt uses.
set -euo pipefail
dir=$1
[ -f "$dir/.marvin-ready" ] && exit 0
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
rm -rf "$dir"
debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libsqlite3-0 bookworm "$dir" "$mirror" >"$dir.log" 2>&1 \
  || { tail -20 "$dir.log" >&2; exit 1; }
touch "$dir/.marvin-ready"
