package io.spillway.core.checksum;

import java.util.Objects;
import java.util.zip.Checksum;

/**
 * RedDB v1's checksum: the sum of the unsigned byte values, wrapping modulo 2<sup>32</sup>. Internal, may change.
 *
 * <p>Addition commutes, so any reordering of the bytes leaves the value unchanged; that is why it is only read.
 */
final class Fold32Checksum implements Checksum {
  private int sum;

  @Override
  public void update(int b) {
    sum += b & 0xFF;
  }

  @Override
  public void update(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    int s = sum;
    for (int i = off, end = off + len; i < end; i++) {
      s += b[i] & 0xFF;
    }
    sum = s;
  }

  @Override
  public long getValue() {
    return sum & 0xFFFF_FFFFL;
  }

  @Override
  public void reset() {
    sum = 0;
  }
}
