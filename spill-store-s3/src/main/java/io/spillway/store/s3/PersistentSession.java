package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spillway.api.SegmentNames;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Ownership of one persistent session folder, {@code <prefix>/persistent-<name>/}: taking it over (claim, lease,
 * recovery of the keys it holds), renewing the lease while checking it is still this store's, giving it up, and the
 * name objects of hashed keys. See <i>Persistent sessions</i> in {@link S3SpillStoreProvider} for what it guarantees.
 *
 * <p>Taking over, without conditional writes (which not every S3-compatible server honours, and a server that ignores
 * the header would silently give no exclusion): an opener writes {@code claims/<token>}, lists the claims, then lists
 * the lease and the folder. Another claim younger than {@code s3.leaseTimeout}, or a lease whose folder holds an
 * object that young, refuses the opening; otherwise the opener writes its lease and only then deletes its claim. Of
 * two openers at once, the later to list sees the other's claim (or, once that is gone, its lease), so at most one
 * goes on; both may be refused. That needs a server whose listings show every write that returned before them, as
 * AWS S3 and the servers tested here do. Times are the server's: {@code now} is the claim's own last-modified time.
 *
 * <p>Thread-safe: {@link #renew()} runs on the lease timer, the rest on callers' threads.
 *
 * <p>Internal, may change.
 */
final class PersistentSession {
  private static final System.Logger LOG = System.getLogger(S3SpillStoreProvider.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A session taken over: its owner and the sizes of the values it held, by key. */
  record Taken(PersistentSession session, Map<String, Long> sizes) {}

  private final ObjectOps ops;
  private final String bucket;
  private final String name;
  private final String folder;
  private final String token;
  private final Duration timeout;
  /** The longest a write goes on after the start of the last renewal that found the lease this store's. */
  private final long writableNanos;
  private volatile long confirmedAt;
  private volatile @Nullable String lostTo;

  private PersistentSession(ObjectOps ops, S3StoreSettings settings, String name, String folder, String token) {
    this.ops = ops;
    this.bucket = settings.bucket();
    this.name = name;
    this.folder = folder;
    this.token = token;
    this.timeout = settings.leaseTimeout();
    this.writableNanos = settings.leaseTimeout().minus(settings.leaseRefresh()).toNanos();
  }

  /** The session folder, with its trailing {@code /}. */
  String folder() {
    return folder;
  }

  /**
   * Takes persistent session {@code name} under {@code settings}' prefix over, creating it if new: claims it, checks
   * no live store owns it, writes this store's lease, aborts the unfinished multipart uploads a dead owner left and
   * lists the values it holds.
   *
   * @throws IOException naming the session and its owner when a live store owns it or another is opening it, or if
   *     S3 fails
   */
  static Taken acquire(ObjectOps ops, S3StoreSettings settings, String name) throws IOException {
    String folder = S3Keys.persistentFolder(settings.prefix(), name);
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    PersistentSession session = new PersistentSession(ops, settings, name, folder, HexFormat.of().formatHex(random));
    try {
      return session.takeOver();
    } catch (SdkException e) {
      throw S3Errors.io("take-over of persistent session '" + name + "'", settings.bucket(), folder, e);
    }
  }

  private Taken takeOver() throws IOException {
    String claimKey = folder + S3Keys.CLAIMS + token;
    put(claimKey, describe("claim written"));
    try {
      List<String> staleClaims = new ArrayList<>();
      @Nullable Instant now = null;
      List<S3Object> others = new ArrayList<>();
      for (S3Object claim : Sessions.listAll(ops, bucket, folder + S3Keys.CLAIMS)) {
        if (claim.key().equals(claimKey)) {
          now = claim.lastModified();
        } else {
          others.add(claim);
        }
      }
      if (now == null) {
        throw new IOException("Persistent S3 spill session '" + name + "' at " + S3Errors.uri(bucket, folder)
            + " cannot be opened: the server did not list the claim " + claimKey + " just written, and the s3 store"
            + " needs listings that show every write that returned before them to keep one owner at a time");
      }
      Instant deadline = now.minus(timeout);
      for (S3Object other : others) {
        if (other.lastModified() == null || !other.lastModified().isBefore(deadline)) {
          throw new IOException("Persistent S3 spill session '" + name + "' at " + S3Errors.uri(bucket, folder)
              + " is being opened by another store at this moment (" + text(other.key()) + "); try again once it"
              + " is open and closed, or after " + timeout);
        }
        staleClaims.add(other.key());
      }
      // The lease before the values: a discard deletes the values before the lease, so no value listed after a lease
      // found gone can be one a discard is deleting.
      @Nullable S3Object lease = null;
      for (S3Object object : Sessions.listAll(ops, bucket, leaseKey())) {
        if (object.key().equals(leaseKey())) {
          lease = object;
        }
      }
      List<S3Object> content = new ArrayList<>();
      Instant newest = lease == null ? Instant.MIN : lease.lastModified() != null ? lease.lastModified() : now;
      for (S3Object object : Sessions.listAll(ops, bucket, folder)) {
        String relative = object.key().substring(folder.length());
        if (!relative.startsWith(S3Keys.CLAIMS) && !relative.equals(S3Keys.LEASE)) {
          content.add(object);
          Instant modified = object.lastModified() != null ? object.lastModified() : now;
          newest = modified.isAfter(newest) ? modified : newest;
        }
      }
      if (lease != null && !newest.isBefore(deadline)) {
        throw new IOException("Persistent S3 spill session '" + name + "' at " + S3Errors.uri(bucket, folder)
            + " is owned by a live store (" + text(leaseKey()) + "); its newest write is of " + newest + " and "
            + "server time is " + now + ", so it counts as live until " + newest.plus(timeout) + " ("
            + S3StoreSettings.LEASE_TIMEOUT + "=" + timeout + "). Close that store, or wait until its lease times out");
      }
      if (lease != null) {
        LOG.log(Level.INFO, "Taking over persistent S3 spill session " + S3Errors.uri(bucket, folder) + " whose"
            + " owner stopped renewing its lease at " + newest + " (server time " + now + ")");
      }
      renewNow();
      try {
        for (String stale : staleClaims) {
          deleteQuietly(stale);
        }
        // The previous owner is gone (closed or its lease timed out): its unfinished uploads can only be abandoned.
        Sessions.abortUploads(ops, bucket, folder, null);
        abortMarked();
        return new Taken(this, recover(content));
      } catch (RuntimeException e) {
        try {
          release(); // so that the next attempt need not wait for the lease to time out
        } catch (RuntimeException again) {
          e.addSuppressed(again);
        }
        throw e;
      }
    } finally {
      deleteQuietly(claimKey);
    }
  }

  /** The keys of the values in {@code content} and their sizes; name objects without a value are deleted. */
  private Map<String, Long> recover(List<S3Object> content) {
    Map<String, Long> sizes = new HashMap<>();
    Map<String, Long> hashed = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    for (S3Object object : content) {
      String relative = object.key().substring(folder.length());
      long size = object.size() != null ? object.size() : 0;
      if (relative.startsWith(S3Keys.VALUES + "k-")) {
        String key = S3Keys.unescape(relative.substring(S3Keys.VALUES.length()));
        if (key != null && valid(key)) {
          sizes.put(key, size);
          continue;
        }
      } else if (relative.startsWith(S3Keys.VALUES + "h-")) {
        hashed.put(relative.substring(S3Keys.VALUES.length()), size);
        continue;
      } else if (relative.startsWith(S3Keys.NAMES + "h-")) {
        names.put(relative.substring(S3Keys.NAMES.length()), object.key());
        continue;
      } else if (relative.startsWith(S3Keys.UPLOADS)) {
        continue; // markers of uploads, aborted by abortMarked()
      }
      LOG.log(Level.WARNING, "Persistent S3 spill session " + S3Errors.uri(bucket, folder) + " holds "
          + object.key() + ", which the s3 store never writes; it is left alone and not listed");
    }
    for (Map.Entry<String, Long> value : hashed.entrySet()) {
      String nameKey = names.remove(value.getKey());
      String key = nameKey != null ? readName(nameKey) : null;
      if (key != null && valid(key) && S3Keys.escape(key).equals(value.getKey())) {
        sizes.put(key, value.getValue());
      } else {
        // A name is written before its value and deleted after it, so this is no value the store wrote.
        LOG.log(Level.WARNING, "Persistent S3 spill session " + S3Errors.uri(bucket, folder) + " holds value "
            + S3Keys.VALUES + value.getKey() + " without a matching name object; it is left alone and not listed");
      }
    }
    for (String stray : names.values()) {
      // A write or delete of a hashed key that the previous owner did not finish: its value is not there.
      deleteQuietly(stray);
    }
    return sizes;
  }

  private @Nullable String readName(String nameKey) {
    byte[] bytes = ops.get(bucket, nameKey, 0, -1).bytes();
    try {
      return UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean valid(String key) {
    try {
      SegmentNames.validate(key);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Before a write of {@code key}, whose object key part is {@code part}: checks this store still owns the session
   * and, for a hashed key not stored yet, writes its name object, so that a value is never there without its name.
   */
  void beforeWrite(String key, String part, boolean stored) throws IOException {
    checkOwned(key);
    if (!stored && part.startsWith("h-")) {
      String nameKey = folder + S3Keys.NAMES + part;
      try {
        put(nameKey, key.getBytes(UTF_8));
      } catch (SdkException e) {
        throw S3Errors.io("put of the name of segment '" + key + "'", bucket, nameKey, e);
      }
    }
  }

  /** After the value of {@code key} was deleted: deletes its name object, if hashed. */
  void afterDelete(String key, String part) throws IOException {
    if (part.startsWith("h-")) {
      String nameKey = folder + S3Keys.NAMES + part;
      try {
        ops.delete(bucket, nameKey);
      } catch (SdkException e) {
        // The value is gone, which is what counts; a name without a value is deleted by the next owner.
        LOG.log(Level.DEBUG, "Could not delete the name object of segment '" + key + "': " + e);
      }
    }
  }

  /**
   * Marks a multipart upload begun, before any part goes up: S3Proxy and AWS S3 list unfinished uploads, but other
   * servers (s3rver) do not, and the next owner must find a killed owner's uploads to abort them.
   *
   * @return the marker's key, for {@link #uploadEnded(String)}
   * @throws IOException if the marker cannot be written; the caller aborts the upload
   */
  String uploadStarted(String key, String objectKey, String uploadId) throws IOException {
    byte[] text = (objectKey + "\n" + uploadId).getBytes(UTF_8);
    String marker = folder + S3Keys.UPLOADS + S3Keys.sha256(text);
    try {
      put(marker, text);
    } catch (SdkException e) {
      throw S3Errors.io("put of the upload marker of segment '" + key + "'", bucket, marker, e);
    }
    return marker;
  }

  /** Deletes the marker of an upload completed or aborted; one left behind only makes the next owner abort again. */
  void uploadEnded(String marker) {
    deleteQuietly(marker);
  }

  /**
   * Aborts the uploads whose markers are in the folder, and deletes the markers: at take-over (a dead owner's), at
   * close and at discard (this store's own whose abort failed). A marker whose upload is gone (404), or whose server
   * cannot abort uploads at all (405 or 501: s3rver), is deleted; after any other failure, logged, it stays for the
   * next try.
   */
  void abortMarked() {
    List<S3Object> markers;
    try {
      markers = Sessions.listAll(ops, bucket, folder + S3Keys.UPLOADS);
    } catch (SdkException e) {
      LOG.log(Level.WARNING, "Could not list the multipart uploads marked in persistent S3 spill session "
          + S3Errors.uri(bucket, folder) + "; its next owner tries again: " + e);
      return;
    }
    for (S3Object marker : markers) {
      try {
        String text = new String(ops.get(bucket, marker.key(), 0, -1).bytes(), UTF_8);
        int newline = text.indexOf('\n');
        String objectKey = newline < 0 ? "" : text.substring(0, newline);
        // Never an upload outside this folder, whatever a marker says.
        if (objectKey.startsWith(folder + S3Keys.VALUES)) {
          try {
            ops.abortMultipart(bucket, objectKey, text.substring(newline + 1));
          } catch (S3Exception e) {
            if (e.statusCode() != 404 && e.statusCode() != 405 && e.statusCode() != 501) {
              throw e;
            }
            // Gone already, or never to be aborted by any client: the server's to expire.
          }
        }
        ops.delete(bucket, marker.key());
      } catch (SdkException e) {
        LOG.log(Level.WARNING, "Could not abort the multipart upload marked in " + S3Errors.uri(bucket, marker.key())
            + "; it is tried again at close or by the next owner: " + e);
      }
    }
  }

  /**
   * Throws unless this store still owns the session: not taken over by another, and the lease found this store's
   * less than {@code s3.leaseTimeout - s3.leaseRefresh} ago, so that no other store can have taken it over yet.
   *
   * @throws IOException naming the session and why this store may not write or delete there
   */
  void checkOwned(String key) throws IOException {
    String lost = lostTo;
    if (lost != null) {
      throw new IOException("Persistent S3 spill session '" + name + "' at " + S3Errors.uri(bucket, folder)
          + " was taken over by another store (" + lost + ") while this one did not renew its lease for "
          + timeout + "; this store no longer writes or deletes there (segment '" + key + "')");
    }
    long since = System.nanoTime() - confirmedAt;
    if (since > writableNanos) {
      throw new IOException("Persistent S3 spill session '" + name + "' at " + S3Errors.uri(bucket, folder)
          + ": its lease was last renewed " + Duration.ofNanos(since) + " ago, too close to "
          + S3StoreSettings.LEASE_TIMEOUT + "=" + timeout + " for segment '" + key + "' to be written or deleted"
          + " before another store may take the session over");
    }
  }

  /** Whether another store took the session over, or its lease was deleted, behind this store's back. */
  boolean lost() {
    return lostTo != null;
  }

  /**
   * Reads the lease: whether it is still this store's. If another store's lease is there (this one was paused or cut
   * off for longer than the lease timeout) or none, the session counts as lost from now on, and this store never
   * writes, deletes or aborts anything there again.
   *
   * @throws SdkException if S3 fails
   */
  boolean confirmOwned() {
    if (lostTo != null) {
      return false;
    }
    String current;
    try {
      current = new String(ops.get(bucket, leaseKey(), 0, -1).bytes(), UTF_8);
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      current = null;
    }
    if (current == null || !current.contains(ownerTag())) {
      lostTo = current == null ? "its lease was deleted" : current.strip();
      LOG.log(Level.ERROR, "Persistent S3 spill session " + S3Errors.uri(bucket, folder) + " was taken over ("
          + lostTo + "); this store stops writing there");
      return false;
    }
    return true;
  }

  /**
   * Renews the lease, on the lease timer, after {@link #confirmOwned() checking} it is still this store's.
   *
   * @throws SdkException if S3 fails; the timer tries again
   */
  void renew() {
    if (confirmOwned()) {
      renewNow();
    }
  }

  private void renewNow() {
    long started = System.nanoTime();
    put(leaseKey(), describe("lease written"));
    confirmedAt = started;
  }

  /**
   * Gives the session up at close, if it is still this store's: aborts the uploads this store left (those whose
   * abort failed) and deletes the lease, so that the next owner need not wait for it to time out. The values stay.
   *
   * @throws SdkException if S3 fails; the lease then times out
   */
  void release() {
    if (!confirmOwned()) {
      return;
    }
    Sessions.abortUploads(ops, bucket, folder, null);
    abortMarked();
    ops.delete(bucket, leaseKey());
  }

  String leaseKey() {
    return folder + S3Keys.LEASE;
  }

  private String ownerTag() {
    return "owner " + token + ";";
  }

  /** Who this store is, for the lease and claim objects, which another opener's error message quotes. */
  private byte[] describe(String what) {
    ProcessHandle self = ProcessHandle.current();
    String started = self.info().startInstant().map(Instant::toString).orElse("unknown");
    return ("Spillway persistent spill session '" + name + "'; " + ownerTag() + " pid " + self.pid() + " on host "
        + host() + ", process started " + started + "; " + what + " " + Instant.now() + "\n").getBytes(UTF_8);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  private String text(String objectKey) {
    try {
      return new String(ops.get(bucket, objectKey, 0, -1).bytes(), UTF_8).strip();
    } catch (SdkException e) {
      return "owner unknown: " + objectKey + " could not be read, " + e.getMessage();
    }
  }

  private void put(String objectKey, byte[] text) {
    ops.put(bucket, objectKey, new ByteBuffer[] {ByteBuffer.wrap(text)}, text.length);
  }

  private void deleteQuietly(String objectKey) {
    try {
      ops.delete(bucket, objectKey);
    } catch (SdkException e) {
      // A claim left behind blocks other openers only until it is older than the lease timeout.
      LOG.log(Level.DEBUG, "Could not delete " + S3Errors.uri(bucket, objectKey) + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "PersistentSession[" + S3Errors.uri(bucket, folder) + ", owner " + token + "]";
  }
}
