#!/usr/bin/env bash
# A minimal Debian root filesystem with systemd, for booting marvind's unit under real
# systemd in systemd-nspawn (TESTBED.md §6). Usage: nspawn-rootfs.sh DIR (kept if it exists).
# Needs root, debootstrap and the Debian mirror the machine's apt uses.
set -euo pipefail
dir=$1
# Mount points for what the test binds in: the tree itself is never written by a test, so
# several test runs can boot it at the same time.
mount_points() {
  mkdir -p "$dir/var/lib/marvind" "$dir/marvin-test" "$dir/etc/systemd/system/multi-user.target.wants" "$dir/opt/swift"
  for file in usr/bin/marvind etc/marvind.conf etc/systemd/system/marvind.service etc/systemd/system/marvin-probe.service; do
    [ -e "$dir/$file" ] || : > "$dir/$file"
  done
}
# The libraries marvind loads besides those of the Swift toolchain (bound in from /opt/swift).
# A tree made with another list is made again.
packages=systemd,systemd-sysv,dbus,libsqlite3-0,libzmq5
if [ "$(cat "$dir/.marvin-ready" 2>/dev/null)" = "$packages" ]; then mount_points; exit 0; fi
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
rm -rf "$dir"
debootstrap --variant=minbase --include=$packages bookworm "$dir" "$mirror" >"$dir.log" 2>&1 \
  || { tail -20 "$dir.log" >&2; exit 1; }
mount_points
echo "$packages" > "$dir/.marvin-ready"
