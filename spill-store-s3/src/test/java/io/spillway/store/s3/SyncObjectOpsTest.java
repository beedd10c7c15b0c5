package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Reading GET bodies into arrays of the announced length. */
class SyncObjectOpsTest {

  /** Hands out at most 7 bytes per read, as a socket does with whatever has arrived. */
  private static InputStream trickle(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 7));
      }
    };
  }

  @Test
  void readBody_announcedLength_readsEveryByteAcrossShortReads() throws IOException {
    byte[] body = S3SpillManagerTest.randomBytes(1000, 3);

    assertThat(SyncObjectOps.readBody(trickle(body), 1000L)).isEqualTo(body);
  }

  @Test
  void readBody_bodyShorterThanAnnounced_returnsOnlyWhatArrived() throws IOException {
    byte[] body = S3SpillManagerTest.randomBytes(100, 4);

    assertThat(SyncObjectOps.readBody(trickle(body), 150L)).isEqualTo(body);
  }

  @Test
  void readBody_noLength_readsToTheEnd() throws IOException {
    byte[] body = S3SpillManagerTest.randomBytes(5000, 5);

    assertThat(SyncObjectOps.readBody(trickle(body), null)).isEqualTo(body);
  }
}
