package io.spillway.core.checksum;

import io.spillway.api.spi.ChecksumCodec;
import java.util.function.Supplier;
import java.util.zip.Checksum;

/** A built-in codec: a name, a reserved id and a JDK-style accumulator. Internal, may change. */
final class BuiltinCodec implements ChecksumCodec {
  private final String name;
  private final int id;
  private final boolean writable;
  private final Supplier<Checksum> accumulators;

  BuiltinCodec(String name, int id, boolean writable, Supplier<Checksum> accumulators) {
    this.name = name;
    this.id = id;
    this.writable = writable;
    this.accumulators = accumulators;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public Checksum newChecksum() {
    return accumulators.get();
  }

  @Override
  public boolean writable() {
    return writable;
  }

  @Override
  public String toString() {
    return name + " (id " + id + (writable ? ")" : ", read-only)");
  }
}
