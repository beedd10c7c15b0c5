package io.spillway.bench;

import com.sun.management.OperatingSystemMXBean;
import io.spillway.api.spi.SpillStore;
import io.spillway.store.s3.S3SpillStores;
import io.spillway.store.s3.S3StoreSettings;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the time of a large S3 transfer goes: wall-clock time and this process's CPU time of one 256 MiB
 * single-request put and get with the raw SDK, and of the {@code s3} store's write and read of the same bytes with
 * parts moved 8 at once and one at a time, all against S3Proxy in this JVM (client and server share the processors).
 * CPU time over wall time is the number of processors a transfer kept busy: when one request already keeps most of
 * them busy, parallel parts have nothing to overlap. Prints one line per phase and round; used for BENCHMARKS.md.
 *
 * <p>Properties: {@code bench.s3.mib} (default 256), {@code bench.s3.rounds} (default 3),
 * {@code bench.s3.partMiB} (default 8). Not thread-safe; run it alone.
 */
public final class S3TransferProfile {
  private static final String BUCKET = "profile";
  private static final String ACCESS_KEY = "profile-access";
  private static final String SECRET_KEY = "profile-secret";

  private S3TransferProfile() {}

  /** Runs the profile; see the class comment for the properties. */
  public static void main(String[] args) throws Exception {
    int mib = Integer.getInteger("bench.s3.mib", 256);
    int rounds = Integer.getInteger("bench.s3.rounds", 3);
    long partSize = Long.getLong("bench.s3.partMiB", 8) << 20;
    byte[] data = new byte[mib << 20];
    new SplittableRandom(7).nextBytes(data);
    BlobStoreContext backend = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    S3Proxy server = S3Proxy.builder()
        .blobStore(backend.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .ignoreUnknownHeaders(true)
        .build();
    server.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"STARTED".equals(server.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start");
      }
      Thread.sleep(10);
    }
    backend.getBlobStore().createContainerInLocation(null, BUCKET);
    S3StoreSettings.Builder settings = S3StoreSettings.builder(BUCKET)
        .endpoint(URI.create("http://127.0.0.1:" + server.getPort()))
        .region("us-east-1")
        .credentials(ACCESS_KEY, SECRET_KEY, null)
        .partSize(partSize);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf("%d MiB, parts of %d MiB, %d processors%n", mib, partSize >> 20,
        Runtime.getRuntime().availableProcessors());
    try (S3Client raw = S3SpillStores.newClient(settings.build());
        SpillStore parallel = S3SpillStores.create(raw, settings.parallelism(8).build());
        SpillStore sequential = S3SpillStores.create(raw, settings.parallelism(1).build())) {
      for (int round = 1; round <= rounds; round++) {
        Phase phase = new Phase(os, round);
        raw.putObject(b -> b.bucket(BUCKET).key("raw"), RequestBody.fromBytes(data));
        phase.end("raw SDK single PutObject");
        byte[] back = raw.getObjectAsBytes(b -> b.bucket(BUCKET).key("raw")).asByteArrayUnsafe();
        phase.end("raw SDK single GetObject");
        raw.deleteObject(b -> b.bucket(BUCKET).key("raw"));
        check(back, data);
        for (SpillStore store : new SpillStore[] {parallel, sequential}) {
          String how = store == parallel ? "8 parts at once" : "1 part at a time";
          phase.restart();
          store.write("value", ByteBuffer.wrap(data));
          phase.end("store write, " + how);
          byte[] read = store.read("value");
          phase.end("store read, " + how);
          store.delete("value");
          check(read, data);
        }
        System.out.printf("load average %.1f%n", os.getSystemLoadAverage());
      }
    } finally {
      server.stop();
      backend.close();
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
      System.out.printf("round %d  %-32s wall %6d ms  cpu %6d ms  processors busy %.2f%n", round, what,
          wall / 1_000_000, cpu / 1_000_000, (double) cpu / wall);
      restart();
    }
  }
}
