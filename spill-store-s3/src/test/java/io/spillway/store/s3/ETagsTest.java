package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ETagsTest {

  static byte[] concat(ByteBuffer... body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer buffer : body) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void ofPut_isTheHexMd5OfTheRemainingBytesAndConsumesNothing() {
    ByteBuffer first = ByteBuffer.wrap("xxhello ".getBytes(US_ASCII));
    first.position(2);
    ByteBuffer second = ByteBuffer.wrap("world".getBytes(US_ASCII));

    assertThat(ETags.ofPut(ETags.md5(first, second))).isEqualTo("5eb63bbbe01eeed093cb22bb8f5acdc3");
    assertThat(first.position()).isEqualTo(2);
    assertThat(ETags.ofPut(ETags.md5())).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
  }

  @Test
  void ofMultipart_isTheMd5OfThePartMd5sAndThePartCount() {
    byte[] a = ETags.md5(ByteBuffer.wrap("a".getBytes(US_ASCII)));
    byte[] b = ETags.md5(ByteBuffer.wrap("b".getBytes(US_ASCII)));
    byte[] joined = new byte[32];
    System.arraycopy(a, 0, joined, 0, 16);
    System.arraycopy(b, 0, joined, 16, 16);

    assertThat(ETags.ofMultipart(List.of(a, b))).isEqualTo(ETags.ofPut(ETags.md5(ByteBuffer.wrap(joined))) + "-2");
  }

  @Test
  void matches_ignoresQuotesAndCaseButNothingElse() {
    String md5 = "5eb63bbbe01eeed093cb22bb8f5acdc3";

    assertThat(ETags.matches("\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"", md5)).isTrue();
    assertThat(ETags.matches(md5, md5)).isTrue();
    assertThat(ETags.matches(null, md5)).isFalse();
    assertThat(ETags.matches("\"" + md5 + "-1\"", md5)).isFalse();
    assertThat(ETags.matches("W/\"" + md5 + "\"", md5)).isFalse();
  }
}
