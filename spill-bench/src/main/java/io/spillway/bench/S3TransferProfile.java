package io.spillway.bench;

import com.sun.management.OperatingSystemMXBean;
import io.spillway.api.SpillManager;
import io.spillway.api.spi.SpillStore;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3SpillStores;
import io.spillway.store.s3.S3StoreSettings;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the time of large S3 transfers goes: wall-clock time and this process's CPU time of two 256 MiB values put
 * and got with single requests of the raw SDK, written and read by the {@code s3} store with parts moved 8 at once
 * and one at a time, and spilled and reloaded by a {@link SpillManager} on the {@code s3} store (as one round of
 * {@link S3SpillBenchmark}'s large pair), all against S3Proxy in this JVM (client and server share the processors),
 * the phases interleaved in each round so that a change in the machine's load weighs on all of them.
 * CPU time over wall time is the number of processors a transfer kept busy: when one request already keeps most of
 * them busy, parallel parts have nothing to overlap. Prints one line per phase and round; used for BENCHMARKS.md.
 *
 * <p>Properties: {@code bench.s3.mib} (default 256), {@code bench.s3.values} (default 2), {@code bench.s3.rounds}
 * (default 3), {@code bench.s3.partMiB} (default 8). Not thread-safe; run it alone.
 */
public final class S3TransferProfile {
  private static final String BUCKET = "profile";
  private static final String ACCESS_KEY = "profile-access";
  private static final String SECRET_KEY = "profile-secret";

  private S3TransferProfile() {}

  /** Runs the profile; see the class comment for the properties. */
  public static void main(String[] args) throws Exception {
    int mib = Integer.getInteger("bench.s3.mib", 256);
    int values = Integer.getInteger("bench.s3.values", 2);
    int rounds = Integer.getInteger("bench.s3.rounds", 3);
    long partSize = Long.getLong("bench.s3.partMiB", 8) << 20;
    SplittableRandom random = new SplittableRandom(7);
    byte[][] data = new byte[values][mib << 20];
    for (byte[] value : data) {
      random.nextBytes(value);
    }
    EmbeddedS3 server = EmbeddedS3.start(BUCKET, ACCESS_KEY, SECRET_KEY);
    S3StoreSettings.Builder settings = server.storeSettings().partSize(partSize);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf("%d x %d MiB per phase, parts of %d MiB, %d processors%n", values, mib, partSize >> 20,
        Runtime.getRuntime().availableProcessors());
    try (S3Client raw = S3SpillStores.newClient(settings.build());
        SpillStore parallel = S3SpillStores.create(raw, settings.parallelism(8).build());
        SpillStore sequential = S3SpillStores.create(raw, settings.parallelism(1).build());
        SpillManager manager = Spillway.newManager(server.managerConfig()
            .option(S3StoreSettings.PART_SIZE, Long.toString(partSize))
            .build())) {
      for (int i = 0; i < values; i++) {
        manager.registerSegment("large-" + i, data[i].length);
      }
      for (int round = 1; round <= rounds; round++) {
        Phase phase = new Phase(os, round);
        for (int i = 0; i < values; i++) {
          String key = "raw-" + i;
          raw.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data[i]));
        }
        phase.end("raw SDK single PutObject");
        for (int i = 0; i < values; i++) {
          String key = "raw-" + i;
          check(raw.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArrayUnsafe(), data[i]);
          raw.deleteObject(b -> b.bucket(BUCKET).key(key));
        }
        phase.end("raw SDK single GetObject");
        for (SpillStore store : new SpillStore[] {parallel, sequential}) {
          String how = store == parallel ? "8 parts at once" : "1 part at a time";
          for (int i = 0; i < values; i++) {
            store.write("value-" + i, ByteBuffer.wrap(data[i]));
          }
          phase.end("store write, " + how);
          for (int i = 0; i < values; i++) {
            check(store.read("value-" + i), data[i]);
            store.delete("value-" + i);
          }
          phase.end("store read, " + how);
        }
        for (int i = 0; i < values; i++) {
          manager.spill("large-" + i, data[i]);
        }
        phase.end("manager spill, 8 parts at once");
        for (int i = 0; i < values; i++) {
          check(manager.reload("large-" + i).orElseThrow(), data[i]);
        }
        phase.end("manager reload, 8 parts at once");
        System.out.printf("load average %.1f%n", os.getSystemLoadAverage());
      }
    } finally {
      server.close();
    }
  }

  private static void check(byte[] back, byte[] data) {
    if (!Arrays.equals(back, data)) {
      throw new IllegalStateException("bytes read back differ from those written");
    }
  }

  /** Times consecutive phases of one round. */
  private static final class Phase {
    private final OperatingSystemMXBean os;
    private final int round;
    private long wallStart;
    private long cpuStart;

    Phase(OperatingSystemMXBean os, int round) {
      this.os = os;
      this.round = round;
      restart();
    }

    void restart() {
      wallStart = System.nanoTime();
      cpuStart = os.getProcessCpuTime();
    }

    void end(String what) {
      long wall = System.nanoTime() - wallStart;
      long cpu = os.getProcessCpuTime() - cpuStart;
      System.out.printf("round %d  %-34s wall %6d ms  cpu %6d ms  processors busy %.2f%n", round, what,
          wall / 1_000_000, cpu / 1_000_000, (double) cpu / wall);
      restart();
    }
  }
}
