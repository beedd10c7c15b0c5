package io.spillway.store.s3;

import static io.spillway.store.s3.S3SpillManagerTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.api.SpillStoreException;
import io.spillway.core.Spillway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The S3 server goes away mid-run and comes back on the same port with the same objects: failures are typed, the
 * values stay resident or stored, and the manager goes on once the server is back. Each subclass starts its server.
 */
abstract class S3OutageTest {
  private static final String BUCKET = "outage";
  private S3TestServer server;

  /** A new, started server of the subclass's kind. */
  abstract S3TestServer startServer() throws Exception;

  @BeforeEach
  void start() throws Exception {
    server = startServer();
    server.createBucket(BUCKET);
  }

  @AfterEach
  void shutdown() throws Exception {
    server.shutdown();
  }

  @Test
  void spill_whileServerDown_failsKeepsSegmentResidentAndResumesWhenServerIsBack() throws Exception {
    byte[] before = randomBytes(300_000, 10);
    byte[] during = randomBytes(8 * 1024 * 1024, 11);
    byte[] duringCopy = during.clone();
    SpillConfig config = server.options(SpillConfig.builder().store("s3"), BUCKET)
        .option(S3StoreSettings.MULTIPART_THRESHOLD, "6MiB")
        .option(S3StoreSettings.PART_SIZE, "5MiB")
        .build();
    try (SpillManager manager = Spillway.newManager(config)) {
      manager.registerSegment("before", before.length);
      manager.registerSegment("during", during.length);
      manager.spill("before", before);

      server.stop();

      assertThatThrownBy(() -> manager.spill("during", during))
          .isInstanceOf(SpillStoreException.class)
          .hasMessageContaining("during")
          .satisfies(e -> assertThat(((SpillStoreException) e).segment()).isEqualTo("during"));
      assertThat(manager.isSpilled("during")).isFalse();
      assertThat(during).as("the caller's bytes are untouched").isEqualTo(duringCopy);
      assertThat(manager.memoryUsage()).isEqualTo(during.length);
      assertThat(manager.stats().spillFailures()).isEqualTo(1);
      assertThatThrownBy(() -> manager.reload("before")).isInstanceOf(SpillStoreException.class);
      assertThat(manager.isSpilled("before")).as("a failed reload keeps the segment spilled").isTrue();

      server.start();

      manager.spill("during", during);
      assertThat(manager.isSpilled("during")).isTrue();
      assertThat(manager.reload("during")).hasValueSatisfying(b -> assertThat(b).isEqualTo(duringCopy));
      assertThat(manager.reload("before")).hasValueSatisfying(b -> assertThat(b).isEqualTo(before));
    }
  }
}
