package io.spillway.testkit;

import static io.spillway.testkit.StoreTestData.concat;
import static io.spillway.testkit.StoreTestData.printable;
import static io.spillway.testkit.StoreTestData.randomBytes;
import static io.spillway.testkit.StoreTestData.readFully;
import static io.spillway.testkit.StoreTestData.regularFilesUnder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.api.SegmentNames;
import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link SpillStore} must show, as an abstract JUnit 5 suite. A store passes it when the core
 * can rely on it: values round-trip byte for byte, writes replace atomically, missing keys are reported as
 * {@link NoSuchFileException}, {@code list()} and {@code usage()} are exact, any valid segment name is a usable key
 * that cannot escape the store's area, sessions are private to each other, and {@code close()} removes what the
 * session stored.
 *
 * <h2>Using it for your own store</h2>
 * Add {@code io.spillway:spill-testkit} with test scope (it brings JUnit Jupiter and AssertJ), then extend this
 * class and tell it how to open your store:
 *
 * <pre>{@code
 * class MyStoreContractTest extends SpillStoreContractTest {
 *   @Override
 *   protected SpillStore newStore(SpillConfig config) throws IOException {
 *     return new MyStoreProvider().create(config);
 *   }
 *
 *   @Override
 *   protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
 *     return builder.option("my.endpoint", server.url());   // settings your store needs
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh temporary directory as {@link SpillConfig#spillDir()} (see {@link #spillDir()}); local
 * stores keep their data under it, and the suite checks that nothing is ever created beside it. Stores opened
 * through {@link #openStore()} are closed after each test. A store that keeps its data elsewhere (an object store)
 * should override {@link #assertNothingLeftAfterClose(SpillConfig)} to look where it writes.
 *
 * <h2>What it checks</h2>
 * <ul>
 *   <li>round trips through {@code read} and {@code openRead} (size, content, seeking), with one chunk, several,
 *       thousands of tiny ones, buffers at a non-zero position, read-only and direct buffers (which must be
 *       consumed), empty values, and a value of {@value #LARGE_VALUE_BYTES} bytes streamed back and compared
 *       without a second copy in memory;</li>
 *   <li>replacing, deleting ({@code true} then {@code false}), and {@link NoSuchFileException} for missing keys;</li>
 *   <li>{@code list()} exactly the live keys and {@code usage()} exactly the sum of their lengths;</li>
 *   <li>hostile keys &mdash; {@code ../x}, {@code /etc/passwd}, {@code a/b}, {@code ..}, {@code CON}, backslashes,
 *       NUL, newlines, emoji, 1024-byte names, names differing only in case, names that look like a store's own
 *       files &mdash; each round-trips, is listed exactly, and creates nothing outside the spill directory (keys
 *       whose misuse as a path would land beside it are written first, so that a store treating keys as paths
 *       fails there before it is given {@code /etc/passwd});</li>
 *   <li>two stores from one configuration keep to themselves, closing one leaves the other's data, and
 *       {@code close()} deletes the session's data, is idempotent and makes other methods throw
 *       {@link IllegalStateException};</li>
 *   <li>concurrent writes, reads, replaces and deletes of different keys from several threads.</li>
 * </ul>
 *
 * <p>Test methods are package-private, as JUnit 5 allows; they run in your subclass like its own. They do not
 * depend on each other and may run in any order or in parallel, since each test has its own directory and stores.
 */
public abstract class SpillStoreContractTest {

  /** Size of the value in {@code write_largeValue_roundTripsWithoutCorruption}: {@value} bytes (256 MiB). */
  public static final long LARGE_VALUE_BYTES = 256L * 1024 * 1024;

  private static final String SPILL_DIR_NAME = "spill";

  private @Nullable Path root;
  private final List<SpillStore> opened = new ArrayList<>();

  /** For subclasses: the test engine creates one instance of your subclass per test. */
  protected SpillStoreContractTest() {}

  /**
   * Opens a new store session for {@code config}. Called once or more per test; every call must return a new,
   * independent session, as {@link io.spillway.api.spi.SpillStoreProvider#create} does.
   */
  protected abstract SpillStore newStore(SpillConfig config) throws IOException;

  /**
   * Adds the settings the store needs to {@code builder}, which already holds {@link #spillDir()}. The default
   * returns it unchanged.
   */
  protected SpillConfig.Builder configure(SpillConfig.Builder builder) {
    return builder;
  }

  /**
   * Asserts that a closed session left none of its data behind. Called after {@code close()} while no other store
   * of the test is open. The default checks that no regular file remains under {@link #spillDir()}: override it for
   * a store that keeps its data elsewhere.
   */
  protected void assertNothingLeftAfterClose(SpillConfig config) throws IOException {
    assertThat(regularFilesUnder(config.spillDir()))
        .as("files left under %s after close()", config.spillDir())
        .isEmpty();
  }

  @BeforeEach
  final void createSpillDir(@TempDir Path tempDir) {
    root = tempDir;
  }

  @AfterEach
  final void closeOpenedStores() throws IOException {
    @Nullable IOException failure = null;
    for (SpillStore store : opened) {
      try {
        store.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** The spill directory of this test: a folder in a fresh temporary directory, not created in advance. */
  protected final Path spillDir() {
    return root().resolve(SPILL_DIR_NAME);
  }

  /** The configuration stores of this test are opened with: {@link #spillDir()} plus {@link #configure}. */
  protected final SpillConfig config() {
    return configure(SpillConfig.builder().spillDir(spillDir())).build();
  }

  /** A new store for {@link #config()}, closed after the test. */
  protected final SpillStore openStore() throws IOException {
    SpillStore store = newStore(config());
    assertThat(store).as("newStore(config)").isNotNull();
    opened.add(store);
    return store;
  }

  private HostileKeys.Containment containment() {
    return new HostileKeys.Containment(root(), SPILL_DIR_NAME);
  }

  private Path root() {
    if (root == null) {
      throw new IllegalStateException("spillDir() is available only while a test runs");
    }
    return root;
  }

  // ---------------------------------------------------------------------------------------------- round trips

  @Test
  void write_thenRead_returnsSameBytes() throws IOException {
    SpillStore store = openStore();
    byte[] value = randomBytes(10_000, 1);

    URI location = store.write("segment", ByteBuffer.wrap(value));

    assertThat(location).as("location returned by write").isNotNull();
    assertThat(store.read("segment")).isEqualTo(value);
  }

  @Test
  void openRead_afterWrite_hasStoredSizeAndContentFromStart() throws IOException {
    SpillStore store = openStore();
    byte[] value = randomBytes(70_001, 2);
    store.write("segment", ByteBuffer.wrap(value));

    try (SeekableByteChannel channel = store.openRead("segment")) {
      assertThat(channel.size()).isEqualTo(value.length);
      assertThat(channel.position()).isZero();
      assertThat(readFully(channel)).isEqualTo(value);
    }
    try (SeekableByteChannel channel = store.openRead("segment")) {
      channel.position(12_345);
      assertThat(readFully(channel)).isEqualTo(Arrays.copyOfRange(value, 12_345, value.length));
    }
  }

  @Test
  void write_severalChunks_storesTheirConcatenation() throws IOException {
    SpillStore store = openStore();
    byte[] value = randomBytes(300_000, 3);
    List<ByteBuffer> chunks = new ArrayList<>();
    int offset = 0;
    for (int size : new int[] {0, 1, 7, 4096, 0, 65_536, 123_457, 1}) {
      chunks.add(ByteBuffer.wrap(value, offset, size).slice());
      offset += size;
    }
    chunks.add(ByteBuffer.wrap(value, offset, value.length - offset).slice());

    store.write("chunked", chunks.toArray(ByteBuffer[]::new));

    assertThat(store.read("chunked")).isEqualTo(value);
  }

  @Test
  void write_manySmallChunks_storesTheirConcatenation() throws IOException {
    SpillStore store = openStore();
    byte[] value = randomBytes(5_000 * 3, 4);
    ByteBuffer[] chunks = new ByteBuffer[5_000];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = ByteBuffer.wrap(value, i * 3, 3).slice();
    }

    store.write("many", chunks);

    assertThat(store.read("many")).isEqualTo(value);
  }

  @Test
  void write_buffersWithNonZeroPosition_storesOnlyRemainingBytesAndConsumesThem() throws IOException {
    SpillStore store = openStore();
    byte[] backing = randomBytes(1_000, 5);
    ByteBuffer heap = ByteBuffer.wrap(backing, 100, 50);
    ByteBuffer readOnly = ByteBuffer.wrap(backing).position(300).limit(420).asReadOnlyBuffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(64);
    direct.put(backing, 500, 64).flip().position(10);

    store.write("positioned", heap, readOnly, direct);

    byte[] expected = concat(
        Arrays.copyOfRange(backing, 100, 150),
        Arrays.copyOfRange(backing, 300, 420),
        Arrays.copyOfRange(backing, 510, 564));
    assertThat(store.read("positioned")).isEqualTo(expected);
    assertThat(heap.hasRemaining()).as("heap buffer consumed").isFalse();
    assertThat(readOnly.hasRemaining()).as("read-only buffer consumed").isFalse();
    assertThat(direct.hasRemaining()).as("direct buffer consumed").isFalse();
  }

  @Test
  void write_emptyValue_roundTrips() throws IOException {
    SpillStore store = openStore();

    store.write("no-chunks");
    store.write("empty-chunk", ByteBuffer.allocate(0));

    assertThat(store.read("no-chunks")).isEmpty();
    assertThat(store.read("empty-chunk")).isEmpty();
    try (SeekableByteChannel channel = store.openRead("empty-chunk")) {
      assertThat(channel.size()).isZero();
      assertThat(channel.read(ByteBuffer.allocate(8))).isEqualTo(-1);
    }
    assertThat(store.list()).containsExactlyInAnyOrder("no-chunks", "empty-chunk");
    assertThat(store.usage()).isZero();
  }

  @Test
  void write_largeValue_roundTripsWithoutCorruption() throws IOException {
    SpillStore store = openStore();
    LargeValue large = new LargeValue(LARGE_VALUE_BYTES);

    store.write("large", large.chunks());

    assertThat(store.usage()).isEqualTo(LARGE_VALUE_BYTES);
    try (SeekableByteChannel channel = store.openRead("large")) {
      assertThat(channel.size()).isEqualTo(LARGE_VALUE_BYTES);
      large.assertMatches(channel);
    }
  }

  // ---------------------------------------------------------------------------------- replace, delete, missing

  @Test
  void write_existingKey_replacesValue() throws IOException {
    SpillStore store = openStore();
    store.write("segment", ByteBuffer.wrap(randomBytes(50_000, 6)));
    byte[] shorter = randomBytes(1_234, 7);

    store.write("segment", ByteBuffer.wrap(shorter));

    assertThat(store.read("segment")).isEqualTo(shorter);
    try (SeekableByteChannel channel = store.openRead("segment")) {
      assertThat(channel.size()).isEqualTo(shorter.length);
    }
    assertThat(store.list()).containsExactly("segment");
    assertThat(store.usage()).isEqualTo(shorter.length);
  }

  @Test
  void delete_existingKey_returnsTrueThenFalse() throws IOException {
    SpillStore store = openStore();
    store.write("segment", ByteBuffer.wrap(randomBytes(100, 8)));

    assertThat(store.delete("segment")).as("first delete").isTrue();
    assertThat(store.delete("segment")).as("second delete").isFalse();
    assertThatThrownBy(() -> store.read("segment")).isInstanceOf(NoSuchFileException.class);
    assertThat(store.list()).isEmpty();
  }

  @Test
  void delete_neverWrittenKey_returnsFalse() throws IOException {
    SpillStore store = openStore();
    store.write("other", ByteBuffer.wrap(randomBytes(10, 9)));

    assertThat(store.delete("missing")).isFalse();
    assertThat(store.list()).containsExactly("other");
  }

  @Test
  void read_missingKey_throwsNoSuchFileException() throws IOException {
    SpillStore store = openStore();
    store.write("present", ByteBuffer.wrap(randomBytes(10, 10)));

    assertThatThrownBy(() -> store.read("missing")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> store.openRead("missing")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> store.openRead("Present")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void write_afterDelete_storesNewValue() throws IOException {
    SpillStore store = openStore();
    store.write("segment", ByteBuffer.wrap(randomBytes(500, 11)));
    store.delete("segment");
    byte[] again = randomBytes(700, 12);

    store.write("segment", ByteBuffer.wrap(again));

    assertThat(store.read("segment")).isEqualTo(again);
    assertThat(store.usage()).isEqualTo(again.length);
  }

  // ------------------------------------------------------------------------------------------- list and usage

  @Test
  void list_returnsExactlyTheLiveKeys() throws IOException {
    SpillStore store = openStore();
    assertThat(store.list()).as("new store").isEmpty();
    store.write("a", ByteBuffer.wrap(randomBytes(10, 13)));
    store.write("b", ByteBuffer.wrap(randomBytes(20, 14)));
    store.write("c", ByteBuffer.wrap(randomBytes(30, 15)));
    store.delete("b");
    store.write("c", ByteBuffer.wrap(randomBytes(5, 16)));

    assertThat(store.list()).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void usage_growsByWrittenLengthAndFallsAfterDelete() throws IOException {
    SpillStore store = openStore();
    assertThat(store.usage()).as("new store").isZero();

    store.write("a", ByteBuffer.wrap(randomBytes(1_000, 17)), ByteBuffer.wrap(randomBytes(24, 18)));
    assertThat(store.usage()).as("after writing a").isEqualTo(1_024);
    store.write("b", ByteBuffer.wrap(randomBytes(4_096, 19)));
    assertThat(store.usage()).as("after writing b").isEqualTo(5_120);
    store.write("a", ByteBuffer.wrap(randomBytes(10, 20)));
    assertThat(store.usage()).as("after replacing a").isEqualTo(4_106);
    store.delete("b");
    assertThat(store.usage()).as("after deleting b").isEqualTo(10);
    store.delete("b");
    assertThat(store.usage()).as("after deleting b again").isEqualTo(10);
    store.delete("a");
    assertThat(store.usage()).as("after deleting a").isZero();
  }

  // ----------------------------------------------------------------------------------------------- hostile keys

  static Stream<Arguments> namedHostileKeys() {
    return HostileKeys.all().map(key -> Arguments.of(Named.of("'" + printable(key) + "'", key)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("namedHostileKeys")
  void write_hostileKey_roundTripsInsideStoreArea(String key) throws IOException {
    SegmentNames.validate(key);
    SpillStore store = openStore();
    containment().writeCanariesAndAssertContained(store);
    byte[] value = HostileKeys.value(key);

    store.write(key, ByteBuffer.wrap(value));

    assertThat(store.read(key)).isEqualTo(value);
    assertThat(store.list()).contains(key);
    containment().assertNothingOutsideSpillDir();
    assertThat(store.delete(key)).isTrue();
    assertThatThrownBy(() -> store.read(key)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void list_allHostileKeysTogether_listsExactlyThemAndKeepsValuesApart() throws IOException {
    SpillStore store = openStore();
    containment().writeCanariesAndAssertContained(store);
    Set<String> keys = new HashSet<>();
    HostileKeys.all().forEach(keys::add);
    long total = store.usage();
    Set<String> expected = new HashSet<>(store.list());

    for (String key : keys) {
      byte[] value = HostileKeys.value(key);
      store.write(key, ByteBuffer.wrap(value));
      total += value.length;
    }
    expected.addAll(keys);

    assertThat(store.list()).containsExactlyInAnyOrderElementsOf(expected);
    for (String key : keys) {
      assertThat(store.read(key)).as("value of %s", printable(key)).isEqualTo(HostileKeys.value(key));
    }
    assertThat(store.usage()).isEqualTo(total);
    containment().assertNothingOutsideSpillDir();
  }

  // ---------------------------------------------------------------------------------------------- sessions

  @Test
  void storesFromSameConfig_doNotSeeEachOthersKeys() throws IOException {
    SpillStore first = openStore();
    SpillStore second = openStore();
    byte[] firstValue = randomBytes(100, 21);
    byte[] secondValue = randomBytes(200, 22);

    first.write("shared", ByteBuffer.wrap(firstValue));
    first.write("first-only", ByteBuffer.wrap(randomBytes(10, 23)));
    second.write("shared", ByteBuffer.wrap(secondValue));

    assertThat(first.list()).containsExactlyInAnyOrder("shared", "first-only");
    assertThat(second.list()).containsExactly("shared");
    assertThat(first.read("shared")).isEqualTo(firstValue);
    assertThat(second.read("shared")).isEqualTo(secondValue);
    assertThatThrownBy(() -> second.read("first-only")).isInstanceOf(NoSuchFileException.class);
    assertThat(second.delete("first-only")).isFalse();
    assertThat(first.read("first-only")).hasSize(10);
    assertThat(first.usage()).isEqualTo(110);
    assertThat(second.usage()).isEqualTo(200);
  }

  @Test
  void close_ofOneStore_keepsTheOtherStoresData() throws IOException {
    SpillStore first = openStore();
    SpillStore second = openStore();
    byte[] kept = randomBytes(300, 24);
    first.write("shared", ByteBuffer.wrap(randomBytes(100, 25)));
    second.write("shared", ByteBuffer.wrap(kept));

    first.close();

    assertThat(second.read("shared")).isEqualTo(kept);
    assertThat(second.list()).containsExactly("shared");
    assertThat(second.usage()).isEqualTo(kept.length);
  }

  @Test
  void close_deletesSessionDataAndIsIdempotent() throws IOException {
    SpillConfig config = config();
    SpillStore store = newStore(config);
    opened.add(store);
    store.write("a", ByteBuffer.wrap(randomBytes(1_000, 26)));
    store.write("b", ByteBuffer.wrap(randomBytes(2_000, 27)));

    store.close();
    store.close();

    assertNothingLeftAfterClose(config);
    SpillStore next = openStore();
    assertThat(next.list()).isEmpty();
    assertThat(next.usage()).isZero();
  }

  @Test
  void methods_afterClose_throwIllegalStateException() throws IOException {
    SpillStore store = openStore();
    store.write("a", ByteBuffer.wrap(randomBytes(10, 28)));
    store.close();

    assertThatThrownBy(() -> store.write("b", ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.openRead("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.read("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.delete("a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(store::list).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(store::usage).isInstanceOf(IllegalStateException.class);
  }

  // -------------------------------------------------------------------------------------------- concurrency

  @Test
  void concurrentOperations_onDifferentKeys_keepEveryValueAndExactUsage() throws Exception {
    SpillStore store = openStore();
    int threads = 8;
    int keysPerThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Map<String, byte[]>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Map<String, byte[]>> work = () -> {
          start.await();
          Map<String, byte[]> live = new HashMap<>();
          SplittableRandom random = new SplittableRandom(1_000 + thread);
          for (int k = 0; k < keysPerThread; k++) {
            String key = "t" + thread + "/k" + k;
            byte[] value = randomBytes(random.nextInt(0, 20_000), random.nextLong());
            int split = value.length / 2;
            store.write(key, ByteBuffer.wrap(value, 0, split), ByteBuffer.wrap(value, split, value.length - split));
            assertThat(store.read(key)).as("%s right after writing", key).isEqualTo(value);
            live.put(key, value);
            if (k % 3 == 0) {
              byte[] replacement = randomBytes(random.nextInt(0, 5_000), random.nextLong());
              store.write(key, ByteBuffer.wrap(replacement));
              live.put(key, replacement);
            }
            if (k % 4 == 1) {
              assertThat(store.delete(key)).as("delete %s", key).isTrue();
              live.remove(key);
            }
            store.usage();
            store.list();
          }
          return live;
        };
        results.add(pool.submit(work));
      }
      start.countDown();

      Map<String, byte[]> expected = new HashMap<>();
      for (Future<Map<String, byte[]>> result : results) {
        expected.putAll(result.get(2, TimeUnit.MINUTES));
      }
      assertThat(store.list()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      long total = 0;
      for (Map.Entry<String, byte[]> entry : expected.entrySet()) {
        assertThat(store.read(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
        total += entry.getValue().length;
      }
      assertThat(store.usage()).isEqualTo(total);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).as("worker threads ended").isTrue();
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers
}
