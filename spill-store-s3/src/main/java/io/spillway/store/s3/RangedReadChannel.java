package io.spillway.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * A read-only channel over a large object, fetched as ranged GETs of one part each, up to {@code parallelism} of them
 * in flight ahead of the reading position, so that a sequential read moves parts in parallel while holding at most
 * {@code parallelism} parts in memory. Not thread-safe.
 *
 * <p>Every part's response must report the object length the channel was opened with: an object replaced while
 * being read fails the read with an {@link IOException} rather than mixing two values.
 *
 * <p>Internal, may change.
 */
final class RangedReadChannel implements SeekableByteChannel {
  private final ObjectOps ops;
  private final String bucket;
  private final String objectKey;
  private final long size;
  private final long partSize;
  private final int parallelism;
  private final ExecutorService pool;
  private final TreeMap<Long, Future<ObjectOps.Got>> parts = new TreeMap<>();
  private long position;
  private boolean open = true;

  /** Opens the channel with part 0 already fetched as {@code first}, whose object length gives the size. */
  RangedReadChannel(ObjectOps ops, String bucket, String objectKey, ObjectOps.Got first, long partSize,
      int parallelism, ExecutorService pool) {
    this.ops = ops;
    this.bucket = bucket;
    this.objectKey = objectKey;
    this.size = first.objectLength();
    this.partSize = partSize;
    this.parallelism = parallelism;
    this.pool = pool;
    parts.put(0L, java.util.concurrent.CompletableFuture.completedFuture(first));
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    long index = position / partSize;
    byte[] bytes = part(index);
    int offset = (int) (position - index * partSize);
    if (offset >= bytes.length) {
      throw new IOException("Object " + objectKey + " ended inside part " + index + " (" + bytes.length
          + " bytes) although it reported " + size + " bytes");
    }
    int n = Math.min(dst.remaining(), bytes.length - offset);
    dst.put(bytes, offset, n);
    position += n;
    return n;
  }

  private byte[] part(long index) throws IOException {
    long partCount = (size + partSize - 1) / partSize;
    // Parts behind the reader, or far ahead after a seek, are no longer wanted.
    Iterator<Map.Entry<Long, Future<ObjectOps.Got>>> it = parts.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Future<ObjectOps.Got>> e = it.next();
      if (e.getKey() < index || e.getKey() >= index + parallelism) {
        e.getValue().cancel(true);
        it.remove();
      }
    }
    for (long i = index; i < Math.min(partCount, index + parallelism); i++) {
      if (!parts.containsKey(i)) {
        long first = i * partSize;
        long last = Math.min(size, first + partSize) - 1;
        try {
          parts.put(i, pool.submit(() -> ops.get(bucket, objectKey, first, last)));
        } catch (RejectedExecutionException e) {
          throw new IOException("Store closed while reading " + objectKey, e);
        }
      }
    }
    // The loop above has submitted it: index < partCount, as position < size.
    Future<ObjectOps.Got> pending = Objects.requireNonNull(parts.get(index));
    ObjectOps.Got got;
    try {
      got = pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while reading " + objectKey);
    } catch (ExecutionException e) {
      parts.remove(index);
      throw S3Errors.io("read", bucket, objectKey, e.getCause());
    } catch (CancellationException e) {
      parts.remove(index);
      throw new IOException("Read of " + objectKey + " part " + index + " was cancelled", e);
    }
    if (got.objectLength() != size) {
      throw new IOException("Object " + objectKey + " changed while being read: " + got.objectLength()
          + " bytes now, " + size + " when opened");
    }
    return got.bytes();
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position must not be negative, was " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (open) {
      open = false;
      for (Future<ObjectOps.Got> f : parts.values()) {
        f.cancel(true);
      }
      parts.clear();
    }
  }
}
