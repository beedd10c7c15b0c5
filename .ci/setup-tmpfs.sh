#!/usr/bin/env bash
# Mounts the small tmpfs that FileStoreDiskFullIT fills to provoke a real "No space left on device".
# Idempotent: does nothing but fix permissions when a tmpfs is already mounted there. Needs root (or sudo).
#   SPILLWAY_TMPFS   mount point, default /mnt/spillway-tmpfs
#   size             8 MiB: large enough for a few 1 MiB values, small enough to fill in milliseconds
set -euo pipefail

dir="${SPILLWAY_TMPFS:-/mnt/spillway-tmpfs}"

is_tmpfs_mount() {
  # /proc/mounts escapes spaces and other specials in mount points as octal (\040); compare in that form.
  local escaped
  escaped="$(printf '%s' "$1" | sed -e 's/\\/\\134/g' -e 's/ /\\040/g' -e 's/\t/\\011/g')"
  MOUNT_POINT="$escaped" awk '$2 == ENVIRON["MOUNT_POINT"] { type = $3 } END { exit (type == "tmpfs") ? 0 : 1 }' /proc/mounts
}

if [ -d "$dir" ]; then
  dir="$(cd "$dir" && pwd -P)"
fi

if is_tmpfs_mount "$dir"; then
  echo "tmpfs already mounted at $dir"
  if [ "$(id -u)" -eq 0 ]; then
    chmod 1777 "$dir"
  fi
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "error: mounting a tmpfs at $dir needs root; run: sudo $0" >&2
  exit 1
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd -P)"
mount -t tmpfs -o size=8m tmpfs "$dir"
chmod 1777 "$dir"
echo "mounted an 8 MiB tmpfs at $dir"
