package io.spillway.bench.tiered;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's minor page faults and CPU time, for the phase lines of {@link TieredWorkload}.
 *
 * <p>Why the faults: in a virtual machine whose guest hands freed memory back to the host (free page reporting), the
 * first touch of a page the host has taken back costs far more than the copy into it, so a phase's time can follow
 * the fresh pages it touched rather than the work it did. Minor faults count the process's first touches of
 * anonymous memory (heap, direct buffers); page-cache pages taken by {@code write} are not among them.
 */
final class ProcessCounters {
  /** Field 10 of {@code /proc/self/stat}, counted from 1: minor faults. */
  private static final int MINFLT_FIELD = 10;

  private ProcessCounters() {}

  /** Minor page faults of this process so far, or -1 where {@code /proc/self/stat} cannot be read. */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(after[MINFLT_FIELD - 3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU time of this process so far, user and system, in nanoseconds; -1 where the JVM cannot tell. */
  static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
