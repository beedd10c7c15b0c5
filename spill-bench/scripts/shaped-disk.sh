#!/usr/bin/env bash
# PairedSpillReload on a disk of a given bandwidth, in a process whose page cache is bounded, as in a container
# with a memory limit: how a spill behaves where the disk, not the processor, is the limit.
#
# The disk is an ext4 file system on a loop device whose backing file lives in /dev/shm, so that the only limit is
# the one set here: blkio throttling of the loop device to MIBPS MiB/s each way (cgroup v1, on the root group, where
# the kernel's writeback runs too), with at most 64 MiB of it dirty at once (the device's max_bytes, strict), so that
# buffered writes wait for the disk instead of filling the page cache. The JVM runs in a memory cgroup of its heap,
# 256 MiB for the rest of the JVM and CACHE_MIB MiB, which bounds the page cache it can fill: what it spilled is
# read back from the disk, not from memory, once it passes that.
#
# Needs root, losetup, mkfs.ext4 and cgroup v1's blkio and memory controllers (this machine has them). Everything it
# made is taken down when it ends, whatever the outcome.
#
# Usage: [MIBPS=125] [HEAP=2g] [CACHE_MIB=512] spill-bench/scripts/shaped-disk.sh [PairedSpillReload arguments...]
# e.g.   MIBPS=250 spill-bench/scripts/shaped-disk.sh --payload json --sides raw,none/none,auto/none,lz4/none
#        --rounds 5 --warmup 1
set -euo pipefail
cd "$(dirname "$0")/../.."

mibps=${MIBPS:-125}
heap=${HEAP:-2g}
cache_mib=${CACHE_MIB:-512}
jar=spill-bench/target/benchmarks.jar
image=/dev/shm/spillway-shaped-disk.img
mount_point=/mnt/spillway-shaped
blkio=/sys/fs/cgroup/blkio
memcg=/sys/fs/cgroup/memory/spillway-shaped-disk
loop=""
device=""
bdi_max_ratio=""
bdi_strict=""

[ -f "$jar" ] || { echo "missing $jar: run mvn -pl spill-bench -am package -DskipTests first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (loop devices, cgroups)" >&2; exit 2; }
[ -d "$blkio" ] && [ -d "$(dirname "$memcg")" ] || { echo "needs cgroup v1 blkio and memory controllers" >&2; exit 2; }

heap_bytes=$(numfmt --from=iec "${heap^^}")
bytes_per_second=$((mibps * 1024 * 1024))

cleanup() {
  set +e
  if [ -n "$device" ]; then
    echo "$device 0" > "$blkio/blkio.throttle.write_bps_device"
    echo "$device 0" > "$blkio/blkio.throttle.read_bps_device"
    # The loop device outlives this script, and its writeback limits with it: give them back.
    [ -n "$bdi_strict" ] && echo "$bdi_strict" > "/sys/class/bdi/$device/strict_limit"
    # max_bytes is kept as a share of the dirty limit (max_ratio), which moves with free memory: restore the share.
    [ -n "$bdi_max_ratio" ] && echo "$bdi_max_ratio" > "/sys/class/bdi/$device/max_ratio"
  fi
  mountpoint -q "$mount_point" && umount "$mount_point"
  [ -n "$loop" ] && losetup -d "$loop"
  rm -f "$image"
  [ -d "$memcg" ] && rmdir "$memcg"
}
trap cleanup EXIT

truncate -s 6G "$image"
loop=$(losetup -f --show "$image")
mkfs.ext4 -q -F "$loop"
mkdir -p "$mount_point"
mount "$loop" "$mount_point"
device=$(lsblk -dno MAJ:MIN "$loop" | tr -d ' ')
echo "$device $bytes_per_second" > "$blkio/blkio.throttle.write_bps_device"
echo "$device $bytes_per_second" > "$blkio/blkio.throttle.read_bps_device"
bdi_max_ratio=$(cat "/sys/class/bdi/$device/max_ratio")
bdi_strict=$(cat "/sys/class/bdi/$device/strict_limit")
echo $((64 * 1024 * 1024)) > "/sys/class/bdi/$device/max_bytes"
echo 1 > "/sys/class/bdi/$device/strict_limit"
mkdir -p "$memcg"
echo $((heap_bytes + 256 * 1024 * 1024 + cache_mib * 1024 * 1024)) > "$memcg/memory.limit_in_bytes"

echo "disk: $loop ($device) at $mount_point, $mibps MiB/s each way; JVM heap $heap, page cache about $cache_mib MiB"
# The child joins the memory cgroup before it becomes the JVM, so that all it reads and writes is charged there.
sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$memcg" \
  java "-Xms$heap" "-Xmx$heap" -XX:+AlwaysPreTouch "-Dbench.dir=$mount_point" -cp "$jar" \
  io.spillway.bench.PairedSpillReload "$@"
