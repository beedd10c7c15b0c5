package io.spillway.core.internal;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.api.spi.SpillStoreProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the policy and store providers a configuration asks for. Internal, may change.
 *
 * <p>Rules: a name given in the configuration wins; an unknown name fails with a message that lists the names found
 * and the artifact that provides the one asked for. With no name, the provider of the highest {@code priority()}
 * wins, and a tie at the top is an error naming both classes.
 *
 * <p>Providers are loaded with {@link ServiceLoader} on every call (no static caches, so a test or a container can
 * change the class path between managers), through the thread context class loader; when that is unset or finds
 * no provider at all, through the class loader of this class.
 *
 * <p><b>Broken plugins.</b> A {@link ServiceConfigurationError} (class missing, not a subtype, constructor
 * throwing), caught on each {@code hasNext()} and {@code next()} of the loader's iterator, or a provider whose
 * {@code name()}/{@code priority()} throws, is logged at WARN and skipped. It is fatal only when it concerns the
 * provider asked for by name. A provider that failed to load cannot tell its name, so this is decided from its class
 * name, read from the error message ({@code "Provider <class> could not be instantiated"} and the like): when the
 * asked-for name is not among the providers that did load, a failure whose simple class name contains that name,
 * ignoring case and non-alphanumerics ({@code S3SpillStoreProvider} for {@code s3}), is taken to be it and becomes
 * the cause of the {@link SpillConfigurationException}; other failures are attached as suppressed. When the asked-for
 * name did load, or no name was asked for and some provider loaded, failures of other plugins are never fatal.
 *
 * <p>Thread-safe: stateless.
 */
public final class ProviderSelection {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderSelection.class);
  private static final Pattern PROVIDER_CLASS = Pattern.compile("Provider ([\\p{L}\\p{N}_$.]+)");

  /** What is selected: the SPI type and how to read a provider's name and priority. */
  public static final class Kind<P> {
    final Class<P> type;
    final String setting;
    final Function<P, String> name;
    final ToIntFunction<P> priority;
    final Map<String, String> artifacts;
    final String defaultArtifact;

    Kind(Class<P> type, String setting, Function<P, String> name, ToIntFunction<P> priority,
        Map<String, String> artifacts, String defaultArtifact) {
      this.type = type;
      this.setting = setting;
      this.name = name;
      this.priority = priority;
      this.artifacts = artifacts;
      this.defaultArtifact = defaultArtifact;
    }
  }

  /** Policy providers; the bundled names map to the artifacts that ship them. */
  public static final Kind<SpillPolicyProvider> POLICY = new Kind<>(SpillPolicyProvider.class, "policy",
      SpillPolicyProvider::name, SpillPolicyProvider::priority,
      Map.of("lru", "spill-policy-lru", "lfu", "spill-policy-lfu", "coldness", "spill-core", "lirs", "spill-policy-lru",
          "sieve", "spill-policy-lru", "arc", "spill-policy-lru", "w-tinylfu", "spill-policy-lfu",
          "gdsf", "spill-policy-lfu", "adaptive", "spill-policy-lfu"), "spill-core");

  /** Store providers; the bundled names map to the artifacts that ship them. */
  public static final Kind<SpillStoreProvider> STORE = new Kind<>(SpillStoreProvider.class, "store",
      SpillStoreProvider::name, SpillStoreProvider::priority,
      Map.of("file", "spill-store-file", "s3", "spill-store-s3"), "spill-store-file");

  private ProviderSelection() {}

  /** The policy provider {@code config} asks for. */
  public static SpillPolicyProvider policy(SpillConfig config) {
    return select(POLICY, config.policy().orElse(null), contextLoader());
  }

  /** The store provider {@code config} asks for. */
  public static SpillStoreProvider store(SpillConfig config) {
    return select(STORE, config.store().orElse(null), contextLoader());
  }

  /**
   * Selects among the providers visible through {@code loader} (and, if it finds none, through this class's
   * loader).
   *
   * @param requested the configured name, or {@code null} for the highest priority
   * @throws SpillConfigurationException if nothing fits
   */
  public static <P> P select(Kind<P> kind, @Nullable String requested, @Nullable ClassLoader loader) {
    ClassLoader own = ProviderSelection.class.getClassLoader();
    ClassLoader effective = loader != null ? loader : own;
    Found<P> found = load(kind, effective);
    if (found.providers.isEmpty() && effective != own) {
      Found<P> fallback = load(kind, own);
      fallback.errors.addAll(0, found.errors);
      found = fallback;
    }
    return choose(kind, requested, found);
  }

  /**
   * Every provider of {@code kind} visible through the thread context class loader (and, if it finds none, through
   * this class's loader), in the loader's order. Broken plugins are logged and skipped, as for {@link #select}.
   */
  public static <P> List<P> all(Kind<P> kind) {
    ClassLoader own = ProviderSelection.class.getClassLoader();
    ClassLoader context = contextLoader();
    Found<P> found = load(kind, context != null ? context : own);
    if (found.providers.isEmpty() && context != null && context != own) {
      found = load(kind, own);
    }
    return found.providers.stream().map(c -> c.provider).toList();
  }

  /**
   * Selects among the providers an iterator yields, catching a {@link ServiceConfigurationError} from each
   * {@code hasNext()}/{@code next()} as {@link ServiceLoader}'s iterator may throw.
   */
  public static <P> P select(Kind<P> kind, @Nullable String requested, Iterator<P> providers) {
    return choose(kind, requested, drain(kind, providers));
  }

  private static @Nullable ClassLoader contextLoader() {
    return Thread.currentThread().getContextClassLoader();
  }

  private static <P> Found<P> load(Kind<P> kind, ClassLoader loader) {
    return drain(kind, ServiceLoader.load(kind.type, loader).iterator());
  }

  private static <P> Found<P> drain(Kind<P> kind, Iterator<P> iterator) {
    Found<P> found = new Found<>();
    ServiceProviders.forEach(iterator, kind.type.getSimpleName(), LOG, provider -> {
      String name;
      int priority;
      try {
        name = Objects.requireNonNull(kind.name.apply(provider), "name()");
        priority = kind.priority.applyAsInt(provider);
      } catch (RuntimeException | LinkageError e) {
        String className = provider.getClass().getName();
        found.errors.add(new Failure(className, e));
        LOG.warn("Skipping {} {}: its name() or priority() failed: {}", kind.type.getSimpleName(), className,
            e.toString(), e);
        return;
      }
      found.providers.add(new Candidate<>(provider, name, priority));
    }, e -> found.errors.add(new Failure(providerClass(e.getMessage()), e)));
    return found;
  }

  private static <P> P choose(Kind<P> kind, @Nullable String requested, Found<P> found) {
    String typeName = kind.type.getSimpleName();
    if (requested != null) {
      List<Candidate<P>> named = found.providers.stream().filter(c -> c.name.equals(requested))
          .sorted(Comparator.comparingInt((Candidate<P> c) -> c.priority).reversed())
          .collect(Collectors.toList());
      if (named.isEmpty()) {
        throw unknown(kind, requested, found);
      }
      if (named.size() > 1 && named.get(0).priority == named.get(1).priority) {
        throw tie(kind, named.get(0), named.get(1), "named '" + requested + "'");
      }
      return named.get(0).provider;
    }
    if (found.providers.isEmpty()) {
      SpillConfigurationException e = new SpillConfigurationException("No " + typeName + " on the class path"
          + failuresNote(found) + ". Add io.spillway:" + kind.defaultArtifact + ".", firstCause(found));
      suppressRest(e, found, null);
      throw e;
    }
    List<Candidate<P>> ranked = new ArrayList<>(found.providers);
    ranked.sort(Comparator.comparingInt((Candidate<P> c) -> c.priority).reversed());
    if (ranked.size() > 1 && ranked.get(0).priority == ranked.get(1).priority) {
      throw tie(kind, ranked.get(0), ranked.get(1), "at the highest priority");
    }
    return ranked.get(0).provider;
  }

  private static <P> SpillConfigurationException unknown(Kind<P> kind, String requested, Found<P> found) {
    String typeName = kind.type.getSimpleName();
    String names = found.providers.stream().map(c -> c.name).collect(Collectors.toCollection(TreeSet::new))
        .stream().collect(Collectors.joining(", "));
    String artifact = kind.artifacts.get(requested);
    String fix = artifact != null ? "Add io.spillway:" + artifact + "." : "Add the plugin that provides it.";
    Failure culprit = null;
    String key = normalize(requested);
    for (Failure failure : found.errors) {
      if (failure.className != null && !key.isEmpty() && normalize(simpleName(failure.className)).contains(key)) {
        culprit = failure;
        break;
      }
    }
    SpillConfigurationException e;
    if (culprit != null) {
      e = new SpillConfigurationException("The " + typeName + " named '" + requested + "' could not be loaded: "
          + culprit.className + " failed (" + culprit.error + "). Other providers found: "
          + (names.isEmpty() ? "none" : names) + ".", culprit.error);
    } else {
      e = new SpillConfigurationException("No " + typeName + " named '" + requested + "' on the class path (found: "
          + (names.isEmpty() ? "none" : names) + ")" + failuresNote(found) + ". " + fix, firstCause(found));
    }
    suppressRest(e, found, culprit);
    return e;
  }

  private static <P> SpillConfigurationException tie(Kind<P> kind, Candidate<P> a, Candidate<P> b, String where) {
    return new SpillConfigurationException("Two " + kind.type.getSimpleName() + "s tie " + where + " (priority "
        + a.priority + "): " + a.provider.getClass().getName() + " ('" + a.name + "') and "
        + b.provider.getClass().getName() + " ('" + b.name + "'). Name one in the configuration ("
        + kind.setting + "(\"" + a.name + "\")) or remove one from the class path.");
  }

  private static String failuresNote(Found<?> found) {
    if (found.errors.isEmpty()) {
      return "";
    }
    return "; " + found.errors.size() + " failed to load: " + found.errors.stream()
        .map(f -> f.className != null ? f.className : f.error.toString()).collect(Collectors.joining(", "));
  }

  private static @Nullable Throwable firstCause(Found<?> found) {
    return found.errors.isEmpty() ? null : found.errors.get(0).error;
  }

  private static void suppressRest(SpillConfigurationException e, Found<?> found, @Nullable Failure culprit) {
    Throwable cause = e.getCause();
    for (Failure failure : found.errors) {
      if (failure != culprit && failure.error != cause) {
        e.addSuppressed(failure.error);
      }
    }
  }

  static @Nullable String providerClass(@Nullable String message) {
    if (message == null) {
      return null;
    }
    Matcher m = PROVIDER_CLASS.matcher(message);
    return m.find() ? m.group(1) : null;
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
  }

  private static final class Found<P> {
    final List<Candidate<P>> providers = new ArrayList<>();
    final List<Failure> errors = new ArrayList<>();
  }

  private static final class Candidate<P> {
    final P provider;
    final String name;
    final int priority;

    Candidate(P provider, String name, int priority) {
      this.provider = provider;
      this.name = name;
      this.priority = priority;
    }
  }

  private static final class Failure {
    final @Nullable String className;
    final Throwable error;

    Failure(@Nullable String className, Throwable error) {
      this.className = className;
      this.error = error;
    }
  }
}
