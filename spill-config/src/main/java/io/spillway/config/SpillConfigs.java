package io.spillway.config;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.config.Source.Entry;
import io.spillway.config.Source.Kind;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link SpillConfig.Builder} from a YAML, JSON or properties file, from {@code spillway.*} system
 * properties, from {@code SPILLWAY_*} environment variables, or from all three layered: the package documentation
 * ({@link io.spillway.config}) lists the keys, the value forms, the environment's spelling, the precedence and the
 * errors.
 *
 * <pre>{@code
 * SpillManager manager = Spillway.newManager(SpillConfigs.load(Path.of("/etc/my-app/spillway.yaml"))
 *     .listener(myListener)          // objects are given in code: a source cannot name them
 *     .build());
 * }</pre>
 *
 * <p>Each method reads its sources whole, checks every key and value, and returns a fresh builder holding the
 * settings they give (and nothing else), so that code can still add listeners, an executor, or settings the sources
 * leave unset; a setting the sources give cannot be given again ({@link SpillConfig.Builder} takes each once).
 * Nothing is read later: a changed file takes effect when read again. The valid option keys are those the plugins
 * on the class path declare ({@code optionKeys()} of the store, compression codec and key provider SPIs), found
 * with {@link java.util.ServiceLoader} through the thread's context class loader on every call.
 *
 * <p>Every failure is a {@link SpillConfigurationException} whose message starts with the source (the file's path as
 * given, {@code system properties}, {@code environment}) and names the key as that source spells it. Stateless and
 * thread-safe.
 */
public final class SpillConfigs {
  /** The system property naming the file {@link #load()} reads: {@value}. */
  public static final String CONFIG_FILE_PROPERTY = "spillway.configFile";
  /** The environment variable naming the file {@link #load()} reads, if the system property does not: {@value}. */
  public static final String CONFIG_FILE_VARIABLE = "SPILLWAY_CONFIG_FILE";
  /**
   * The environment variable that the core's {@code env} key provider reads the encryption key from by default:
   * {@value}. Never read as a setting, nor is the variable that option {@code encryption.keyVariable} names.
   */
  public static final String ENCRYPTION_KEY_VARIABLE = "SPILLWAY_ENCRYPTION_KEY";

  private static final String KEY_VARIABLE_OPTION = "encryption.keyVariable";

  private SpillConfigs() {}

  /**
   * The settings of a file, whose format its name's extension tells: {@code .yaml} or {@code .yml}, {@code .json},
   * {@code .properties} (in any case). UTF-8.
   *
   * @throws SpillConfigurationException if the file does not exist, cannot be read, has another extension, is
   *     empty or malformed (naming the line), or a key or value is wrong (naming the key)
   */
  public static SpillConfig.Builder fromFile(Path file) {
    return assemble(List.of(file(file)), known());
  }

  /** The settings of a YAML document (source {@code YAML text} in messages). See {@link #fromFile(Path)}. */
  public static SpillConfig.Builder fromYaml(String yaml) {
    return fromYaml(new StringReader(Objects.requireNonNull(yaml, "yaml")));
  }

  /** The settings of a YAML document, read to its end but not closed. See {@link #fromFile(Path)}. */
  public static SpillConfig.Builder fromYaml(Reader yaml) {
    return assemble(List.of(Documents.yaml(Objects.requireNonNull(yaml, "yaml"), "YAML text")), known());
  }

  /** The settings of a JSON object (source {@code JSON text} in messages). See {@link #fromFile(Path)}. */
  public static SpillConfig.Builder fromJson(String json) {
    return fromJson(new StringReader(Objects.requireNonNull(json, "json")));
  }

  /** The settings of a JSON object, read to its end but not closed. See {@link #fromFile(Path)}. */
  public static SpillConfig.Builder fromJson(Reader json) {
    return assemble(List.of(Documents.json(Objects.requireNonNull(json, "json"), "JSON text")), known());
  }

  /** The settings of properties text (source {@code properties text} in messages). See {@link #fromFile(Path)}. */
  public static SpillConfig.Builder fromProperties(String properties) {
    return fromProperties(new StringReader(Objects.requireNonNull(properties, "properties")));
  }

  /** The settings of properties text, read to its end but not closed. See {@link #fromFile(Path)}. */
  public static SpillConfig.Builder fromProperties(Reader properties) {
    return assemble(List.of(Documents.properties(Objects.requireNonNull(properties, "properties"),
        "properties text")), known());
  }

  /** The settings of this JVM's {@code spillway.*} system properties; see {@link #fromSystemProperties(Properties)}. */
  public static SpillConfig.Builder fromSystemProperties() {
    return fromSystemProperties(System.getProperties());
  }

  /**
   * The settings of the {@code spillway.*} entries of {@code properties} (with string values), for example
   * {@code -Dspillway.maxMemory=2g -Dspillway.s3.bucket=my-bucket}; {@value #CONFIG_FILE_PROPERTY} is not a setting
   * and is skipped. None is fine: the builder then holds the defaults.
   *
   * @throws SpillConfigurationException if a key or value is wrong (naming the property)
   */
  public static SpillConfig.Builder fromSystemProperties(Properties properties) {
    Objects.requireNonNull(properties, "properties");
    return assemble(List.of(Documents.systemProperties(properties, Set.of(CONFIG_FILE_PROPERTY))), known());
  }

  /** The settings of this process's {@code SPILLWAY_*} variables; see {@link #fromEnvironment(Map)}. */
  public static SpillConfig.Builder fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * The settings of the {@code SPILLWAY_*} variables of {@code environment} (a stand-in for {@link System#getenv()}),
   * for example {@code SPILLWAY_MAX_MEMORY=2g}, {@code SPILLWAY_S3_BUCKET=my-bucket}; the key file and encryption key
   * variables are skipped (see {@link #ENCRYPTION_KEY_VARIABLE}). None is fine: the builder then holds the defaults.
   *
   * @throws SpillConfigurationException if a variable maps to no key, or a value is wrong (naming the variable)
   */
  public static SpillConfig.Builder fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    KnownKeys known = known();
    return assemble(List.of(environment(environment, known, List.of())), known);
  }

  /**
   * The layered settings of this process: the file named by system property {@value #CONFIG_FILE_PROPERTY} or else
   * by environment variable {@value #CONFIG_FILE_VARIABLE} (none if neither is set), under the environment, under
   * the system properties. See {@link #load(Path, Properties, Map)}.
   */
  public static SpillConfig.Builder load() {
    Properties properties = System.getProperties();
    Map<String, String> environment = System.getenv();
    String named = properties.getProperty(CONFIG_FILE_PROPERTY, environment.get(CONFIG_FILE_VARIABLE));
    return load(named == null || named.isBlank() ? null : Path.of(named.strip()), properties, environment);
  }

  /** The layered settings of {@code file}, this process's environment and its system properties. */
  public static SpillConfig.Builder load(Path file) {
    return load(Objects.requireNonNull(file, "file"), System.getProperties(), System.getenv());
  }

  /**
   * The layered settings of {@code file} (if not null), {@code environment} and {@code systemProperties}: each
   * source is checked whole on its own, then a key given by several takes the value of the highest, where the
   * file is lowest and the system properties highest ({@code spillDir} and {@code spillDirs} count as one key: the
   * higher source's replaces the lower's). A combination that no single source gives can still fail (frame version
   * 2 from the file and compression from the environment, say): the message then names the sources.
   *
   * @throws SpillConfigurationException as the single-source methods do
   */
  public static SpillConfig.Builder load(@Nullable Path file, Properties systemProperties,
      Map<String, String> environment) {
    Objects.requireNonNull(systemProperties, "systemProperties");
    Objects.requireNonNull(environment, "environment");
    KnownKeys known = known();
    Source fromFile = file == null ? null : file(file);
    Source properties = Documents.systemProperties(systemProperties, Set.of(CONFIG_FILE_PROPERTY));
    List<Source> layers = new ArrayList<>();
    if (fromFile != null) {
      layers.add(fromFile);
    }
    layers.add(environment(environment, known, Arrays.asList(fromFile, properties)));
    layers.add(properties);
    return assemble(layers, known);
  }

  private static KnownKeys known() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return KnownKeys.discover(loader != null ? loader : SpillConfigs.class.getClassLoader());
  }

  private static Source file(Path file) {
    Objects.requireNonNull(file, "file");
    String name = file.toString();
    Path fileName = file.getFileName();
    String lower = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    Function<Reader, Source> parse;
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      parse = r -> Documents.yaml(r, name);
    } else if (lower.endsWith(".json")) {
      parse = r -> Documents.json(r, name);
    } else if (lower.endsWith(".properties")) {
      parse = r -> Documents.properties(r, name);
    } else {
      throw new SpillConfigurationException(name + ": unknown format; name the file *.yaml, *.yml, *.json or "
          + "*.properties");
    }
    if (Files.isDirectory(file)) {
      throw new SpillConfigurationException(name + ": a directory, not a config file");
    }
    if (!Files.exists(file)) {
      throw new SpillConfigurationException(name + ": no such config file (absolute: " + file.toAbsolutePath()
          + ")");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse.apply(reader);
    } catch (IOException e) {
      throw new SpillConfigurationException(name + ": could not be read: " + e, e);
    }
  }

  /**
   * The environment's source, skipping the variables that hold an encryption key rather than a setting: the default
   * one and the one {@code encryption.keyVariable} names in {@code others} or in the environment itself.
   */
  private static Source environment(Map<String, String> environment, KnownKeys known, List<@Nullable Source> others) {
    Set<String> ignored = new LinkedHashSet<>(List.of(CONFIG_FILE_VARIABLE, ENCRYPTION_KEY_VARIABLE));
    String own = environment.get(KnownKeys.environmentName(KEY_VARIABLE_OPTION));
    if (own != null) {
      ignored.add(own.strip());
    }
    for (Source other : others) {
      if (other != null) {
        for (Entry entry : other.entries()) {
          if (entry.key().equals(KEY_VARIABLE_OPTION) && entry.value().kind() != Kind.LIST) {
            ignored.add(entry.value().text().strip());
          }
        }
      }
    }
    return Documents.environment(environment, known, ignored);
  }

  /** Checks each source alone, then applies them, lowest first, to a new builder; see {@link #load}. */
  private static SpillConfig.Builder assemble(List<Source> sources, KnownKeys known) {
    Map<String, Applied> merged = new LinkedHashMap<>();
    for (Source source : sources) {
      SpillConfig.Builder alone = SpillConfig.builder();
      for (Entry entry : source.entries()) {
        Apply.one(source, entry, alone, known);
      }
      trialBuild(alone, source.name());
      for (Entry entry : source.entries()) {
        if (entry.key().equals("spillDir") || entry.key().equals("spillDirs")) {
          merged.remove("spillDir");
          merged.remove("spillDirs");
        }
        merged.remove(entry.key());
        merged.put(entry.key(), new Applied(source, entry));
      }
    }
    SpillConfig.Builder result = SpillConfig.builder();
    SpillConfig.Builder trial = SpillConfig.builder();
    Set<String> contributing = new LinkedHashSet<>();
    for (Applied applied : merged.values()) {
      Apply.one(applied.source(), applied.entry(), result, known);
      Apply.one(applied.source(), applied.entry(), trial, known);
      contributing.add(applied.source().name());
    }
    trialBuild(trial, String.join(", ", contributing));
    return result;
  }

  private static void trialBuild(SpillConfig.Builder builder, String sources) {
    try {
      builder.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new SpillConfigurationException(sources + ": the settings do not go together: " + e.getMessage(), e);
    }
  }

  private record Applied(Source source, Entry entry) {}
}
