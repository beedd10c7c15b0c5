package io.spillway.api.spi;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link SpillStore} that forwards every call to another one. Extend it to add behaviour around a store &mdash;
 * metrics, fault injection, a read-only view &mdash; by overriding only the methods concerned.
 *
 * <p>Thread-safe if the delegate is and the overrides are.
 */
public abstract class ForwardingSpillStore implements SpillStore {
  private final SpillStore delegate;

  protected ForwardingSpillStore(SpillStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls are forwarded to. */
  protected SpillStore delegate() {
    return delegate;
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    return delegate.write(key, chunks);
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    return delegate.openRead(key);
  }

  @Override
  public byte[] read(String key) throws IOException {
    return delegate.read(key);
  }

  @Override
  public boolean delete(String key) throws IOException {
    return delegate.delete(key);
  }

  @Override
  public Set<String> list() throws IOException {
    return delegate.list();
  }

  @Override
  public long usage() throws IOException {
    return delegate.usage();
  }

  @Override
  public URI location(String key) throws IOException {
    return delegate.location(key);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public void discard() throws IOException {
    delegate.discard();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
