package io.spillway.store.s3;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreProvider;
import java.io.IOException;
import java.util.Set;

/**
 * The S3-compatible spill store, named {@code "s3"}, priority -10: used only when asked for by name, since it cannot
 * work without a bucket.
 *
 * <pre>{@code
 * SpillConfig config = SpillConfig.builder()
 *     .store("s3")
 *     .option("s3.bucket", "my-bucket")
 *     .option("s3.endpoint", "http://127.0.0.1:9000")     // MinIO, Ceph RGW, S3Proxy; omit for AWS S3
 *     .build();
 * }</pre>
 *
 * <h2>Settings</h2>
 * Read from {@link SpillConfig#options()} under the keys of {@link S3StoreSettings} ({@code s3.bucket},
 * {@code s3.prefix}, {@code s3.region}, {@code s3.endpoint}, {@code s3.pathStyle}, {@code s3.accessKeyId},
 * {@code s3.secretAccessKey}, {@code s3.sessionToken}, {@code s3.checksumCalculation}, {@code s3.checksumValidation},
 * {@code s3.chunkedEncoding}, {@code s3.verifyWrites}, {@code s3.multipartThreshold}, {@code s3.partSize},
 * {@code s3.parallelism}, {@code s3.apiCallTimeout}, {@code s3.apiCallAttemptTimeout}, {@code s3.connectionTimeout},
 * {@code s3.socketTimeout}, {@code s3.maxAttempts}, {@code s3.retryBaseDelay}, {@code s3.retryMaxDelay},
 * {@code s3.leaseRefresh}, {@code s3.leaseTimeout}, {@code s3.removeStaleSessions}). Checksums default to
 * {@code WHEN_REQUIRED}, because the SDK's own default sends checksum trailers that many S3-compatible servers reject,
 * and Spillway's frames carry a checksum of their own that every reload verifies. To use a client of your own, see
 * {@link S3SpillStores}.
 *
 * <h2>Layout</h2>
 * Each {@link #create} opens a session folder {@code <prefix>/session-<pid>-<process start ms>-<16 random hex>/}
 * holding {@code lease} and one object per value, {@code v/k-<escaped key>} (the key's UTF-8 bytes outside
 * {@code a-z 0-9 - _} as {@code %} and two hex digits) or {@code v/h-<SHA-256 of the key>} for long keys. Managers
 * sharing a bucket and prefix therefore never touch each other's objects. An object holds exactly the bytes written.
 *
 * <h2>Transfers</h2>
 * A value of at least {@code s3.multipartThreshold} bytes (default 16 MiB) and more than one part goes up as a
 * multipart upload of {@code s3.partSize} parts (default 8 MiB), up to {@code s3.parallelism} at once (default 8),
 * and comes back as ranged GETs of one part each, up to {@code s3.parallelism} ahead of the reader. Smaller values
 * take one PUT and one GET. Puts and completed multipart uploads replace an object atomically; a failed upload is
 * aborted and the previous value stays. Every call has a timeout and is retried with exponential backoff and jitter
 * ({@code s3.maxAttempts}, default 4). Failures surface as {@link IOException} naming the {@code s3://} location; the
 * manager turns them into {@link io.spillway.api.SpillStoreException} and keeps the segment resident.
 *
 * <h2>The probe at open, and checked writes</h2>
 * S3-compatible servers differ in what they keep of an upload: some store the SDK's {@code aws-chunked} framing or
 * checksum trailer as part of the object, and a spill that "succeeds" there could never be read back. So opening a
 * store first writes a small probe object into its new session folder — once with a PUT and once as a one-part
 * multipart upload — and reads it back byte-exact, whole and as a byte range, through the client the store will use
 * (about eight small requests). If the server altered or refused it, the store tries the client options such
 * servers need, {@code s3.chunkedEncoding=false} and then also {@code WHEN_REQUIRED} checksums, keeps the first that
 * passes and logs one warning saying what it changed and why; if none passes, {@code create} fails with a
 * {@link io.spillway.api.SpillConfigurationException} naming what the server did with each. A store on a client of
 * the caller's ({@link S3SpillStores}) cannot change the client, so it fails at once, naming the client setting.
 * Then, with {@code s3.verifyWrites} (on by default), no write returns before the store has checked what the server
 * reports it stored: the ETag against the MD5 of the bytes where the probe saw the server report content MD5s (no
 * extra request), else the length by a HEAD; multipart uploads part by part and by a HEAD of the whole. A mismatch
 * fails the write with an {@link IOException} naming the segment and the settings likely at fault, and deletes the
 * altered object; the manager keeps the value resident. The probe also decides whether large values are read back
 * as ranged GETs (only where ranges come back exact) and uploaded in parts (only where the server completes them).
 *
 * <h2>Sessions and dead sessions</h2>
 * A session rewrites its {@code lease} object every {@code s3.leaseRefresh} (default 1 minute). <b>Rule:</b> a
 * session folder whose newest object is older than {@code s3.leaseTimeout} (default 10 minutes, at least twice the
 * refresh) by the server's clock is dead. Times are compared on the server's clock only (the new session's own lease
 * gives "now"), so client clock skew cannot make a live session look dead. Opening a store removes dead sessions
 * under the prefix first (unless {@code s3.removeStaleSessions=false}), together with their unfinished multipart
 * uploads; {@link S3SpillStores#removeStaleSessions} does the same on demand. Neither ever touches a persistent
 * session's folder, live or not. {@link SpillStore#close()} deletes an ephemeral session's objects; when the server
 * is unreachable at that moment the folder is left for that rule.
 *
 * <h2>Persistent sessions</h2>
 * With {@link SpillConfig#persistentSession()} set to {@code name} (or {@link S3SpillStores#createPersistent}),
 * {@code create} takes the folder {@code <prefix>/persistent-<name>/} instead of a new one (the probe runs in a
 * folder of its own first), and lists the values it holds: {@code list()}, {@code read} and
 * {@link SpillStore#location(String)} (the {@code s3://} URI {@code write} returned) work on them at once. A hashed
 * key's name is kept in {@code n/h-<SHA-256>}, written before its value and deleted after it.
 * <ul>
 *   <li><b>One owner.</b> The owner's {@code lease} names it (pid, host, process start, a random token). An opener
 *       finding a lease whose folder was written to less than {@code s3.leaseTimeout} ago by the server's clock, or
 *       another store opening the session at that moment, fails with an {@link IOException} naming the session and
 *       the owner. A lease older than that is a dead owner's (killed, cut off): its session is taken over, and its
 *       unfinished multipart uploads are aborted: those the server lists, and those marked in {@code u/}, where an
 *       owner marks each upload before its first part, for servers that do not list uploads. Not aborted: an upload
 *       begun just before a kill and not marked yet (no part of it stored), and any upload on a server that cannot
 *       abort uploads at all (s3rver 3.7.1 answers 405); their parts are the server's to expire.</li>
 *   <li><b>What survives.</b> After {@link SpillStore#close()}, or the owner's process killed at any moment, the
 *       next owner finds every value whose {@code write} had returned, byte for byte (the store had checked what the
 *       server kept, see above), unless a later {@code write} or {@code delete} of its key had returned too; no key
 *       whose {@code delete} had returned. A {@code write} under way at the kill left the old value or the whole new
 *       one: a PUT and a completed multipart upload each replace an object at once, and the parts of an upload not
 *       completed are no object at all. What the server keeps is as durable as the server makes it, not more. Not
 *       promised: that a value the server stored but a killed owner could not check yet (or found altered and could
 *       not delete) is the frame; the core's frame check finds such a value when it reads it. Nor that a
 *       {@code write} that failed after the server had stored the object (its check could not reach the server)
 *       left the old value: S3 cannot take a stored object back, so the next owner may find the new one.</li>
 *   <li><b>{@code close} and {@code discard}.</b> {@link SpillStore#close()} keeps the values and deletes the lease,
 *       so the next owner takes over at once (if the lease cannot be deleted, once it times out);
 *       {@link SpillStore#discard()} deletes every object of the session, the lease last, and its uploads.</li>
 *   <li><b>What the lease cannot do.</b> S3 has no locks, and not every S3-compatible server honours conditional
 *       writes, so the lease is a protocol (see {@code PersistentSession}): it needs listings that show every write
 *       that returned before them (AWS S3, S3Proxy and s3rver do). Times are read on the server's clock only, so
 *       client clocks may be skewed; but an owner paused (a long GC, a stopped process, a network cut) for longer
 *       than {@code s3.leaseTimeout} can be taken over while it still holds requests it sent before. To narrow that,
 *       the owner checks the lease is still its own each time it renews it and then stops writing and deleting for
 *       good if not, and refuses writes and deletes once its last renewal is older than {@code s3.leaseTimeout}
 *       minus {@code s3.leaseRefresh}; a request already on its way can still land. Choose a lease timeout well
 *       above the longest pause expected.</li>
 * </ul>
 *
 * <h2>Errors at start</h2>
 * A missing bucket, one the credentials may not access, or a server that keeps no probe object as sent, fails
 * {@code create} with {@link io.spillway.api.SpillConfigurationException} saying so; an unreachable server with
 * {@link IOException}.
 *
 * <h2>Thread safety</h2>
 * The provider is stateless; its stores are thread-safe and run operations on different keys in parallel.
 */
public final class S3SpillStoreProvider implements SpillStoreProvider {
  /** Every option key of S3StoreSettings, the keys {@link S3StoreSettings#from} reads. */
  private static final Set<String> OPTION_KEYS = Set.of(
      S3StoreSettings.BUCKET, S3StoreSettings.PREFIX, S3StoreSettings.REGION, S3StoreSettings.ENDPOINT,
      S3StoreSettings.PATH_STYLE, S3StoreSettings.ACCESS_KEY_ID, S3StoreSettings.SECRET_ACCESS_KEY,
      S3StoreSettings.SESSION_TOKEN, S3StoreSettings.CHECKSUM_CALCULATION, S3StoreSettings.CHECKSUM_VALIDATION,
      S3StoreSettings.CHUNKED_ENCODING, S3StoreSettings.MULTIPART_THRESHOLD, S3StoreSettings.PART_SIZE,
      S3StoreSettings.PARALLELISM, S3StoreSettings.API_CALL_TIMEOUT, S3StoreSettings.API_CALL_ATTEMPT_TIMEOUT,
      S3StoreSettings.CONNECTION_TIMEOUT, S3StoreSettings.SOCKET_TIMEOUT, S3StoreSettings.MAX_ATTEMPTS,
      S3StoreSettings.RETRY_BASE_DELAY, S3StoreSettings.RETRY_MAX_DELAY, S3StoreSettings.LEASE_REFRESH,
      S3StoreSettings.LEASE_TIMEOUT, S3StoreSettings.VERIFY_WRITES, S3StoreSettings.REMOVE_STALE_SESSIONS);

  /** Creates the provider; it holds no state. */
  public S3SpillStoreProvider() {}

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public int priority() {
    return -10;
  }

  /**
   * Builds a client from the options, checks the bucket, probes the server (changing the client options where the
   * server needs it), opens a new session and removes dead ones. The store owns the client and closes it with the
   * session.
   *
   * @throws io.spillway.api.SpillConfigurationException if an option is missing or wrong, the bucket is missing, or
   *     the server keeps no probe object as sent with any client options the store can use
   * @throws IOException if S3 cannot be reached
   */
  @Override
  public SpillStore create(SpillConfig config) throws IOException {
    S3StoreSettings settings = S3StoreSettings.from(config);
    return SessionOpener.openOnOwnClient(settings, config.persistentSession().orElse(null),
        s -> new SyncObjectOps(S3SpillStores.newClient(s), true));
  }

  /**
   * A read-only view of the sessions under {@code s3.prefix} in {@code s3.bucket}, on a client of its own built from
   * the same options as {@link #create}'s (closed with the inspector): the {@code session-*} and {@code persistent-*}
   * folders, their values (by key; an ephemeral session's hashed keys, whose names only its owner knows, by object
   * name) and whether their owners are alive, by the dead-session rule above on the server's clock as the listing's
   * {@code Date} header gives it. Only lists and GETs: no probe, no lease, nothing written, so live owners are not
   * disturbed. {@code removeStaleSessions()} is {@link S3SpillStores#removeStaleSessions}; {@code removeSession}
   * deletes every object of the folder, the lease last, and aborts its uploads, whatever its owner.
   *
   * @throws io.spillway.api.SpillConfigurationException if an option is missing or wrong, or the bucket is missing
   * @throws IOException if S3 cannot be reached
   */
  @Override
  public SpillStoreInspector inspect(SpillConfig config) throws IOException {
    return S3StoreInspector.open(S3StoreSettings.from(config));
  }

  /** True: see <i>Persistent sessions</i> above. */
  @Override
  public boolean supportsPersistentSessions() {
    return true;
  }

  /** The keys of {@link S3StoreSettings} listed above, every option {@link #create} reads. */
  @Override
  public Set<String> optionKeys() {
    return OPTION_KEYS;
  }
}
