package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spillway.api.SegmentNames;
import io.spillway.api.spi.ByteArrayReadChannel;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One session of the s3 store: a key prefix of its own in the bucket. See {@link S3SpillStoreProvider} for the
 * layout and the guarantees.
 *
 * <p>Keys, sizes and so {@code list()} and {@code usage()} are kept in memory: the session is the only writer of its
 * folder, so they are exact without listing the bucket (a persistent session lists it once, when it is taken over).
 * Operations take a shared lock and {@link #close()} the exclusive one, so close waits for operations in flight.
 *
 * <p>Internal, may change.
 */
final class S3SpillStore implements SpillStore {
  private static final System.Logger LOG = System.getLogger(S3SpillStoreProvider.class.getName());
  private static final int MAX_PARTS = 10_000;
  private static final AtomicInteger STORES = new AtomicInteger();

  private final ObjectOps ops;
  private final ObjectDeleter deleter;
  private final S3StoreSettings settings;
  private final ServerProfile profile;
  private final WriteVerifier verifier;
  private final String bucket;
  private final String folder;
  private final ExecutorService pool;
  private final ScheduledExecutorService leaseTimer;
  private final @Nullable PersistentSession persistent;
  private final ConcurrentHashMap<String, Long> sizes = new ConcurrentHashMap<>();
  private final AtomicLong usage = new AtomicLong();
  private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
  private volatile boolean leaseFailing;
  private boolean closed; // guarded by state

  /**
   * Opens the session {@code folder}, whose lease object the caller has already written, on a server the probe
   * found to behave as {@code profile}; {@code verifier} checks each write.
   */
  S3SpillStore(ObjectOps ops, S3StoreSettings settings, String folder, ServerProfile profile,
      WriteVerifier verifier) {
    this(ops, settings, folder, profile, verifier, null);
  }

  /** Opens the persistent session {@code taken}, which the caller took over, holding the values it lists. */
  S3SpillStore(ObjectOps ops, S3StoreSettings settings, ServerProfile profile, WriteVerifier verifier,
      PersistentSession.Taken taken) {
    this(ops, settings, taken.session().folder(), profile, verifier, taken);
  }

  private S3SpillStore(ObjectOps ops, S3StoreSettings settings, String folder, ServerProfile profile,
      WriteVerifier verifier, PersistentSession.@Nullable Taken taken) {
    this.persistent = taken != null ? taken.session() : null;
    if (taken != null) {
      for (Map.Entry<String, Long> entry : taken.sizes().entrySet()) {
        sizes.put(entry.getKey(), entry.getValue());
        usage.addAndGet(entry.getValue());
      }
    }
    this.ops = ops;
    this.settings = settings;
    this.bucket = settings.bucket();
    this.folder = folder;
    this.profile = profile;
    this.verifier = verifier;
    this.deleter = new ObjectDeleter(ops, bucket);
    int id = STORES.incrementAndGet();
    this.pool = Executors.newFixedThreadPool(settings.parallelism(), daemons("spillway-s3-" + id + "-io"));
    this.leaseTimer = Executors.newSingleThreadScheduledExecutor(daemons("spillway-s3-" + id + "-lease"));
    long refresh = settings.leaseRefresh().toMillis();
    leaseTimer.scheduleWithFixedDelay(this::refreshLease, refresh, refresh, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The settings in use: those configured, or the fallback client options the probe at open chose. */
  S3StoreSettings settings() {
    return settings;
  }

  /** What the probe at open found out about the server. */
  ServerProfile profile() {
    return profile;
  }

  /** The session folder, {@code <prefix>/session-.../}. */
  String folder() {
    return folder;
  }

  /** The deleter of this session, which remembers whether the server takes multi-object deletes. */
  ObjectDeleter deleter() {
    return deleter;
  }

  /** The object key of the lease of {@code folder}. */
  static String leaseKey(String folder) {
    return folder + S3Keys.LEASE;
  }

  /** Writes the lease of {@code folder}: a small text naming the process and the time, for people reading a bucket. */
  static void writeLease(ObjectOps ops, String bucket, String folder) {
    byte[] text = ("Spillway spill session; pid " + ProcessHandle.current().pid() + "; lease written "
        + Instant.now() + "\n").getBytes(UTF_8);
    ops.put(bucket, leaseKey(folder), new ByteBuffer[] {ByteBuffer.wrap(text)}, text.length);
  }

  private void refreshLease() {
    try {
      if (persistent != null) {
        persistent.renew();
      } else {
        writeLease(ops, bucket, folder);
      }
      if (leaseFailing) {
        leaseFailing = false;
        LOG.log(Level.INFO, "Lease of S3 spill session " + S3Errors.uri(bucket, folder) + " refreshed again");
      }
    } catch (RuntimeException e) {
      if (!leaseFailing) {
        leaseFailing = true;
        LOG.log(Level.WARNING, "Could not refresh the lease of S3 spill session " + S3Errors.uri(bucket, folder)
            + "; if this lasts longer than " + settings.leaseTimeout() + " other sessions may remove it (a persistent"
            + " one: take it over): " + e);
      }
    }
  }

  private String objectKey(String key) {
    return folder + S3Keys.VALUES + S3Keys.escape(key);
  }

  private URI uriOf(String objectKey) {
    try {
      return new URI("s3", bucket, "/" + objectKey, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Bucket '" + bucket + "' does not fit a URI host", e);
    }
  }

  private Lock shared() {
    Lock lock = state.readLock();
    lock.lock();
    if (closed) {
      lock.unlock();
      throw new IllegalStateException("S3 spill session " + S3Errors.uri(bucket, folder) + " is closed");
    }
    return lock;
  }

  @Override
  public URI write(String key, ByteBuffer... chunks) throws IOException {
    SegmentNames.validate(key);
    Objects.requireNonNull(chunks, "chunks");
    List<ByteBuffer> body = new ArrayList<>(chunks.length);
    long length = 0;
    for (ByteBuffer chunk : chunks) {
      Objects.requireNonNull(chunk, "chunk");
      if (chunk.hasRemaining()) {
        body.add(chunk);
        length += chunk.remaining();
      }
    }
    Lock lock = shared();
    try {
      String objectKey = objectKey(key);
      if (persistent != null) {
        persistent.beforeWrite(key, S3Keys.escape(key), sizes.containsKey(key));
      }
      ByteBuffer[] buffers = body.toArray(ByteBuffer[]::new);
      try {
        if (profile.multipart() && length >= settings.multipartThreshold() && length > settings.partSize()) {
          writeMultipart(key, objectKey, buffers, length);
        } else {
          writeSingle(key, objectKey, buffers, length);
        }
      } catch (WriteVerifier.MismatchException e) {
        forgetAltered(key, objectKey);
        throw e;
      }
      Long previous = sizes.put(key, length);
      usage.addAndGet(length - (previous == null ? 0 : previous));
      for (ByteBuffer chunk : chunks) {
        chunk.position(chunk.limit());
      }
      return uriOf(objectKey);
    } finally {
      lock.unlock();
    }
  }

  private void writeSingle(String key, String objectKey, ByteBuffer[] buffers, long length) throws IOException {
    byte @Nullable [] md5 = verifier.digestsPuts() ? ETags.md5(buffers) : null;
    String eTag;
    try {
      eTag = ops.put(bucket, objectKey, buffers, length);
    } catch (SdkException e) {
      throw S3Errors.io("put of segment '" + key + "'", bucket, objectKey, e);
    }
    verifier.checkPut(key, objectKey, length, md5, eTag);
  }

  /**
   * Deletes an object the server altered, so that nothing reads it back; the put replaced any earlier copy, so the
   * key is no longer stored either way.
   */
  private void forgetAltered(String key, String objectKey) {
    try {
      ops.delete(bucket, objectKey);
    } catch (SdkException e) {
      // Not listed any more, so never read; close() or the dead-session rule removes it.
      LOG.log(Level.DEBUG, "Could not delete the altered object of segment '" + key + "': " + e);
    }
    Long previous = sizes.remove(key);
    if (previous != null) {
      usage.addAndGet(-previous);
    }
  }

  private void writeMultipart(String key, String objectKey, ByteBuffer[] buffers, long length) throws IOException {
    long partSize = Math.max(settings.partSize(), (length + MAX_PARTS - 1) / MAX_PARTS);
    int partCount = (int) ((length + partSize - 1) / partSize);
    String uploadId;
    try {
      uploadId = ops.createMultipart(bucket, objectKey);
    } catch (SdkException e) {
      throw S3Errors.io("multipart upload of segment '" + key + "'", bucket, objectKey, e);
    }
    List<Future<UploadedPart>> uploads = new ArrayList<>(partCount);
    @Nullable String marker = null;
    try {
      if (persistent != null) {
        marker = persistent.uploadStarted(key, objectKey, uploadId);
      }
      for (int i = 0; i < partCount; i++) {
        int partNumber = i + 1;
        long from = i * partSize;
        long to = Math.min(length, from + partSize);
        ByteBuffer[] slice = slice(buffers, from, to);
        uploads.add(pool.submit(() -> uploadPart(key, objectKey, uploadId, partNumber, slice, to - from)));
      }
      List<CompletedPart> done = new ArrayList<>(partCount);
      List<byte[]> md5s = new ArrayList<>(partCount);
      for (Future<UploadedPart> upload : uploads) {
        UploadedPart part = upload.get();
        done.add(part.completed());
        md5s.add(part.md5());
      }
      ops.completeMultipart(bucket, objectKey, uploadId, done);
      if (persistent != null && marker != null) {
        persistent.uploadEnded(marker);
      }
      verifier.checkMultipart(key, objectKey, length, verifier.digestsParts() ? md5s : null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(key, objectKey, uploadId, uploads, marker);
      throw new InterruptedIOException("Interrupted during the multipart upload of segment '" + key + "' to "
          + S3Errors.uri(bucket, objectKey));
    } catch (ExecutionException | SdkException e) {
      abort(key, objectKey, uploadId, uploads, marker);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw S3Errors.io("multipart upload of segment '" + key + "'", bucket, objectKey, cause);
    } catch (IOException | RuntimeException e) {
      abort(key, objectKey, uploadId, uploads, marker);
      throw e;
    }
  }

  /** A part uploaded and checked, with its MD5 (empty when parts are not digested). */
  private record UploadedPart(CompletedPart completed, byte[] md5) {}

  private UploadedPart uploadPart(String key, String objectKey, String uploadId, int partNumber, ByteBuffer[] slice,
      long length) throws IOException {
    byte @Nullable [] md5 = verifier.digestsParts() ? ETags.md5(slice) : null;
    String eTag = ops.uploadPart(bucket, objectKey, uploadId, partNumber, slice, length);
    verifier.checkPart(key, objectKey, partNumber, md5, eTag);
    return new UploadedPart(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build(),
        md5 != null ? md5 : new byte[0]);
  }

  private void abort(String key, String objectKey, String uploadId, List<Future<UploadedPart>> uploads,
      @Nullable String marker) {
    for (Future<UploadedPart> upload : uploads) {
      upload.cancel(true);
    }
    try {
      ops.abortMultipart(bucket, objectKey, uploadId);
      if (persistent != null && marker != null) {
        persistent.uploadEnded(marker); // else kept, for close or the next owner to abort the upload
      }
    } catch (RuntimeException e) {
      // Parts left behind cost storage until the session folder is cleaned up as stale; the write fails either way.
      LOG.log(Level.DEBUG, "Could not abort the multipart upload " + uploadId + " of segment '" + key + "': " + e);
    }
  }

  /** Views of the bytes {@code [from, to)} of the concatenation of {@code buffers}' remaining bytes. */
  static ByteBuffer[] slice(ByteBuffer[] buffers, long from, long to) {
    List<ByteBuffer> out = new ArrayList<>();
    long offset = 0;
    for (ByteBuffer buffer : buffers) {
      long start = offset;
      long end = offset + buffer.remaining();
      offset = end;
      if (end <= from || start >= to) {
        continue;
      }
      int base = buffer.position();
      ByteBuffer view = buffer.duplicate();
      view.limit(base + (int) (Math.min(end, to) - start));
      view.position(base + (int) (Math.max(start, from) - start));
      out.add(view);
    }
    return out.toArray(ByteBuffer[]::new);
  }

  @Override
  public SeekableByteChannel openRead(String key) throws IOException {
    SegmentNames.validate(key);
    Lock lock = shared();
    try {
      String objectKey = objectKey(key);
      Long known = sizes.get(key);
      if (known == null) {
        throw new NoSuchFileException(S3Errors.uri(bucket, objectKey), null, "no segment '" + key
            + "' in this session");
      }
      boolean ranged = profile.rangedGets() && known >= settings.multipartThreshold() && known > settings.partSize();
      ObjectOps.Got first;
      try {
        first = ranged
            ? ops.get(bucket, objectKey, 0, settings.partSize() - 1)
            : ops.get(bucket, objectKey, 0, -1);
      } catch (SdkException e) {
        throw S3Errors.io("get of segment '" + key + "'", bucket, objectKey, e);
      }
      if (!ranged || first.objectLength() <= first.bytes().length) {
        return new ByteArrayReadChannel(first.bytes());
      }
      return new RangedReadChannel(ops, bucket, objectKey, first, settings.partSize(), settings.parallelism(), pool);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean delete(String key) throws IOException {
    SegmentNames.validate(key);
    Lock lock = shared();
    try {
      Long size = sizes.get(key);
      if (size == null) {
        return false;
      }
      if (persistent != null) {
        persistent.checkOwned(key);
      }
      String objectKey = objectKey(key);
      try {
        ops.delete(bucket, objectKey);
      } catch (SdkException e) {
        throw S3Errors.io("delete of segment '" + key + "'", bucket, objectKey, e);
      }
      sizes.remove(key);
      usage.addAndGet(-size);
      if (persistent != null) {
        persistent.afterDelete(key, S3Keys.escape(key));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Set<String> list() {
    Lock lock = shared();
    try {
      return Set.copyOf(sizes.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** The object's URI, as {@link #write} returns it, of a value this session holds. */
  @Override
  public URI location(String key) throws IOException {
    SegmentNames.validate(key);
    Lock lock = shared();
    try {
      String objectKey = objectKey(key);
      if (!sizes.containsKey(key)) {
        throw new NoSuchFileException(S3Errors.uri(bucket, objectKey), null, "no segment '" + key
            + "' in this session");
      }
      return uriOf(objectKey);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long usage() {
    Lock lock = shared();
    try {
      return usage.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the lease, deletes every object of the session (values and lease) and aborts its unfinished uploads, then
   * closes the client if the store made it. Every object is tried whatever fails on the way, each request with the
   * configured retries; objects that still cannot be deleted are reported in one {@link IOException} naming the
   * session, and are removed as a dead session by a later session once {@code s3.leaseTimeout} has passed. The store
   * is closed either way.
   *
   * <p>A persistent session keeps its values: close aborts its own unfinished uploads (those of failed aborts) and
   * deletes its lease, so that the next owner takes over at once; a lease that cannot be deleted times out.
   */
  @Override
  public void close() throws IOException {
    end(false);
  }

  /**
   * Ends the session and deletes every object it holds, persistent or not, as {@link #close()} does for an ephemeral
   * one. Does nothing once closed.
   *
   * @throws IOException if another store took the persistent session over (its objects are left to it), or objects
   *     could not be deleted (named in the message)
   */
  @Override
  public void discard() throws IOException {
    end(true);
  }

  private void end(boolean discard) throws IOException {
    Lock lock = state.writeLock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.unlock();
    }
    leaseTimer.shutdownNow();
    pool.shutdownNow();
    try {
      awaitQuietly(leaseTimer);
      if (persistent == null) {
        removeSession();
      } else if (discard) {
        if (!owned(persistent)) {
          throw new IOException("Persistent S3 spill session " + S3Errors.uri(bucket, folder) + " was not discarded:"
              + " another store took it over while this one did not renew its lease");
        }
        persistent.abortMarked();
        removeSession();
      } else {
        keepSession();
      }
    } finally {
      sizes.clear();
      usage.set(0);
      ops.close();
    }
  }

  private boolean owned(PersistentSession session) throws IOException {
    try {
      return session.confirmOwned();
    } catch (SdkException e) {
      throw S3Errors.io("lease check", bucket, session.leaseKey(), e);
    }
  }

  private void keepSession() throws IOException {
    try {
      Objects.requireNonNull(persistent).release();
    } catch (SdkException e) {
      throw new IOException("Persistent S3 spill session " + S3Errors.uri(bucket, folder) + " closed with its values"
          + " kept, but its lease could not be deleted, so the next owner takes it over only once "
          + settings.leaseTimeout() + " has passed: " + e.getMessage(), e);
    }
  }

  private void removeSession() throws IOException {
    Sessions.abortUploads(ops, bucket, folder, null);
    // The known keys are deleted even if listing fails; the listing adds objects of writes whose outcome was unknown.
    Set<String> keys = new LinkedHashSet<>();
    for (String key : sizes.keySet()) {
      keys.add(objectKey(key));
    }
    @Nullable SdkException listFailure = null;
    try {
      for (S3Object object : Sessions.listAll(ops, bucket, folder)) {
        // Claims are those of stores opening the session at this moment, each deleted by its own opener.
        if (!object.key().startsWith(folder + S3Keys.CLAIMS)) {
          keys.add(object.key());
        }
      }
    } catch (SdkException e) {
      listFailure = e;
    }
    // The lease last, so that a folder left half-deleted still holds its newest write time until the end.
    String lease = leaseKey(folder);
    keys.remove(lease);
    keys.add(lease);
    ObjectDeleter.Outcome outcome = deleter.deleteAll(new ArrayList<>(keys));
    if (outcome.complete() && listFailure == null) {
      return;
    }
    List<SdkException> failures = new ArrayList<>(outcome.failures());
    if (listFailure != null) {
      failures.add(0, listFailure);
    }
    String left = outcome.complete()
        ? "it could not be listed, so objects of unfinished writes may be left"
        : outcome.left().size() + " of its " + keys.size() + " objects could not be deleted (first: "
            + outcome.left().get(0) + ")";
    IOException failure = new IOException("S3 spill session " + S3Errors.uri(bucket, folder) + " closed, but " + left
        + "; a later session removes them once " + settings.leaseTimeout() + " has passed: "
        + failures.get(0).getMessage(), failures.get(0));
    for (SdkException more : failures.subList(1, Math.min(failures.size(), 4))) {
      failure.addSuppressed(more);
    }
    throw failure;
  }

  private static void awaitQuietly(ExecutorService executor) {
    try {
      // The lease task must not re-create the lease after the folder is deleted.
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "S3SpillStore[" + S3Errors.uri(bucket, folder) + "]";
  }
}
