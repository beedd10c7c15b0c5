#!/usr/bin/env bash
# Mounts the two small tmpfs file systems the store tests need, each only if it is not mounted yet:
#   SPILLWAY_TMPFS      default /mnt/spillway-tmpfs, 8 MiB, writable: FileStoreDiskFullIT fills it to provoke a real
#                       "No space left on device" (large enough for a few 1 MiB values, small enough to fill in ms)
#   SPILLWAY_READONLY   default /mnt/spillway-readonly, read-only: SpillDirErrorsIT opens a spill directory on it
# Idempotent: does nothing but fix permissions where a tmpfs is already mounted. Needs root (or sudo).
set -euo pipefail

is_tmpfs_mount() {
  # /proc/mounts escapes spaces and other specials in mount points as octal (\040); compare in that form.
  local escaped
  escaped="$(printf '%s' "$1" | sed -e 's/\\/\\134/g' -e 's/ /\\040/g' -e 's/\t/\\011/g')"
  MOUNT_POINT="$escaped" awk '$2 == ENVIRON["MOUNT_POINT"] { type = $3 } END { exit (type == "tmpfs") ? 0 : 1 }' /proc/mounts
}

# mount_tmpfs DIR OPTIONS: mounts a tmpfs with OPTIONS at DIR unless one is there.
mount_tmpfs() {
  local dir="$1" options="$2"
  if [ -d "$dir" ]; then
    dir="$(cd "$dir" && pwd -P)"
  fi
  if is_tmpfs_mount "$dir"; then
    echo "tmpfs already mounted at $dir"
    if [ "$(id -u)" -eq 0 ] && [[ "$options" != ro,* ]]; then
      chmod 1777 "$dir"
    fi
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: mounting a tmpfs at $dir needs root; run: sudo $0" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  if [[ "$options" == ro,* ]]; then
    # A read-only tmpfs is empty for good; mount it writable, leave a folder in it, then remount read-only.
    mount -t tmpfs -o "${options#ro,}" tmpfs "$dir"
    mkdir -p "$dir/existing"
    mount -o remount,ro "$dir"
  else
    mount -t tmpfs -o "$options" tmpfs "$dir"
    chmod 1777 "$dir"
  fi
  echo "mounted a tmpfs ($options) at $dir"
}

mount_tmpfs "${SPILLWAY_TMPFS:-/mnt/spillway-tmpfs}" "size=8m"
mount_tmpfs "${SPILLWAY_READONLY:-/mnt/spillway-readonly}" "ro,size=64k"
