package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3rver, an S3-compatible server written for Node.js and independent of S3Proxy, run as a child process on
 * 127.0.0.1 over a data folder of its own. It is installed from npm ({@value #PACKAGE}) into the build folder on
 * first use (the folder named by the {@code s3rver.home} system property, {@code target/s3rver} by default), so a
 * fresh machine needs Node.js and npm and nothing else. Unlike S3Proxy it keeps the {@code aws-chunked} framing of
 * uploads inside the objects, which is what the store's probe and write checks are tested against.
 *
 * <p>Never skips: a machine without Node.js, npm or the registry fails the tests that use it, naming what is missing.
 * Not thread-safe; one per test class.
 */
final class S3rverServer {
  static final String PACKAGE = "s3rver@3.7.1";
  /** s3rver's fixed credentials. */
  static final String ACCESS_KEY = "S3RVER";
  static final String SECRET_KEY = "S3RVER";
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path data;
  private final List<String> buckets;
  private int port;
  private volatile Process process;

  /** Installs s3rver if needed and starts it with {@code buckets} created. */
  S3rverServer(String... buckets) throws IOException, InterruptedException {
    this.data = Files.createTempDirectory("s3rver-data-");
    this.buckets = List.of(buckets);
    // A JVM that dies in a test must not leave a server running.
    Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "s3rver-stop"));
    start();
  }

  /** The script that runs s3rver, installed into the build folder first if it is not there. */
  static Path script() throws IOException, InterruptedException {
    Path home = Path.of(System.getProperty("s3rver.home", "target/s3rver")).toAbsolutePath();
    Path script = home.resolve("node_modules/s3rver/bin/s3rver.js");
    Files.createDirectories(home);
    // Another JVM of the same build (Surefire, then Failsafe) may be installing it at the same moment.
    try (FileChannel lockFile = FileChannel.open(home.resolve(".install.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock lock = lockFile.lock();
      try {
        if (!Files.isRegularFile(script)) {
          run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", home.toString(),
              PACKAGE), INSTALL_TIMEOUT, "install " + PACKAGE + " from npm into " + home);
        }
      } finally {
        lock.release();
      }
    }
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("npm installed " + PACKAGE + " into " + home + " but " + script
          + " is missing");
    }
    return script;
  }

  private static void run(List<String> command, Duration timeout, String what) throws IOException,
      InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("Could not " + what + ": '" + command.get(0) + "' cannot be started (" + e
          + "). The s3rver tests need Node.js and npm on the PATH.", e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p));
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("Could not " + what + " within " + timeout);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("Could not " + what + " (exit " + p.exitValue() + "): " + output.join());
    }
  }

  private static String readAll(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts serving the data folder, on the port of the previous start if there was one. The server's output goes
   * to {@code s3rver-<port>.log} beside the data folder, for a test that fails to read.
   */
  void start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script().toString(), "-d", data.toString(),
        "-a", "127.0.0.1", "-p", Integer.toString(port)));
    for (String bucket : buckets) {
      command.add("--configure-bucket");
      command.add(bucket);
    }
    Path log = Files.createTempFile(data.getParent(), "s3rver-", ".log");
    Process started = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      Matcher m = LISTENING.matcher(Files.readString(log, UTF_8));
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
        process = started;
        return;
      }
      if (!started.isAlive() || System.nanoTime() > deadline) {
        started.destroyForcibly();
        throw new IllegalStateException("s3rver did not start within " + START_TIMEOUT + " (" + String.join(" ",
            command) + "): " + Files.readString(log, UTF_8));
      }
      Thread.sleep(20);
    }
  }

  /** Stops serving (the process ends); the objects stay in the data folder for {@link #start()}. */
  void stop() throws InterruptedException {
    kill();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  private void kill() {
    Process p = process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** Stops serving for good and deletes the data folder. */
  void shutdown() throws IOException, InterruptedException {
    stop();
    try (var paths = Files.walk(data)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Settings for {@code bucket} on this server: its credentials, short timeouts and few retries so that fault tests
   * end quickly, and otherwise the store's defaults (chunked encoding on, which this server mishandles).
   */
  S3StoreSettings.Builder settings(String bucket) {
    return S3StoreSettings.builder(bucket)
        .endpoint(endpoint())
        .region("us-east-1")
        .credentials(ACCESS_KEY, SECRET_KEY, null)
        .maxAttempts(2)
        .retryBaseDelay(Duration.ofMillis(20))
        .retryMaxDelay(Duration.ofMillis(100))
        .connectionTimeout(Duration.ofSeconds(2))
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofSeconds(40));
  }

  /** The same settings as {@link SpillConfig} options. */
  SpillConfig.Builder options(SpillConfig.Builder builder, String bucket) {
    return builder
        .option(S3StoreSettings.BUCKET, bucket)
        .option(S3StoreSettings.ENDPOINT, endpoint().toString())
        .option(S3StoreSettings.REGION, "us-east-1")
        .option(S3StoreSettings.ACCESS_KEY_ID, ACCESS_KEY)
        .option(S3StoreSettings.SECRET_ACCESS_KEY, SECRET_KEY)
        .option(S3StoreSettings.MAX_ATTEMPTS, "2")
        .option(S3StoreSettings.RETRY_BASE_DELAY, "20ms")
        .option(S3StoreSettings.RETRY_MAX_DELAY, "100ms")
        .option(S3StoreSettings.CONNECTION_TIMEOUT, "2s");
  }

  /** A client of the test's own, with chunked encoding off so that what it uploads is stored as sent. */
  S3Client client() {
    return S3SpillStores.newClient(settings("unused").chunkedEncoding(false).build());
  }
}
