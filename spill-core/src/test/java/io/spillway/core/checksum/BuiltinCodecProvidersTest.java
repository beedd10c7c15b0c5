package io.spillway.core.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.spi.ChecksumCodec;
import java.nio.charset.StandardCharsets;
import java.util.zip.Checksum;
import org.junit.jupiter.api.Test;

class BuiltinCodecProvidersTest {
  private static final byte[] DIGITS = "123456789".getBytes(StandardCharsets.US_ASCII);

  private static long checksum(ChecksumCodec codec, byte[] bytes) {
    Checksum checksum = codec.newChecksum();
    checksum.update(bytes, 0, bytes.length);
    return checksum.getValue();
  }

  @Test
  void crc32_isIeeeCrc32WithId1() {
    ChecksumCodec codec = new Crc32CodecProvider().create();
    assertThat(codec.name()).isEqualTo("crc32");
    assertThat(codec.id()).isEqualTo(1);
    assertThat(codec.writable()).isTrue();
    // The standard check value of CRC-32 (IEEE 802.3).
    assertThat(checksum(codec, DIGITS)).isEqualTo(0xCBF43926L);
  }

  @Test
  void crc32c_isCastagnoliWithId2() {
    ChecksumCodec codec = new Crc32cCodecProvider().create();
    assertThat(codec.name()).isEqualTo("crc32c");
    assertThat(codec.id()).isEqualTo(2);
    assertThat(codec.writable()).isTrue();
    // The standard check value of CRC-32C.
    assertThat(checksum(codec, DIGITS)).isEqualTo(0xE3069283L);
  }

  @Test
  void fold32_isReadOnlyByteSumWithId3() {
    ChecksumCodec codec = new Fold32CodecProvider().create();
    assertThat(codec.name()).isEqualTo("fold32");
    assertThat(codec.id()).isEqualTo(3);
    assertThat(codec.writable()).isFalse();
    // '1' + ... + '9' = 0x31 + ... + 0x39 = 477.
    assertThat(checksum(codec, DIGITS)).isEqualTo(0x1DDL);
  }

  @Test
  void providers_createFreshAccumulators() {
    ChecksumCodec codec = new Crc32cCodecProvider().create();
    Checksum first = codec.newChecksum();
    first.update(DIGITS, 0, 4);
    assertThat(checksum(codec, DIGITS)).isEqualTo(0xE3069283L);
  }
}
