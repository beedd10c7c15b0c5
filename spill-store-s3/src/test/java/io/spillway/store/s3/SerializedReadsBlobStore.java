package io.spillway.store.s3;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.jclouds.blobstore.BlobStore;

/**
 * A jclouds {@link BlobStore} whose {@code getBlob} and {@code blobMetadata} calls run one at a time, for S3Proxy's
 * in-memory backend. Why: that backend's {@code getBlob} opens a stream on the stored blob's payload, which registers
 * it in one Guava {@code Closer} per blob (an {@code ArrayDeque}, not thread-safe), and S3Proxy calls it for every
 * {@code UploadPart} (on the upload's stub blob) and every ranged {@code GET}. The store sends those in parallel, and
 * the deque broke under them: {@code ArrayIndexOutOfBoundsException} in {@code ArrayDeque.grow}, answered as HTTP 500
 * to five parts of one upload within 40 ms, so that a contract test's upload failed after its two attempts (CI run of
 * 2026-12-08). Real S3 servers have no such shared state, so the tests serialize these calls rather than retry more.
 * The calls return once the stream is open: reading it happens outside, in parallel.
 */
final class SerializedReadsBlobStore {
  private static final Set<String> SERIALIZED = Set.of("getBlob", "blobMetadata");

  private SerializedReadsBlobStore() {}

  /** {@code backend}, with its {@code getBlob} and {@code blobMetadata} calls serialized. */
  static BlobStore wrap(BlobStore backend) {
    Object lock = new Object();
    return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
        (proxy, method, args) -> {
          try {
            if (SERIALIZED.contains(method.getName())) {
              synchronized (lock) {
                return method.invoke(backend, args);
              }
            }
            return method.invoke(backend, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
