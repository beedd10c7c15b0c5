package io.spillway.testkit;

import io.spillway.api.spi.CompressionCodec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compression codec that cannot run in this JVM, as a JNI codec whose native library was refused (JDK 24+ without
 * native access, a {@code java.io.tmpdir} mounted {@code noexec}): every call that would need the library throws
 * the {@link NoClassDefFoundError} a class whose initialisation failed throws, and is counted. Its name, id and
 * largest expansion are plain answers, as a provider gives them without the library. Thread-safe.
 */
public final class CannotRunCodec implements CompressionCodec {
  private final String name;
  private final int id;
  private final AtomicInteger calls = new AtomicInteger();

  /** A codec named {@code name} under frame id {@code id}. */
  public CannotRunCodec(String name, int id) {
    this.name = name;
    this.id = id;
  }

  /** Calls that needed the library so far, each of which threw. */
  public int calls() {
    return calls.get();
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
  public int maxCompressedLength(int length) {
    throw cannotRun();
  }

  @Override
  public int compress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset) {
    throw cannotRun();
  }

  @Override
  public int decompress(byte[] src, int srcOffset, int srcLength, byte[] dest, int destOffset, int destLength) {
    throw cannotRun();
  }

  @Override
  public long contentLength(byte[] src, int srcOffset, int srcLength) {
    throw cannotRun();
  }

  @Override
  public long maxExpansion() {
    return Integer.MAX_VALUE;
  }

  private LinkageError cannotRun() {
    calls.incrementAndGet();
    return new NoClassDefFoundError("Could not initialize class of the '" + name + "' codec's native binding");
  }
}
