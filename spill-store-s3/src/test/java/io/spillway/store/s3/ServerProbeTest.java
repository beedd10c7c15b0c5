package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The probe at open, against S3Proxy as it is and as servers that misbehave in the ways seen elsewhere. */
class ServerProbeTest {
  private static final String BUCKET = "probe";
  @RegisterExtension static final S3Bucket<S3ProxyServer> S3 = S3Bucket.s3Proxy(BUCKET);

  private final String folder = "p-" + UUID.randomUUID() + "/";

  private ObjectOps ops() {
    return new SyncObjectOps(S3.client(), false);
  }

  @Test
  void run_s3Proxy_findsContentETagsExactRangesAndMultipartAndLeavesNothing() throws Exception {
    ServerProfile profile = ServerProbe.run(ops(), BUCKET, folder);

    assertThat(profile.putETags()).isTrue();
    assertThat(profile.partETags()).isTrue();
    assertThat(profile.multipartETags()).isTrue();
    assertThat(profile.rangedGets()).isTrue();
    assertThat(profile.multipart()).isTrue();
    assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(folder)).contents()).isEmpty();
  }

  @Test
  void run_serverKeepingTheChunkFraming_isRejectedNamingTheFraming() {
    ObjectOps framing = new ForwardingOps(ops()) {
      @Override
      public String put(String bucket, String key, ByteBuffer[] body, long length) {
        byte[] framed = frame(ETagsTest.concat(body));
        return super.put(bucket, key, new ByteBuffer[] {ByteBuffer.wrap(framed)}, framed.length);
      }
    };

    assertThatThrownBy(() -> ServerProbe.run(framing, BUCKET, folder))
        .isInstanceOf(ServerProbe.UploadRejected.class)
        .hasMessageContaining("aws-chunked upload framing")
        .hasMessageContaining("a PUT");
    assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix(folder)).contents()).isEmpty();
  }

  @Test
  void run_serverRefusingThePut_isRejectedWithTheServersAnswer() {
    ObjectOps refusing = new ForwardingOps(ops()) {
      @Override
      public String put(String bucket, String key, ByteBuffer[] body, long length) {
        throw (S3Exception) S3Exception.builder().statusCode(501)
            .message("A header you provided implies functionality that is not implemented").build();
      }
    };

    assertThatThrownBy(() -> ServerProbe.run(refusing, BUCKET, folder))
        .isInstanceOf(ServerProbe.UploadRejected.class)
        .hasMessageContaining("HTTP 501")
        .hasMessageContaining("not implemented");
  }

  @Test
  void run_serverFailingWithA500_isAnErrorOfTheServerNotOfTheSettings() {
    ObjectOps failing = new ForwardingOps(ops()) {
      @Override
      public String put(String bucket, String key, ByteBuffer[] body, long length) {
        throw (S3Exception) S3Exception.builder().statusCode(503).message("SlowDown").build();
      }
    };

    assertThatThrownBy(() -> ServerProbe.run(failing, BUCKET, folder)).isInstanceOf(S3Exception.class);
  }

  @Test
  void run_serverWithOtherETags_stillPassesButChecksWritesByLength() throws Exception {
    ObjectOps opaque = new ForwardingOps(ops()) {
      @Override
      public String put(String bucket, String key, ByteBuffer[] body, long length) {
        super.put(bucket, key, body, length);
        return "\"" + UUID.randomUUID().toString().replace("-", "") + "\"";
      }
    };

    ServerProfile profile = ServerProbe.run(opaque, BUCKET, folder);

    assertThat(profile.putETags()).isFalse();
    assertThat(profile.multipart()).isTrue();
  }

  @Test
  void run_serverIgnoringRanges_turnsRangedGetsOff() throws Exception {
    ObjectOps wholeOnly = new ForwardingOps(ops()) {
      @Override
      public Got get(String bucket, String key, long first, long last) {
        return super.get(bucket, key, 0, -1);
      }
    };

    assertThat(ServerProbe.run(wholeOnly, BUCKET, folder).rangedGets()).isFalse();
  }

  @Test
  void describeDifference_namesFramingTrailerLengthOrFirstDifferentByte() {
    byte[] sent = "abcdefgh".getBytes(ISO_8859_1);

    assertThat(ServerProbe.describeDifference(sent, frame(sent))).contains("aws-chunked");
    assertThat(ServerProbe.describeDifference(sent, "abcdefgh\r\nx-amz-checksum-crc32:AAAA\r\n".getBytes(ISO_8859_1)))
        .contains("x-amz-checksum trailer");
    assertThat(ServerProbe.describeDifference(sent, Arrays.copyOf(sent, 5))).isEqualTo("5 bytes");
    assertThat(ServerProbe.describeDifference(sent, "abcXefgh".getBytes(ISO_8859_1)))
        .contains("first difference at byte 3");
  }

  /** The body as s3rver keeps it when the SDK uploads with the aws-chunked encoding. */
  static byte[] frame(byte[] body) {
    String header = Integer.toHexString(body.length) + ";chunk-signature=" + "0".repeat(64) + "\r\n";
    String trailer = "\r\n0;chunk-signature=" + "1".repeat(64) + "\r\n\r\n";
    byte[] framed = new byte[header.length() + body.length + trailer.length()];
    System.arraycopy(header.getBytes(ISO_8859_1), 0, framed, 0, header.length());
    System.arraycopy(body, 0, framed, header.length(), body.length);
    System.arraycopy(trailer.getBytes(ISO_8859_1), 0, framed, header.length() + body.length, trailer.length());
    return framed;
  }
}
