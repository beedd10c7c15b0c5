package io.spillway.bench;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full round of {@value #SEGMENTS} segments of {@value #SEGMENT_BYTES} bytes (by default; {@code -p segments=N
 * -p segmentBytes=B} for other shapes, {@code -p fileOptions=file.ownFileThreshold=0,...} for store options):
 * {@link SpillManager#spill} of each,
 * then {@link SpillManager#reload} of each, against the same bytes written with a raw {@link FileChannel}, read back
 * into a new array and deleted (as a reload does). Both write into sibling folders of one scratch folder, so both hit
 * the same file system; both run with the default configuration, in which nothing is fsynced.
 *
 * <p>The payloads ({@code -p payload=...}) are {@value #DISTINCT_PAYLOADS} distinct arrays used in turn, so that
 * the source data does not need a gigabyte of heap: {@code random} bytes (incompressible), {@code json} (JSON
 * records, as a cache of serialised objects holds: compressible text) or {@code graph} (a graph partition's
 * adjacency lists as little-endian ints: vertex degrees from a power law, sorted neighbour ids skewed to hubs). The
 * manager writes with {@code -p compression=none|auto|lz4|zstd}; the raw baseline never compresses, whatever the
 * parameter says. At the end of each iteration the bytes the process wrote per round ({@code wchar} of
 * {@code /proc/self/io}, every {@code write} call included) are printed as a {@code [bytes written]} line. Run by
 * {@link BenchmarkRunner}; JMH creates and drives instances.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SpillReloadBenchmark {
  /** Segments per round. */
  public static final int SEGMENTS = 256;
  /** Bytes per segment (4 MiB). */
  public static final int SEGMENT_BYTES = 4 << 20;
  static final int DISTINCT_PAYLOADS = 8;

  /** Segments per round. */
  @Param({"" + SEGMENTS})
  public int segments;

  /** Bytes per segment. */
  @Param({"" + SEGMENT_BYTES})
  public int segmentBytes;

  /** The manager's {@code file.*} store options, {@code key=value} pairs separated by commas; empty for none. */
  @Param({""})
  public String fileOptions = ""; // JMH sets every @Param before @Setup; the value here only keeps it non-null

  /** The payloads: {@code random}, {@code json} or {@code graph}. */
  @Param({"random", "json", "graph"})
  public String payload = "random";

  /** The manager's {@link SpillConfig.Builder#compression(String)}; ignored by the raw baseline. */
  @Param({"none", "auto", "lz4", "zstd"})
  public String compression = "none";

  /**
   * The manager's {@link SpillConfig.Builder#encryption(String)}: {@code -p encryption=aes-gcm}; raw never encrypts.
   */
  @Param({"none"})
  public String encryption = "none";

  private long rounds;
  private long writtenAtStart;

  private String[] names = new String[0];
  private final byte[][] payloads = new byte[DISTINCT_PAYLOADS][];
  private @Nullable Path scratch;
  private @Nullable Path rawDir;
  private @Nullable SpillManager manager;

  /** Creates the payloads, the folders and a manager holding every segment, resident. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < DISTINCT_PAYLOADS; i++) {
      payloads[i] = Payloads.of(payload, segmentBytes, random);
    }
    names = new String[segments];
    Path dir = BenchDirs.create("spill-bench-io-");
    scratch = dir;
    rawDir = Files.createDirectory(dir.resolve("raw"));
    SpillConfig.Builder config = SpillConfig.builder().spillDir(dir.resolve("spillway")).compression(compression)
        .encryption(encryption);
    for (String option : fileOptions.split(",")) {
      if (!option.isBlank()) {
        String[] pair = option.split("=", 2);
        config.option(pair[0].trim(), pair.length > 1 ? pair[1].trim() : "");
      }
    }
    SpillManager m = Spillway.newManager(config.build());
    for (int i = 0; i < segments; i++) {
      names[i] = "segment-" + i;
      m.registerSegment(names[i], segmentBytes);
    }
    manager = m;
  }

  /** Notes the process's bytes written so far. */
  @Setup(Level.Iteration)
  public void startCounting() {
    rounds = 0;
    writtenAtStart = Payloads.bytesWritten();
  }

  /** Prints the bytes written per round in this iteration. */
  @TearDown(Level.Iteration)
  public void report() {
    long written = Payloads.bytesWritten() - writtenAtStart;
    if (rounds > 0 && written >= 0) {
      System.out.printf("[bytes written] payload=%s compression=%s encryption=%s: %.1f MiB per round (%d rounds)%n",
          payload, compression, encryption, written / (double) rounds / (1 << 20), rounds);
    }
  }

  /** Closes the manager and deletes the scratch folder. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (manager != null) {
      manager.close();
    }
    if (scratch != null) {
      BenchDirs.deleteTree(scratch);
    }
  }

  /** Spills every segment, then reloads every one; all are resident again afterwards. */
  @Benchmark
  public long spillway() {
    SpillManager m = manager;
    if (m == null) {
      throw new IllegalStateException("not set up");
    }
    for (int i = 0; i < names.length; i++) {
      m.spill(names[i], payloads[i % DISTINCT_PAYLOADS]);
    }
    rounds++;
    long check = 0;
    for (int i = 0; i < names.length; i++) {
      byte[] back = m.reload(names[i]).orElseThrow();
      check += back.length + back[back.length - 1];
    }
    return check;
  }

  /** Writes every payload to its own file, then reads each back into a new array and deletes the file. */
  @Benchmark
  public long rawFileChannel() throws IOException {
    Path dir = rawDir;
    if (dir == null) {
      throw new IllegalStateException("not set up");
    }
    for (int i = 0; i < names.length; i++) {
      write(dir.resolve(names[i]), payloads[i % DISTINCT_PAYLOADS]);
    }
    rounds++;
    long check = 0;
    for (int i = 0; i < names.length; i++) {
      Path file = dir.resolve(names[i]);
      byte[] back = read(file);
      Files.delete(file);
      check += back.length + back[back.length - 1];
    }
    return check;
  }

  static void write(Path file, byte[] data) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }

  static byte[] read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(file + " is too large for an array: " + size + " bytes");
      }
      byte[] data = new byte[(int) size];
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new EOFException(file + " ended after " + buffer.position() + " of " + size + " bytes");
        }
      }
      return data;
    }
  }
}
