package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spillway.api.SegmentNames;
import io.spillway.api.spi.SpillStoreInspector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The s3 store's {@link SpillStoreInspector}: the {@code session-*} and {@code persistent-*} folders under a prefix,
 * as {@link S3SpillStoreProvider}'s <i>Layout</i> describes them, read with listings and GETs only.
 *
 * <p>Owners are judged by the dead-session rule ({@link Sessions#removeStale}): a folder whose newest object is older
 * than {@code s3.leaseTimeout} by the server's clock has no live owner; a persistent folder without a lease has none
 * either (its owner closed it). The server's clock is read from the {@code Date} header of the listing, so that,
 * unlike {@link S3SpillStores#removeStaleSessions}, looking writes nothing; without that header owners are
 * {@link Owner#UNKNOWN}. The names of a persistent session's hashed keys are read from their name objects; an
 * ephemeral session keeps those in its owner's memory, so its hashed values list under their object names.
 *
 * <p>Not thread-safe. Owns its client. Internal, may change.
 */
final class S3StoreInspector implements SpillStoreInspector {
  private final S3StoreSettings settings;
  private final S3Client client;
  private final ObjectOps ops;
  private final String bucket;
  private final String base;
  /** Object keys of each listed session's values: session name, then value key. */
  private final Map<String, Map<String, String>> objectKeys = new HashMap<>();
  /** Every object key of each listed session. */
  private final Map<String, List<String>> contents = new HashMap<>();

  private S3StoreInspector(S3StoreSettings settings, S3Client client, ObjectOps ops) {
    this.settings = settings;
    this.client = client;
    this.ops = ops;
    this.bucket = settings.bucket();
    this.base = S3Keys.base(settings.prefix());
  }

  /** Opens an inspector on a client of its own, checking the bucket first. */
  static S3StoreInspector open(S3StoreSettings settings) throws IOException {
    S3Client client = S3SpillStores.newClient(settings);
    ObjectOps ops = new SyncObjectOps(client, true);
    try {
      SessionOpener.checkBucket(ops, settings);
      return new S3StoreInspector(settings, client, ops);
    } catch (IOException | RuntimeException e) {
      ops.close();
      throw e;
    }
  }

  @Override
  public String location() {
    return S3Errors.uri(bucket, base);
  }

  @Override
  public List<Session> sessions() throws IOException {
    objectKeys.clear();
    contents.clear();
    Map<String, List<S3Object>> byFolder = new TreeMap<>();
    @Nullable Instant now;
    try {
      now = listInto(byFolder);
    } catch (SdkException e) {
      throw S3Errors.io("listing", bucket, base, e);
    }
    List<Session> sessions = new ArrayList<>();
    for (Map.Entry<String, List<S3Object>> folder : byFolder.entrySet()) {
      try {
        sessions.add(inspect(folder.getKey(), folder.getValue(), now));
      } catch (SdkException e) {
        throw S3Errors.io("inspection", bucket, folder.getKey(), e);
      }
    }
    return sessions;
  }

  /** Lists every session folder's objects into {@code byFolder}; returns the server's time, or null. */
  private @Nullable Instant listInto(Map<String, List<S3Object>> byFolder) {
    @Nullable Instant now = null;
    @Nullable String token = null;
    do {
      ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(base);
      if (token != null) {
        request.continuationToken(token);
      }
      ListObjectsV2Response page = ops.list(request.build());
      if (now == null) {
        now = serverTime(page);
      }
      for (S3Object object : page.contents()) {
        String relative = object.key().substring(base.length());
        int slash = relative.indexOf('/');
        boolean session = relative.startsWith(S3Keys.SESSION_PREFIX)
            || relative.startsWith(S3Keys.PERSISTENT_PREFIX) && slash > S3Keys.PERSISTENT_PREFIX.length();
        if (session && slash > 0) {
          byFolder.computeIfAbsent(relative.substring(0, slash), f -> new ArrayList<>()).add(object);
        }
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return now;
  }

  private static @Nullable Instant serverTime(ListObjectsV2Response page) {
    Optional<String> date = page.sdkHttpResponse() == null ? Optional.empty()
        : page.sdkHttpResponse().firstMatchingHeader("Date");
    try {
      return date.map(d -> DateTimeFormatter.RFC_1123_DATE_TIME.parse(d, Instant::from)).orElse(null);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private Session inspect(String name, List<S3Object> objects, @Nullable Instant now) {
    String folder = base + name + "/";
    boolean persistent = name.startsWith(S3Keys.PERSISTENT_PREFIX);
    Map<String, String> keys = new TreeMap<>();
    Map<String, Long> sizes = new HashMap<>();
    Map<String, Boolean> known = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    List<String> all = new ArrayList<>();
    long occupied = 0;
    @Nullable S3Object lease = null;
    Instant newest = Instant.MIN;
    for (S3Object object : objects) {
      all.add(object.key());
      long size = object.size() != null ? object.size() : 0;
      occupied += size;
      String relative = object.key().substring(folder.length());
      if (relative.equals(S3Keys.LEASE)) {
        lease = object;
      }
      // As the dead-session rules count: every object of an ephemeral folder, a persistent one's but its claims.
      if (!(persistent && relative.startsWith(S3Keys.CLAIMS)) && object.lastModified() != null
          && object.lastModified().isAfter(newest)) {
        newest = object.lastModified();
      }
      if (relative.startsWith(S3Keys.VALUES + "k-")) {
        String key = S3Keys.unescape(relative.substring(S3Keys.VALUES.length()));
        if (key != null) {
          keys.put(key, object.key());
          sizes.put(key, size);
          known.put(key, true);
        }
      } else if (relative.startsWith(S3Keys.VALUES + "h-")) {
        String part = relative.substring(S3Keys.VALUES.length());
        keys.put(part, object.key());
        sizes.put(part, size);
        known.put(part, false);
      } else if (relative.startsWith(S3Keys.NAMES + "h-")) {
        names.put(relative.substring(S3Keys.NAMES.length()), object.key());
      }
    }
    // A persistent session's hashed keys have their names in name objects: list those values by their names.
    for (Map.Entry<String, String> nameObject : names.entrySet()) {
      String part = nameObject.getKey();
      String objectKey = keys.get(part);
      String key = objectKey == null ? null : readName(nameObject.getValue());
      if (objectKey != null && key != null && S3Keys.escape(key).equals(part)) {
        keys.remove(part);
        keys.put(key, objectKey);
        sizes.put(key, Objects.requireNonNull(sizes.remove(part)));
        known.remove(part);
        known.put(key, true);
      }
    }
    List<Value> values = new ArrayList<>();
    for (String key : keys.keySet()) {
      values.add(new Value(key, Objects.requireNonNull(known.get(key)),
          Objects.requireNonNull(sizes.get(key))));
    }
    objectKeys.put(name, keys);
    contents.put(name, all);
    String leaseText = lease == null ? "no lease" : text(lease.key());
    Owner owner;
    String description;
    if (now == null) {
      owner = Owner.UNKNOWN;
      description = leaseText + "; the server's time is unknown (no Date header)";
    } else if (persistent && lease == null) {
      owner = Owner.DEAD;
      description = "no owner: no lease (closed)";
    } else {
      Instant deadline = now.minus(settings.leaseTimeout());
      owner = newest.isBefore(deadline) ? Owner.DEAD : Owner.ALIVE;
      description = leaseText + "; newest write " + newest + ", server time " + now + ", "
          + S3StoreSettings.LEASE_TIMEOUT + "=" + settings.leaseTimeout();
    }
    return new Session(name, persistent ? Kind.PERSISTENT : Kind.EPHEMERAL,
        persistent ? name.substring(S3Keys.PERSISTENT_PREFIX.length()) : "", owner, description, occupied, values);
  }

  private @Nullable String readName(String nameKey) {
    byte[] bytes = ops.get(bucket, nameKey, 0, -1).bytes();
    try {
      String key = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      SegmentNames.validate(key);
      return key;
    } catch (CharacterCodingException | RuntimeException e) {
      return null;
    }
  }

  /** A lease's text, one line, for people. */
  private String text(String objectKey) {
    try {
      return new String(ops.get(bucket, objectKey, 0, -1).bytes(), UTF_8).strip().replace('\n', ' ');
    } catch (SdkException e) {
      return "lease unreadable: " + e.getMessage();
    }
  }

  @Override
  public byte[] read(Session session, Value value) throws IOException {
    Map<String, String> keys = objectKeys.get(session.name());
    String objectKey = keys == null ? null : keys.get(value.key());
    if (objectKey == null) {
      throw new NoSuchFileException(session.name() + ": '" + value.key() + "'", null, "not listed in this session");
    }
    try {
      return ops.get(bucket, objectKey, 0, -1).bytes();
    } catch (SdkException e) {
      throw S3Errors.io("get of segment '" + value.key() + "'", bucket, objectKey, e);
    }
  }

  @Override
  public int removeStaleSessions() throws IOException {
    return S3SpillStores.removeStaleSessions(client, settings);
  }

  @Override
  public void removeSession(Session session) throws IOException {
    List<String> keys = contents.get(session.name());
    if (keys == null) {
      throw new NoSuchFileException(session.name(), null, "not listed in " + location());
    }
    String folder = base + session.name() + "/";
    List<String> ordered = new ArrayList<>(keys);
    // The lease last, so that a folder left half-deleted still holds its newest write time until the end.
    String lease = folder + S3Keys.LEASE;
    if (ordered.remove(lease)) {
      ordered.add(lease);
    }
    ObjectDeleter.Outcome outcome = new ObjectDeleter(ops, bucket).deleteAll(ordered);
    if (!outcome.complete()) {
      IOException failure = new IOException("Could not delete " + outcome.left().size() + " objects of session "
          + S3Errors.uri(bucket, folder) + ", " + outcome.left().get(0) + " first");
      outcome.failures().forEach(failure::addSuppressed);
      throw failure;
    }
    Sessions.abortUploads(ops, bucket, folder, null);
  }

  @Override
  public void close() {
    objectKeys.clear();
    contents.clear();
    ops.close();
  }
}
