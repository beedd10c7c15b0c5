package io.spillway.core.testing;

import io.spillway.api.spi.ForwardingSpillStore;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store wrapper that counts writes and reads and can hold them: once {@link #holdWrites()} (or
 * {@link #holdReads()}) is called, every write (read) announces itself on {@link #writeStarted()}
 * ({@link #readStarted()}) and then blocks until {@link #releaseWrites()} ({@link #releaseReads()}).
 */
public final class GatedSpillStore extends ForwardingSpillStore {
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger writesDone = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();
  private volatile CountDownLatch writeGate = new CountDownLatch(0);
  private volatile CountDownLatch readGate = new CountDownLatch(0);
  private final CountDownLatch writeStarted = new CountDownLatch(1);
  private final CountDownLatch readStarted = new CountDownLatch(1);

  public GatedSpillStore(SpillStore delegate) {
    super(delegate);
  }

  public void holdWrites() {
    writeGate = new CountDownLatch(1);
  }

  public void releaseWrites() {
    writeGate.countDown();
  }

  public void holdReads() {
    readGate = new CountDownLatch(1);
  }

  public void releaseReads() {
    readGate.countDown();
  }

  /** Counted down when the first write begins. */
  public CountDownLatch writeStarted() {
    return writeStarted;
  }

  /** Counted down when the first read begins. */
  public CountDownLatch readStarted() {
    return readStarted;
  }

  public int writes() {
    return writes.get();
  }

  /** Writes that returned (successfully or not). */
  public int writesDone() {
    return writesDone.get();
  }

  /** Calls of {@link #openRead}. */
  public int reads() {
    return reads.get();
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    writes.incrementAndGet();
    writeStarted.countDown();
    try {
      pass(writeGate);
      return super.write(key, chunks);
    } finally {
      writesDone.incrementAndGet();
    }
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    reads.incrementAndGet();
    readStarted.countDown();
    pass(readGate);
    return super.openRead(key);
  }

  private static void pass(CountDownLatch gate) throws IOException {
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IOException("test gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted at the test gate");
    }
  }
}
