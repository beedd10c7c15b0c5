package io.spillway.core;

import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.ChecksumCodec;
import io.spillway.api.spi.ChecksumCodecProvider;
import io.spillway.core.internal.ServiceProviders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checksum codecs found on a class path, looked up by name (to write frames) or by id (to read them).
 *
 * <pre>{@code
 * ChecksumCodecs codecs = ChecksumCodecs.load();
 * ChecksumCodec forNewFrames = codecs.forWriting("crc32c");
 * ChecksumCodec forAnOldFrame = codecs.byId(3);
 * }</pre>
 *
 * <p>Each {@link #load()} runs {@link ServiceLoader} afresh over {@link ChecksumCodecProvider}s; nothing is cached
 * between loads. Providers are called once each, at load.
 *
 * <p><b>Broken plugins</b> &mdash; a provider class that cannot be found or instantiated (a
 * {@link java.util.ServiceConfigurationError}), or whose {@code name()}, {@code priority()} or {@code create()} throws,
 * or whose codec has an id outside 0&ndash;255 &mdash; are logged as SLF4J warnings and left out. Loading never fails
 * because of them; a lookup fails only when it asks for what the broken plugin would have provided (or for a name or id
 * nothing provides, in which case the failures are part of the message).
 *
 * <p><b>Conflicts</b> &mdash; when two codecs claim the same name or the same id, the one whose provider has the
 * higher {@link ChecksumCodecProvider#priority()} wins and the other is set aside entirely (so a name and its id
 * always mean the same codec). Two claims of equal priority are a tie: looking up the contested name or id fails
 * with a message naming both provider classes.
 *
 * <p>Instances are immutable and thread-safe. Lookups throw {@link SpillConfigurationException} with a message
 * that says what was found and how to fix it.
 */
public final class ChecksumCodecs {
  private static final Logger LOG = LoggerFactory.getLogger(ChecksumCodecs.class);

  private record Candidate(ChecksumCodec codec, String name, int id, int priority, String className) {
    String describe() {
      return "'" + name + "' (id " + id + ", priority " + priority + ", " + className + ")";
    }
  }

  private record Failure(@Nullable String name, String className, Throwable cause) {
    String describe() {
      return (name == null ? className : "'" + name + "' (" + className + ")") + ": " + cause;
    }
  }

  private final Map<String, Candidate> byName = new TreeMap<>();
  private final Map<Integer, Candidate> byId = new TreeMap<>();
  /** Contested keys: a tie at the top, with the message a lookup throws. */
  private final Map<String, String> nameTies = new HashMap<>();
  private final Map<Integer, String> idTies = new HashMap<>();
  /** Keys nobody else owns of codecs set aside because their other key lost, with the explanation. */
  private final Map<String, String> namesSetAside = new HashMap<>();
  private final Map<Integer, String> idsSetAside = new HashMap<>();
  private final Map<String, Failure> brokenByName = new LinkedHashMap<>();
  private final List<Failure> failures = new ArrayList<>();

  private ChecksumCodecs(List<Candidate> candidates, List<Failure> failures) {
    this.failures.addAll(failures);
    for (Failure failure : failures) {
      if (failure.name() != null) {
        brokenByName.putIfAbsent(failure.name(), failure);
      }
    }
    List<Candidate> ranked = new ArrayList<>(candidates);
    // Deterministic order among equal priorities, so that messages do not depend on class path order.
    ranked.sort(Comparator.comparingInt(Candidate::priority).reversed().thenComparing(Candidate::className));
    for (Candidate candidate : ranked) {
      resolve(candidate);
    }
  }

  private void resolve(Candidate c) {
    Candidate nameOwner = byName.get(c.name());
    Candidate idOwner = byId.get(c.id());
    // The provider that holds c's name, else the one that holds its id; none: c takes both.
    Candidate winner = nameOwner != null ? nameOwner : idOwner;
    if (winner == null) {
      byName.put(c.name(), c);
      byId.put(c.id(), c);
      return;
    }
    // Ranked by descending priority, so an owner has at least c's priority: equal means a tie.
    if (nameOwner != null && nameOwner.priority() == c.priority()) {
      nameTies.merge(c.name(), tie("name '" + c.name() + "'", nameOwner, c), (old, added) -> old + "; " + added);
    }
    if (idOwner != null && idOwner.priority() == c.priority()) {
      idTies.merge(c.id(), tie("id " + c.id(), idOwner, c), (old, added) -> old + "; " + added);
    }
    String setAside = "checksum codec " + c.describe() + " was set aside because " + winner.describe()
        + " claims the same " + (nameOwner != null ? "name" : "id") + " with "
        + (winner.priority() == c.priority() ? "the same" : "a higher") + " priority";
    LOG.debug("{}", setAside);
    if (nameOwner == null) {
      namesSetAside.putIfAbsent(c.name(), setAside);
    }
    if (idOwner == null) {
      idsSetAside.putIfAbsent(c.id(), setAside);
    }
  }

  private static String tie(String key, Candidate first, Candidate second) {
    return "Two checksum codec providers claim " + key + " with the same priority " + first.priority() + ": "
        + first.className() + " and " + second.className()
        + ". Remove one from the class path or give the one to use a higher priority()";
  }

  /**
   * Loads the codecs visible to the thread's context class loader (or, without one, to Spillway's).
   * Never throws for a broken plugin; see the class description.
   */
  public static ChecksumCodecs load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : ChecksumCodecs.class.getClassLoader());
  }

  /** Loads the codecs visible to {@code loader}. Never throws for a broken plugin; see the class description. */
  public static ChecksumCodecs load(ClassLoader loader) {
    Objects.requireNonNull(loader, "loader");
    List<Candidate> candidates = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    ServiceProviders.forEach(ServiceLoader.load(ChecksumCodecProvider.class, loader).iterator(),
        "checksum codec provider", LOG, provider -> add(provider, candidates, failures),
        e -> failures.add(new Failure(null, "a ChecksumCodecProvider", e)));
    return new ChecksumCodecs(candidates, failures);
  }

  /** Adds {@code provider}'s codec to {@code candidates}, or what went wrong with it to {@code failures}. */
  private static void add(ChecksumCodecProvider provider, List<Candidate> candidates, List<Failure> failures) {
    String className = provider.getClass().getName();
    String name = null;
    try {
      name = Objects.requireNonNull(provider.name(), "name() returned null");
      int priority = provider.priority();
      ChecksumCodec codec = Objects.requireNonNull(provider.create(), "create() returned null");
      int id = codec.id();
      if (id < 0 || id > 255) {
        throw new IllegalStateException("codec id " + id + " is outside 0-255");
      }
      candidates.add(new Candidate(codec, name, id, priority, className));
    } catch (RuntimeException | LinkageError e) {
      Failure failure = new Failure(name, className, e);
      failures.add(failure);
      LOG.warn("Ignoring broken checksum codec provider {}", failure.describe(), e);
    }
  }

  /**
   * The codec registered under {@code name}, to verify or write frames.
   *
   * @throws SpillConfigurationException if no working provider has that name, or two tie for it
   */
  public ChecksumCodec byName(String name) {
    Objects.requireNonNull(name, "name");
    String tie = nameTies.get(name);
    if (tie != null) {
      throw new SpillConfigurationException(tie);
    }
    Candidate found = byName.get(name);
    if (found != null) {
      return found.codec();
    }
    String setAside = namesSetAside.get(name);
    if (setAside != null) {
      throw new SpillConfigurationException(capitalized(setAside) + ". Remove one of the two from the class path.");
    }
    Failure broken = brokenByName.get(name);
    if (broken != null) {
      throw new SpillConfigurationException("Checksum codec provider " + broken.describe()
          + " is broken and cannot be used. Fix or remove it, or choose one of: " + String.join(", ", names()),
          broken.cause());
    }
    throw unknown("named '" + name + "'", String.join(", ", names()));
  }

  /**
   * The codec registered under {@code name}, checked to be fit for new frames.
   *
   * @throws SpillConfigurationException if {@link #byName} would, or if the codec only verifies old frames
   */
  public ChecksumCodec forWriting(String name) {
    ChecksumCodec codec = byName(name);
    if (!codec.writable()) {
      String writable = byName.values().stream()
          .filter(c -> c.codec().writable())
          .map(Candidate::name)
          .collect(Collectors.joining(", "));
      throw new SpillConfigurationException("Checksum codec '" + name + "' (id " + codec.id()
          + ") can only verify old frames, not write new ones: it is too weak (for example it misses reordered"
          + " bytes). Choose one of: " + writable);
    }
    return codec;
  }

  /**
   * The codec with frame id {@code id}, to verify a frame that names it.
   *
   * @throws SpillConfigurationException if no working provider has that id, or two tie for it
   */
  public ChecksumCodec byId(int id) {
    String tie = idTies.get(id);
    if (tie != null) {
      throw new SpillConfigurationException(tie);
    }
    Candidate found = byId.get(id);
    if (found != null) {
      return found.codec();
    }
    String setAside = idsSetAside.get(id);
    if (setAside != null) {
      throw new SpillConfigurationException(capitalized(setAside) + ". Remove one of the two from the class path.");
    }
    String known = byId.values().stream().map(c -> c.name() + " = " + c.id()).collect(Collectors.joining(", "));
    throw unknown("with id " + id, known);
  }

  /** The names of the usable codecs, sorted. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
  }

  /** The usable codecs, by name. */
  public List<ChecksumCodec> codecs() {
    return byName.values().stream().map(Candidate::codec).collect(Collectors.toUnmodifiableList());
  }

  private static String capitalized(String sentence) {
    return Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
  }

  private SpillConfigurationException unknown(String what, String found) {
    StringBuilder message = new StringBuilder("No checksum codec ").append(what)
        .append(" on the class path (found: ").append(found.isEmpty() ? "none" : found).append(").");
    if (failures.isEmpty()) {
      message.append(" Add the plugin that provides it: a ChecksumCodecProvider registered in"
          + " META-INF/services/io.spillway.api.spi.ChecksumCodecProvider.");
    } else {
      message.append(' ').append(failures.size()).append(" provider(s) failed to load and may be the one wanted: ")
          .append(failures.stream().map(Failure::describe).collect(Collectors.joining("; ")));
    }
    return new SpillConfigurationException(message.toString(), failures.isEmpty() ? null : failures.get(0).cause());
  }

  @Override
  public String toString() {
    return "ChecksumCodecs" + byName.values().stream().map(Candidate::describe).collect(Collectors.toList());
  }
}
