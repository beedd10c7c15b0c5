package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
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
final class S3rverServer implements S3TestServer {
  static final String PACKAGE = "s3rver@3.7.1";
  /** s3rver's fixed credentials. */
  static final String ACCESS_KEY = "S3RVER";
  static final String SECRET_KEY = "S3RVER";
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path root;
  private final Path data;
  private int port;
  private volatile Process process;

  /** Installs s3rver if needed and starts it, with no bucket. */
  S3rverServer() throws IOException, InterruptedException {
    this.root = Files.createTempDirectory("s3rver-");
    this.data = Files.createDirectories(root.resolve("data"));
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
   * to a log file beside the data folder, for a test that fails to read.
   */
  @Override
  public void start() throws IOException, InterruptedException {
    List<String> command = List.of("node", script().toString(), "-d", data.toString(), "-a", "127.0.0.1", "-p",
        Integer.toString(port));
    Path log = Files.createTempFile(root, "s3rver-", ".log");
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
  @Override
  public void stop() throws InterruptedException {
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

  /** Stops serving for good and deletes the data folder and the logs. */
  @Override
  public void shutdown() throws IOException, InterruptedException {
    stop();
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  @Override
  public void createBucket(String bucket) {
    try (S3Client client = client()) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }
}
