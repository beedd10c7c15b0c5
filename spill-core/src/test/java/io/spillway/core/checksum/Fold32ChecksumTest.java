package io.spillway.core.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Fold32ChecksumTest {

  @Test
  void update_treatsBytesAsUnsigned() {
    Fold32Checksum sum = new Fold32Checksum();
    sum.update(new byte[] {(byte) 0xFF, (byte) 0x80, 0x01}, 0, 3);
    assertThat(sum.getValue()).isEqualTo(0xFFL + 0x80 + 0x01);
  }

  @Test
  void update_wrapsModulo2To32() {
    // 0xFF * 16843010 = 0x1_0000_00FE, so the sum wraps once and leaves 0xFE.
    byte[] ones = new byte[16_843_010];
    Arrays.fill(ones, (byte) 0xFF);
    Fold32Checksum sum = new Fold32Checksum();
    sum.update(ones, 0, ones.length);
    assertThat(sum.getValue()).isEqualTo(0xFEL);
  }

  @Test
  void update_singleByteAndRangeAgree() {
    Fold32Checksum bytewise = new Fold32Checksum();
    Fold32Checksum ranged = new Fold32Checksum();
    byte[] data = {9, -1, 42, -128, 7};
    for (byte b : data) {
      bytewise.update(b);
    }
    ranged.update(data, 1, 3);
    ranged.update(data[0]);
    ranged.update(data[4]);
    assertThat(ranged.getValue()).isEqualTo(bytewise.getValue()).isEqualTo(9 + 255 + 42 + 128 + 7);
  }

  @Test
  void reset_startsOver() {
    Fold32Checksum sum = new Fold32Checksum();
    sum.update(200);
    sum.reset();
    sum.update(5);
    assertThat(sum.getValue()).isEqualTo(5);
  }

  @Test
  void update_rejectsRangeOutsideArray() {
    assertThatThrownBy(() -> new Fold32Checksum().update(new byte[3], 2, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
