package io.spillway.store.s3;

import static io.spillway.store.s3.S3SpillManagerTest.randomBytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Persistent sessions of the s3 store on one S3 server: reopening after close, one owner at a time, taking over from
 * an owner that stopped (its lease timed out) with its unfinished uploads aborted, dead-session removal leaving
 * persistent folders alone, and discard. Each subclass names its server, started once for the class by an
 * {@link S3Bucket} it registers. {@link S3PersistentSessionKillIT} kills real owner processes.
 */
abstract class PersistentSessionTests {
  static final String BUCKET = "persistent";
  private static final int MiB = 1024 * 1024;
  /** Long enough that a store renewing every 250 ms on a loaded machine never lets it lapse. */
  private static final Duration TIMEOUT = Duration.ofSeconds(4);

  private final String prefix = "p-" + UUID.randomUUID();

  /** The server of the subclass. */
  abstract S3Bucket<?> s3();

  /** Whether the server lists unfinished multipart uploads (AWS S3 and S3Proxy do, s3rver answers 501). */
  abstract boolean listsUploads();

  private S3StoreSettings.Builder settings() {
    return s3().server().settings(BUCKET).prefix(prefix).multipartThreshold(6 * MiB).partSize(5 * MiB).parallelism(3)
        .leaseRefresh(Duration.ofMillis(250)).leaseTimeout(TIMEOUT);
  }

  private SpillStore open(String session) throws IOException {
    return S3SpillStores.createPersistent(s3().client(), settings().build(), session);
  }

  private String folder(String session) {
    return prefix + "/persistent-" + session + "/";
  }

  private List<String> objectKeys(String under) {
    return s3().client().listObjectsV2(b -> b.bucket(BUCKET).prefix(under)).contents().stream().map(S3Object::key)
        .toList();
  }

  /**
   * The unfinished multipart uploads under {@code under}, by id, as the server lists them; empty on servers that
   * do not list uploads ({@link #listsUploads()}), where the tests look at the store's abort requests instead.
   */
  private List<String> uploads(String under) {
    if (!listsUploads()) {
      return List.of();
    }
    return s3().client().listMultipartUploads(b -> b.bucket(BUCKET).prefix(under)).uploads().stream()
        .map(MultipartUpload::uploadId).toList();
  }

  /** Calls of {@code method} among {@code calls} on upload {@code uploadId}. */
  private static long count(List<String[]> calls, String method, String uploadId) {
    synchronized (calls) {
      return calls.stream().filter(c -> c[0].equals(method) && c[2].equals(uploadId)).count();
    }
  }

  /** The upload of the last {@code createMultipart} among {@code calls} of {@code objectKey}'s ending. */
  private static String lastUpload(List<String[]> calls, String keyEnding) {
    synchronized (calls) {
      String id = null;
      for (String[] call : calls) {
        if (call[0].equals("createMultipart") && call[1].endsWith(keyEnding)) {
          id = call[2];
        }
      }
      assertThat(id).as("an upload of %s", keyEnding).isNotNull();
      return id;
    }
  }

  private static URI write(SpillStore store, Map<String, byte[]> model, String key, byte[] value)
      throws IOException {
    URI at = store.write(key, ByteBuffer.wrap(value));
    model.put(key, value);
    return at;
  }

  private static void assertHolds(SpillStore store, Map<String, byte[]> model) throws IOException {
    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(model.keySet());
    long sum = 0;
    for (Map.Entry<String, byte[]> entry : model.entrySet()) {
      assertThat(store.read(entry.getKey())).as("bytes of %s", entry.getKey()).isEqualTo(entry.getValue());
      sum += entry.getValue().length;
    }
    assertThat(store.usage()).isEqualTo(sum);
  }

  @Test
  void close_thenReopen_findsExactlyTheLatestValuesByteForByte() throws IOException {
    Map<String, byte[]> model = new HashMap<>();
    String longKey = "deep/".repeat(60) + "ü"; // hashed: its escaped form is over 200 characters
    String oddKey = "../a b/%41\u0001é";
    URI largeAt;
    try (SpillStore store = open("reopen")) {
      assertThat(store.list()).isEmpty();
      write(store, model, "kept", randomBytes(1000, 1));
      write(store, model, "overwritten", randomBytes(2000, 2));
      write(store, model, "overwritten", randomBytes(300, 3));
      write(store, model, "deleted", randomBytes(10, 4));
      write(store, model, longKey, randomBytes(500, 5));
      write(store, model, oddKey, randomBytes(70, 6));
      write(store, model, "hashed-deleted" + "x".repeat(300), randomBytes(50, 7));
      largeAt = write(store, model, "large", randomBytes(11 * MiB + 5, 8));
      write(store, model, "empty", new byte[0]);
      assertThat(store.delete("deleted")).isTrue();
      model.remove("deleted");
      assertThat(store.delete("hashed-deleted" + "x".repeat(300))).isTrue();
      model.remove("hashed-deleted" + "x".repeat(300));
      assertHolds(store, model);
    }
    assertThat(objectKeys(folder("reopen"))).as("close keeps the values, gives the lease up")
        .isNotEmpty().noneMatch(key -> key.endsWith("/lease"));

    try (SpillStore store = open("reopen")) {
      assertHolds(store, model);
      assertThat(store.location("large")).isEqualTo(largeAt);
      assertThat(store.location(longKey).toString()).startsWith("s3://" + BUCKET + "/" + folder("reopen") + "v/h-");
      assertThatThrownBy(() -> store.location("deleted")).isInstanceOf(NoSuchFileException.class);
      write(store, model, "kept", randomBytes(40, 9));
      assertThat(store.delete(longKey)).isTrue();
      model.remove(longKey);
    }
    try (SpillStore store = open("reopen")) {
      assertHolds(store, model);
    }
    assertThat(objectKeys(folder("reopen") + "n/")).as("no name object outlives its hashed key").isEmpty();
  }

  @Test
  void create_whileAnotherStoreOwnsTheSession_failsNamingTheOwnerUntilItCloses() throws IOException {
    SpillStore owner = open("owned");
    try {
      owner.write("a", ByteBuffer.wrap(new byte[] {1}));

      assertThatThrownBy(() -> open("owned"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("'owned'")
          .hasMessageContaining("owned by a live store")
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageContaining("owner ");
      assertThat(owner.read("a")).as("the refused opener changed nothing").containsExactly(1);
      owner.write("b", ByteBuffer.wrap(new byte[] {2}));
    } finally {
      owner.close();
    }
    try (SpillStore next = open("owned")) {
      assertThat(next.list()).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void create_whileAnotherStoreIsOpeningTheSession_failsUntilItsClaimIsStale() throws IOException {
    String claim = folder("claimed") + "claims/0123456789abcdef";
    s3().client().putObject(b -> b.bucket(BUCKET).key(claim), RequestBody.fromString("owner 0123456789abcdef; pid 1"));

    assertThatThrownBy(() -> open("claimed"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'claimed'")
        .hasMessageContaining("being opened by another store")
        .hasMessageContaining("pid 1");

    // A claim older than the lease timeout is an opener that died on the way: ignored, and deleted.
    SpillStore store = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .ignoreException(IOException.class).until(() -> open("claimed"), s -> true);
    store.close();
    assertThat(objectKeys(folder("claimed"))).doesNotContain(claim);
  }

  @Test
  void create_afterTheOwnerStoppedWithoutClose_takesOverOnceItsLeaseTimedOut() throws IOException {
    AtomicBoolean dead = new AtomicBoolean();
    // The owner "dies" at the third part of a multipart upload (only the 12 MiB value has one): no request of it
    // reaches the server again.
    ObjectOps real = new SyncObjectOps(s3().client(), false);
    List<String[]> calls = new ArrayList<>();
    ObjectOps dying = dying(real, dead, calls, (method, args) -> method.equals("uploadPart") && (int) args[3] == 3);
    SpillStore owner = S3SpillStores.open(dying, settings().build(), "stopped");
    Map<String, byte[]> model = new HashMap<>();
    write(owner, model, "one", randomBytes(100, 11));
    write(owner, model, "two", randomBytes(7 * MiB, 12));
    write(owner, model, "two", randomBytes(8 * MiB, 13)); // replaced whole
    write(owner, model, "hashed" + "/".repeat(100), randomBytes(64, 14));
    assertThatThrownBy(() -> owner.write("two", ByteBuffer.wrap(randomBytes(12 * MiB, 15))))
        .isInstanceOf(IOException.class);
    assertThat(dead).isTrue();
    String unfinished = lastUpload(calls, "v/k-two");
    assertThat(count(calls, "abortMultipart", unfinished)).as("aborts sent while alive").isZero();
    if (listsUploads()) {
      assertThat(uploads(folder("stopped"))).as("the dead owner's unfinished upload").contains(unfinished);
    }

    assertThatThrownBy(() -> open("stopped")).as("its lease has not timed out yet")
        .hasMessageContaining("owned by a live store");
    List<String[]> nextCalls = new ArrayList<>();
    SpillStore next = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .ignoreException(IOException.class).until(() -> S3SpillStores.open(dying(new SyncObjectOps(s3().client(),
            false), new AtomicBoolean(), nextCalls, (method, args) -> false), settings().build(), "stopped"),
            s -> true);
    try {
      assertHolds(next, model);
      assertThat(count(nextCalls, "abortMultipart", unfinished)).as("the next owner aborted the dead one's upload")
          .isPositive();
      assertThat(uploads(folder("stopped"))).as("unfinished uploads after the take-over").isEmpty();
      assertThat(objectKeys(folder("stopped") + "u/")).as("upload markers").isEmpty();

      // The old owner comes back: it finds its lease gone to another and writes nothing more.
      dead.set(false);
      await().atMost(Duration.ofSeconds(30)).until(() -> lost(owner));
      assertThatThrownBy(() -> owner.write("one", ByteBuffer.wrap(new byte[] {9})))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("'stopped'");
      assertThatThrownBy(() -> owner.delete("one")).isInstanceOf(IOException.class);
      assertThatThrownBy(owner::discard).isInstanceOf(IOException.class).hasMessageContaining("not discarded");
      assertHolds(next, model);
    } finally {
      next.close();
      dead.set(false); // so that a failure above is not hidden by this close failing
      owner.close();
    }
    try (SpillStore again = open("stopped")) {
      assertHolds(again, model);
    }
  }

  private static boolean lost(SpillStore store) {
    try {
      store.write("probe-of-ownership", ByteBuffer.wrap(new byte[0]));
      return false;
    } catch (IOException e) {
      return e.getMessage().contains("taken over");
    }
  }

  @Test
  void removeStaleSessions_neverRemovesAPersistentSessionFolder() throws IOException {
    try (SpillStore closed = open("left")) {
      closed.write("a", ByteBuffer.wrap(new byte[] {1}));
    }
    SpillStore live = open("live");
    SpillStore abandoned = S3SpillStores.create(s3().client(), settings().leaseRefresh(Duration.ofHours(1))
        .leaseTimeout(Duration.ofHours(2)).build());
    try {
      live.write("b", ByteBuffer.wrap(new byte[] {2}));
      abandoned.write("c", ByteBuffer.wrap(new byte[] {3}));
      String abandonedFolder = ((S3SpillStore) abandoned).folder();
      S3StoreSettings sweeper = settings().leaseRefresh(Duration.ofMillis(500)).leaseTimeout(Duration.ofSeconds(1))
          .build();
      // Older than the sweeper's timeout by now: the closed persistent session and the abandoned ephemeral one.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> S3SpillStores.removeStaleSessions(s3().client(), sweeper) == 1);

      assertThat(objectKeys(abandonedFolder)).isEmpty();
      assertThat(objectKeys(folder("left"))).containsExactly(folder("left") + "v/k-a");
      try (SpillStore store = open("left")) {
        assertThat(store.read("a")).containsExactly(1);
      }
      assertThat(live.read("b")).containsExactly(2);
    } finally {
      live.close();
      abandoned.close();
    }
  }

  @Test
  void discard_deletesEveryObjectAndUploadOfTheSession() throws IOException {
    AtomicBoolean cut = new AtomicBoolean();
    List<String[]> calls = new ArrayList<>();
    // The connection drops as an upload completes, and its abort fails too: the upload is left to the store.
    SpillStore store = S3SpillStores.open(dying(new SyncObjectOps(s3().client(), false), cut, calls,
        (method, args) -> method.equals("completeMultipart") && ((String) args[1]).endsWith("v/k-larger")),
        settings().build(), "dropped");
    store.write("a", ByteBuffer.wrap(new byte[] {1}));
    store.write("long" + "%".repeat(100), ByteBuffer.wrap(new byte[] {2}));
    store.write("large", ByteBuffer.wrap(randomBytes(7 * MiB, 21)));
    assertThatThrownBy(() -> store.write("larger", ByteBuffer.wrap(randomBytes(8 * MiB, 22))))
        .isInstanceOf(IOException.class);
    cut.set(false);
    String unfinished = lastUpload(calls, "v/k-larger");
    assertThat(count(calls, "abortMultipart", unfinished)).as("aborts sent while connected").isZero();
    if (listsUploads()) {
      assertThat(uploads(folder("dropped"))).as("the upload whose abort failed").contains(unfinished);
    }

    store.discard();
    store.discard(); // idempotent

    assertThat(objectKeys(folder("dropped"))).isEmpty();
    assertThat(count(calls, "abortMultipart", unfinished)).as("discard aborted the upload").isPositive();
    assertThat(uploads(folder("dropped"))).as("unfinished uploads after discard").isEmpty();
    assertThatThrownBy(() -> store.list()).isInstanceOf(IllegalStateException.class);
    try (SpillStore next = open("dropped")) {
      assertThat(next.list()).isEmpty();
      assertThat(next.usage()).isZero();
    }
  }

  @Test
  void provider_withPersistentSession_takesItOverAndSaysItSupportsThem() throws IOException {
    S3SpillStoreProvider provider = new S3SpillStoreProvider();
    SpillConfig config = s3().server().options(SpillConfig.builder(), BUCKET).option(S3StoreSettings.PREFIX, prefix)
        .option(S3StoreSettings.LEASE_REFRESH, "250ms").option(S3StoreSettings.LEASE_TIMEOUT, "4s")
        .persistentSession("by-config").build();
    assertThat(provider.supportsPersistentSessions()).isTrue();
    URI at;
    try (SpillStore store = provider.create(config)) {
      at = store.write("k", ByteBuffer.wrap("value".getBytes(UTF_8)));
    }
    try (SpillStore store = provider.create(config)) {
      assertThat(store.read("k")).isEqualTo("value".getBytes(UTF_8));
      assertThat(store.location("k")).isEqualTo(at);
      assertThat(at.toString()).isEqualTo("s3://" + BUCKET + "/" + folder("by-config") + "v/k-k");
    }
  }

  @Test
  void createPersistent_invalidSessionName_failsBeforeAnyRequest() {
    assertThatThrownBy(() -> S3SpillStores.createPersistent(s3().client(), settings().build(), "../up"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("persistentSession");
  }

  /** A call of {@link ObjectOps} by name and arguments. */
  interface Call {
    boolean test(String method, Object[] args);
  }

  /**
   * {@code real} until {@code dieAt} first matches a call or {@code dead} is set: from then on every call fails as
   * if the process had died (nothing reaches the server) until {@code dead} is cleared. Each multipart upload
   * created, and each abort asked for while alive, is added to {@code calls} as the method, the object key and the
   * upload id.
   */
  static ObjectOps dying(ObjectOps real, AtomicBoolean dead, List<String[]> calls, Call dieAt) {
    AtomicBoolean died = new AtomicBoolean();
    return (ObjectOps) Proxy.newProxyInstance(ObjectOps.class.getClassLoader(), new Class<?>[] {ObjectOps.class},
        (proxy, method, args) -> {
          Object[] arguments = args != null ? args : new Object[0];
          if (!died.get() && dieAt.test(method.getName(), arguments) && died.compareAndSet(false, true)) {
            dead.set(true);
          }
          if (dead.get() && !method.getName().equals("close")) {
            throw SdkClientException.create("test: the owner is dead");
          }
          String name = method.getName();
          if (name.equals("abortMultipart")) {
            // Asked for, whatever the server answers: s3rver cannot abort uploads at all (405).
            synchronized (calls) {
              calls.add(new String[] {name, (String) arguments[1], (String) arguments[2]});
            }
          }
          Object result;
          try {
            result = method.invoke(real, arguments);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (name.equals("createMultipart")) {
            synchronized (calls) {
              calls.add(new String[] {name, (String) arguments[1], (String) result});
            }
          }
          return result;
        });
  }
}
