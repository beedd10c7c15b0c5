package io.spillway.core;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.CompressionCodec;
import io.spillway.api.spi.CompressionCodecProvider;
import io.spillway.core.internal.ServiceProviders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compression codecs found on a class path, looked up by name (to write frames) or by id (to read them).
 *
 * <pre>{@code
 * CompressionCodecs codecs = CompressionCodecs.load(config);
 * CompressionCodec forNewFrames = codecs.byName("zstd");
 * CompressionCodec forAFrame = codecs.byId(1);
 * }</pre>
 *
 * <p>Each {@link #load} runs {@link ServiceLoader} afresh over {@link CompressionCodecProvider}s and calls each
 * provider's {@code create(config)} once; nothing is cached between loads. The names {@value #NONE} and
 * {@value #AUTO} are not codecs and cannot be claimed by one.
 *
 * <p><b>Broken plugins</b> &mdash; a provider that cannot be loaded, or whose {@code name()}, {@code priority()} or
 * {@code create(config)} throws, or whose codec has an id outside 1&ndash;255 or a {@code maxExpansion()} below 1
 * &mdash; are logged as SLF4J warnings and left out; a lookup of what nothing provides lists them. <b>Conflicts</b>
 * &mdash; two codecs claiming one name or one id: the higher {@code priority()} wins and the other is left out
 * entirely; at equal priority a lookup of the contested name or id fails naming both classes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CompressionCodecs {
  /** The compression name that stores payloads as they are: {@value}. */
  public static final String NONE = "none";
  /** The compression name that lets each frame choose (see {@link SpillFrames}): {@value}. */
  public static final String AUTO = "auto";

  private static final Logger LOG = LoggerFactory.getLogger(CompressionCodecs.class);

  private record Candidate(CompressionCodec codec, String name, int id, int priority, String className) {
    String describe() {
      return "'" + name + "' (id " + id + ", priority " + priority + ", " + className + ")";
    }
  }

  private final Map<String, Candidate> byName = new TreeMap<>();
  private final Map<Integer, Candidate> byId = new TreeMap<>();
  private final Map<String, String> nameTies = new HashMap<>();
  private final Map<Integer, String> idTies = new HashMap<>();
  private final List<String> failures;

  private CompressionCodecs(List<Candidate> candidates, List<String> failures) {
    this.failures = List.copyOf(failures);
    List<Candidate> ranked = new ArrayList<>(candidates);
    ranked.sort(Comparator.comparingInt(Candidate::priority).reversed().thenComparing(Candidate::className));
    List<Candidate> kept = new ArrayList<>();
    for (Candidate c : ranked) {
      Candidate rival = kept.stream().filter(k -> k.name().equals(c.name()) || k.id() == c.id()).findFirst()
          .orElse(null);
      if (rival == null) {
        kept.add(c);
        continue;
      }
      if (rival.priority() == c.priority()) {
        String tie = "Two compression codec providers claim " + (rival.name().equals(c.name()) ? "name '"
            + c.name() + "'" : "id " + c.id()) + " with the same priority " + c.priority() + ": " + rival.className()
            + " and " + c.className() + ". Remove one from the class path or give the one to use a higher priority()";
        nameTies.putIfAbsent(c.name(), tie);
        nameTies.putIfAbsent(rival.name(), tie);
        idTies.putIfAbsent(c.id(), tie);
        idTies.putIfAbsent(rival.id(), tie);
      } else {
        LOG.debug("Compression codec {} was set aside for {}, of higher priority", c.describe(), rival.describe());
      }
    }
    for (Candidate c : kept) {
      byName.put(c.name(), c);
      byId.put(c.id(), c);
    }
  }

  /** Loads the codecs visible to the thread's context class loader (or Spillway's), set up from {@code config}. */
  public static CompressionCodecs load(SpillConfig config) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : CompressionCodecs.class.getClassLoader(), config);
  }

  /** Loads the codecs visible to {@code loader}, set up from {@code config}. Never throws for a broken plugin. */
  public static CompressionCodecs load(ClassLoader loader, SpillConfig config) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(config, "config");
    List<Candidate> candidates = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    ServiceProviders.forEach(ServiceLoader.load(CompressionCodecProvider.class, loader).iterator(),
        "compression codec provider", LOG, provider -> add(provider, config, candidates, failures),
        e -> failures.add("a CompressionCodecProvider: " + e));
    return new CompressionCodecs(candidates, failures);
  }

  /**
   * Adds {@code provider}'s codec to {@code candidates}, or what went wrong with it to {@code failures}.
   *
   * @throws SpillConfigurationException if the codec refuses a setting of {@code config}: the user's to fix
   */
  private static void add(CompressionCodecProvider provider, SpillConfig config, List<Candidate> candidates,
      List<String> failures) {
    String className = provider.getClass().getName();
    try {
      String name = Objects.requireNonNull(provider.name(), "name() returned null");
      if (name.equals(NONE) || name.equals(AUTO)) {
        throw new IllegalStateException("the name '" + name + "' is reserved");
      }
      int priority = provider.priority();
      CompressionCodec codec = Objects.requireNonNull(provider.create(config), "create() returned null");
      if (codec.id() < 1 || codec.id() > 255) {
        throw new IllegalStateException("codec id " + codec.id() + " is outside 1-255");
      }
      if (codec.maxExpansion() < 1) {
        throw new IllegalStateException("maxExpansion() " + codec.maxExpansion() + " is below 1");
      }
      candidates.add(new Candidate(codec, name, codec.id(), priority, className));
    } catch (SpillConfigurationException e) {
      // A setting of this codec is wrong: the user's to fix, so said at once and not hidden as a broken plugin.
      throw e;
    } catch (RuntimeException | LinkageError e) {
      failures.add(className + ": " + e);
      LOG.warn("Ignoring broken compression codec provider {}: {}", className, e.toString(), e);
    }
  }

  /**
   * The codec registered under {@code name}.
   *
   * @throws SpillConfigurationException if no working provider has that name (the message lists those found), or
   *     two tie for it
   */
  public CompressionCodec byName(String name) {
    Objects.requireNonNull(name, "name");
    String tie = nameTies.get(name);
    if (tie != null) {
      throw new SpillConfigurationException(tie);
    }
    Candidate found = byName.get(name);
    if (found != null) {
      return found.codec();
    }
    throw new SpillConfigurationException("No compression codec named '" + name + "' on the class path (found: "
        + String.join(", ", choices()) + ")." + hint());
  }

  /**
   * The codec with frame id {@code id}.
   *
   * @throws SpillConfigurationException if no working provider has that id, or two tie for it
   */
  public CompressionCodec byId(int id) {
    String tie = idTies.get(id);
    if (tie != null) {
      throw new SpillConfigurationException(tie);
    }
    Candidate found = byId.get(id);
    if (found != null) {
      return found.codec();
    }
    String known = byId.values().stream().map(c -> c.name() + " = " + c.id()).collect(Collectors.joining(", "));
    throw new SpillConfigurationException("No compression codec with id " + id + " on the class path (found: "
        + (known.isEmpty() ? "none" : known) + ")." + hint());
  }

  /** Whether a codec is registered under {@code name} (and not contested). */
  public boolean has(String name) {
    return byName.containsKey(name) && !nameTies.containsKey(name);
  }

  /** The names of the usable codecs, sorted. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
  }

  /** What {@link SpillConfig.Builder#compression} accepts here: {@value #NONE}, {@value #AUTO} and the names. */
  private List<String> choices() {
    List<String> all = new ArrayList<>(List.of(NONE, AUTO));
    all.addAll(names());
    return all;
  }

  private String hint() {
    return failures.isEmpty()
        ? " Add the module that provides it (io.spillway:spill-compress for lz4 and zstd)."
        : " " + failures.size() + " provider(s) failed to load and may be the one wanted: "
            + String.join("; ", failures);
  }

  @Override
  public String toString() {
    return "CompressionCodecs" + byName.values().stream().map(Candidate::describe).collect(Collectors.toList());
  }
}
