package io.spillway.cli;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillKeyProvider;
import io.spillway.api.spi.SpillStoreInspector;
import io.spillway.api.spi.SpillStoreProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the sessions are, as options every subcommand takes: spill directories (the {@code file} store) or an S3
 * bucket and prefix (the {@code s3} store), turned into the {@link SpillConfig} a manager of that location would
 * have, and the inspector its store provider opens on it. The tool knows no store's layout: it asks the provider.
 *
 * <p>Not thread-safe (picocli fills it). Internal, may change.
 */
final class Location {
  /** The key options' names, as the bundled {@code key-file} provider reads them. */
  static final String KEY_FILE_PROVIDER = "key-file";
  static final String KEY_FILE_OPTION = "encryption.keyFile";

  @Spec(Spec.Target.MIXEE)
  @Nullable CommandSpec spec;

  @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
      description = "A spill directory (spillDir); repeat it for a session spread over several (spillDirs).")
  List<Path> dirs = new ArrayList<>();

  @Option(names = "--store", paramLabel = "NAME",
      description = "The store provider to ask: 'file' with directories, 's3' with --s3-bucket (the defaults).")
  @Nullable String store;

  @Option(names = "--s3-bucket", paramLabel = "BUCKET", description = "The bucket (option s3.bucket).")
  @Nullable String bucket;

  @Option(names = "--s3-prefix", paramLabel = "PREFIX",
      description = "The key prefix the sessions live under (s3.prefix, default 'spillway').")
  @Nullable String prefix;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "The endpoint of an S3-compatible server (s3.endpoint); omit for AWS S3.")
  @Nullable String endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION", description = "The region (s3.region).")
  @Nullable String region;

  @Option(names = "--s3-path-style", paramLabel = "BOOLEAN", arity = "0..1", fallbackValue = "true",
      description = "Path-style requests (s3.pathStyle; default: on with --s3-endpoint).")
  @Nullable Boolean pathStyle;

  @Option(names = "--s3-access-key-id", paramLabel = "ID",
      description = "A static access key id (s3.accessKeyId); without it the AWS default chain (AWS_ACCESS_KEY_ID, "
          + "profiles, instance roles) is used.")
  @Nullable String accessKeyId;

  @Option(names = "--s3-secret-access-key", paramLabel = "SECRET",
      description = "The secret of --s3-access-key-id (s3.secretAccessKey).")
  @Nullable String secretAccessKey;

  @Option(names = "--s3-lease-timeout", paramLabel = "DURATION",
      description = "How long after its newest write a session counts as dead (s3.leaseTimeout, default 10m): give "
          + "the owners' own setting.")
  @Nullable String leaseTimeout;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "The key file of persistent sessions' encrypted frames (key provider 'key-file'), so that they "
          + "are verified too; without a key they are reported as encrypted, not verified.")
  @Nullable Path keyFile;

  @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
      description = "Any other store or key option, as in SpillConfig.option (s3.maxAttempts=2, "
          + "encryption.keyProvider=env, ...).")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--verbose", description = "Print the stack trace of an error.")
  boolean verbose;

  /**
   * The configuration of the location given, with {@code positional} directories added to {@code --dir}.
   *
   * @throws ParameterException if no location, or two kinds at once, were given
   */
  SpillConfig config(List<Path> positional) {
    List<Path> all = new ArrayList<>(dirs);
    all.addAll(positional);
    String name = store != null ? store : bucket != null ? "s3" : "file";
    SpillConfig.Builder builder = SpillConfig.builder().store(name);
    if (bucket != null && !all.isEmpty()) {
      throw usage("Give spill directories or --s3-bucket, not both");
    }
    if (name.equals("file") && all.isEmpty()) {
      throw usage("Give a spill directory (DIR or --dir DIR), or an S3 location (--s3-bucket)");
    }
    if (!all.isEmpty()) {
      builder.spillDirs(all.toArray(Path[]::new));
    }
    Map<String, String> given = new LinkedHashMap<>();
    put(given, "s3.bucket", bucket);
    put(given, "s3.prefix", prefix);
    put(given, "s3.endpoint", endpoint);
    put(given, "s3.region", region);
    put(given, "s3.pathStyle", pathStyle == null ? null : pathStyle.toString());
    put(given, "s3.accessKeyId", accessKeyId);
    put(given, "s3.secretAccessKey", secretAccessKey);
    put(given, "s3.leaseTimeout", leaseTimeout);
    if (given.containsKey("s3.leaseTimeout") && !options.containsKey("s3.leaseRefresh")) {
      // The inspector renews no lease; the store only insists that a timeout be at least twice the refresh.
      given.put("s3.leaseRefresh", "1ms");
    }
    if (keyFile != null) {
      given.put(SpillKeyProvider.OPTION, KEY_FILE_PROVIDER);
      given.put(KEY_FILE_OPTION, keyFile.toString());
    }
    given.putAll(options);
    given.forEach(builder::option);
    return builder.build();
  }

  private static void put(Map<String, String> options, String key, @Nullable String value) {
    if (value != null) {
      options.put(key, value);
    }
  }

  /**
   * Opens the inspector of the location's store.
   *
   * @throws ParameterException if no store of that name is on the class path
   * @throws IOException if the location cannot be reached
   */
  SpillStoreInspector open(SpillConfig config) throws IOException {
    String wanted = config.store().orElse("file");
    List<String> found = new ArrayList<>();
    for (SpillStoreProvider provider : ServiceLoader.load(SpillStoreProvider.class)) {
      found.add(provider.name());
      if (provider.name().equals(wanted)) {
        return provider.inspect(config);
      }
    }
    throw usage("No store named '" + wanted + "' on the class path (found: " + String.join(", ", found) + ")");
  }

  private ParameterException usage(String message) {
    CommandSpec command = spec;
    if (command == null) {
      throw new IllegalStateException("picocli did not inject the command spec");
    }
    return new ParameterException(command.commandLine(), message);
  }
}
