package io.spillway.examples;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStats;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3StoreSettings;
import java.io.PrintStream;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * Spilling to S3-compatible object storage: six 6 MiB partitions under a 24 MiB budget, the cold ones spilled to a
 * bucket and one reloaded, verified.
 *
 * <p>With no endpoint it starts an embedded S3 API server (S3Proxy, in memory, on a free port of 127.0.0.1), so it
 * runs on a fresh machine:
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.spillway.examples.S3Spill
 * </pre>
 *
 * <p>To use a server of your own (MinIO, Ceph RGW, AWS S3), give the endpoint and an existing bucket as arguments or
 * as {@code SPILLWAY_S3_ENDPOINT} and {@code SPILLWAY_S3_BUCKET}; credentials come from the AWS default chain
 * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a profile, ...), the region from {@code AWS_REGION}
 * (default {@code us-east-1}). The endpoint {@code aws} means AWS S3 itself:
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.spillway.examples.S3Spill \
 *     -Dexec.args="http://127.0.0.1:9000 my-bucket"
 * </pre>
 */
public final class S3Spill {
  private static final int PARTITION_BYTES = 6 << 20;
  private static final int PARTITIONS = 6;
  private static final String EMBEDDED_ACCESS_KEY = "spillway-example";
  private static final String EMBEDDED_SECRET_KEY = "spillway-example-secret";
  /** Where in the bucket the example's spill sessions go: {@code s3://<bucket>/spill-sessions/session-.../}. */
  static final String SESSIONS_PREFIX = "spill-sessions";

  private S3Spill() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args.length > 0 ? args[0] : System.getenv("SPILLWAY_S3_ENDPOINT");
    String bucket = args.length > 1 ? args[1] : env("SPILLWAY_S3_BUCKET", "spillway-example");
    if (endpoint == null || endpoint.isBlank()) {
      BlobStoreContext backend = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
          .build(BlobStoreContext.class);
      S3Proxy server = S3Proxy.builder()
          .blobStore(backend.getBlobStore())
          .endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, EMBEDDED_ACCESS_KEY, EMBEDDED_SECRET_KEY)
          // Recent SDKs add checksum headers to multi-object deletes that S3Proxy does not know.
          .ignoreUnknownHeaders(true)
          .build();
      try {
        // start() returns once the server is started, or throws: no state to poll.
        server.start();
        if (!"STARTED".equals(server.getState())) {
          throw new IllegalStateException("the embedded S3 server did not start: " + server.getState());
        }
        backend.getBlobStore().createContainerInLocation(null, bucket);
        URI embedded = URI.create("http://127.0.0.1:" + server.getPort());
        System.out.println("No endpoint given: started an embedded S3 server (S3Proxy, in memory) at " + embedded);
        run(embeddedConfig(embedded, bucket), System.out);
      } finally {
        server.stop();
        backend.close();
      }
    } else {
      SpillConfig.Builder config = SpillConfig.builder().store("s3")
          .option(S3StoreSettings.BUCKET, bucket)
          .option(S3StoreSettings.REGION, env("AWS_REGION", "us-east-1"));
      if (!endpoint.equalsIgnoreCase("aws")) {
        config.option(S3StoreSettings.ENDPOINT, endpoint);
      }
      run(budget(config).build(), System.out);
    }
  }

  /** The configuration for the embedded server at {@code endpoint}: static credentials, path-style access. */
  static SpillConfig embeddedConfig(URI endpoint, String bucket) {
    return budget(SpillConfig.builder().store("s3")
        .option(S3StoreSettings.BUCKET, bucket)
        .option(S3StoreSettings.ENDPOINT, endpoint.toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, EMBEDDED_ACCESS_KEY)
        .option(S3StoreSettings.SECRET_ACCESS_KEY, EMBEDDED_SECRET_KEY))
        .build();
  }

  private static SpillConfig.Builder budget(SpillConfig.Builder builder) {
    return builder
        .maxMemory(24L << 20)
        .spillThreshold(0.80)
        .targetAfterSpill(0.50)
        .minSpillSize(1L << 20)
        .option(S3StoreSettings.PREFIX, SESSIONS_PREFIX);
  }

  /**
   * Registers the partitions, spills what the manager chooses to the configured bucket, reloads one and checks it.
   *
   * @return the manager's counters just before it is closed
   */
  public static SpillStats run(SpillConfig config, PrintStream out) {
    Map<String, byte[]> heap = new LinkedHashMap<>();
    try (SpillManager manager = Spillway.newManager(config)) {
      out.println("Spilling to bucket '" + config.option(S3StoreSettings.BUCKET).orElseThrow() + "' at "
          + config.option(S3StoreSettings.ENDPOINT).orElse("AWS S3") + ", budget " + mib(config.maxMemory()));
      out.println("each manager writes under <" + S3StoreSettings.PREFIX + ">/session-<pid>-<start>-<random>/ "
          + "(here " + config.option(S3StoreSettings.PREFIX).orElse(S3StoreSettings.DEFAULT_PREFIX)
          + "/session-...), one object per spilled segment under v/");
      for (int i = 0; i < PARTITIONS; i++) {
        String name = "partition-" + i;
        heap.put(name, QuickStart.partition(i, PARTITION_BYTES));
        manager.registerSegment(name, PARTITION_BYTES);
      }
      for (int round = 0; round < 20; round++) {
        manager.access("partition-0");
      }
      out.printf("registered %d segments of %s, usage %.0f%% of budget%n", PARTITIONS, mib(PARTITION_BYTES),
          manager.utilization() * 100);

      List<String> victims = manager.needsSpill();
      for (String victim : victims) {
        // needsSpill() names registered segments only, and each has its bytes in the heap map.
        URI where = manager.spill(victim, Objects.requireNonNull(heap.remove(victim)));
        out.println("  spilled " + victim + " to " + where);
      }
      out.printf("usage after spilling: %.0f%% of budget%n", manager.utilization() * 100);

      String wanted = victims.isEmpty() ? "partition-5" : victims.get(0);
      Optional<byte[]> reloaded = manager.reload(wanted);
      byte[] bytes = reloaded.orElseGet(() -> heap.get(wanted));
      int index = Integer.parseInt(wanted.substring("partition-".length()));
      if (!Arrays.equals(bytes, QuickStart.partition(index, PARTITION_BYTES))) {
        throw new IllegalStateException("reloaded bytes of " + wanted + " differ from what was spilled");
      }
      out.println("reloaded " + wanted + " from S3: " + mib(bytes.length) + ", verified identical");
      SpillStats stats = manager.stats();
      out.println("stats: " + stats);
      out.println("closing the manager deletes its session's objects from the bucket");
      return stats;
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
