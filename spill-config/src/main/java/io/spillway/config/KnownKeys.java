package io.spillway.config;

import io.spillway.api.spi.CompressionCodecProvider;
import io.spillway.api.spi.SpillKeyProvider;
import io.spillway.api.spi.SpillPolicyProvider;
import io.spillway.api.spi.SpillStoreProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The keys a source may give: the {@link Settings}, and the option keys that the plugins on the class path declare
 * ({@code optionKeys()} of {@link SpillStoreProvider}, {@link CompressionCodecProvider}, {@link SpillKeyProvider},
 * {@link SpillPolicyProvider}), with {@value SpillKeyProvider#OPTION}, which the core reads itself. An option key is
 * valid if it is declared, or if its namespace (the text before its first dot) belongs to no declared key and is the
 * name of a plugin that declares no keys (an older or a user's plugin): such keys are passed to the plugin
 * unchecked. Immutable. Internal, may change.
 */
final class KnownKeys {
  private static final System.Logger LOG = System.getLogger(KnownKeys.class.getName());
  /** Errors in a row after which a walk over a service loader is abandoned (an iterator that fails endlessly). */
  private static final int MAX_CONSECUTIVE_ERRORS = 256;

  /** How a key fares. */
  enum Verdict {
    /** One of the {@link Settings}. */
    SETTING,
    /** A declared option key. */
    OPTION,
    /** An option key under the namespace of a plugin that declares none: passed on unchecked. */
    PASSED_THROUGH,
    /** None of these. */
    UNKNOWN
  }

  private final Set<String> options;
  private final Set<String> ownedNamespaces = new TreeSet<>();
  private final Set<String> undeclared;
  private final Set<String> valid = new TreeSet<>();
  private final Map<String, List<String>> byEnvironmentName = new HashMap<>();

  /**
   * @param options the declared option keys
   * @param undeclared the names of plugins that declare no option keys
   */
  KnownKeys(Collection<String> options, Collection<String> undeclared) {
    this.options = Set.copyOf(options);
    this.undeclared = Set.copyOf(undeclared);
    for (String key : this.options) {
      ownedNamespaces.add(namespace(key));
    }
    valid.addAll(Settings.ALL.keySet());
    valid.addAll(this.options);
    for (String key : valid) {
      byEnvironmentName.computeIfAbsent(environmentName(key), k -> new ArrayList<>()).add(key);
    }
  }

  /** The keys of the plugins found by {@link ServiceLoader} through {@code loader}. */
  static KnownKeys discover(ClassLoader loader) {
    Set<String> options = new TreeSet<>();
    Set<String> undeclared = new TreeSet<>();
    options.add(SpillKeyProvider.OPTION);
    Consumer<Map.Entry<String, Set<String>>> add = e -> {
      if (e.getValue().isEmpty()) {
        undeclared.add(e.getKey());
      } else {
        options.addAll(e.getValue());
      }
    };
    each(SpillStoreProvider.class, loader, p -> Map.entry(p.name(), Set.copyOf(p.optionKeys())), add);
    each(CompressionCodecProvider.class, loader, p -> Map.entry(p.name(), Set.copyOf(p.optionKeys())), add);
    each(SpillKeyProvider.class, loader, p -> Map.entry(p.name(), Set.copyOf(p.optionKeys())), add);
    each(SpillPolicyProvider.class, loader, p -> Map.entry(p.name(), Set.copyOf(p.optionKeys())), add);
    return new KnownKeys(options, undeclared);
  }

  private static <P> void each(Class<P> type, ClassLoader loader, Function<P, Map.Entry<String, Set<String>>> keys,
      Consumer<Map.Entry<String, Set<String>>> add) {
    Iterator<P> providers = ServiceLoader.load(type, loader).iterator();
    int consecutiveErrors = 0;
    while (consecutiveErrors < MAX_CONSECUTIVE_ERRORS) {
      P provider;
      try {
        if (!providers.hasNext()) {
          return;
        }
        provider = providers.next();
        consecutiveErrors = 0;
      } catch (ServiceConfigurationError e) {
        // A broken plugin fails where it is used; here it only takes its keys with it.
        LOG.log(System.Logger.Level.WARNING, "Ignoring a " + type.getSimpleName() + " that failed to load: " + e);
        consecutiveErrors++;
        continue;
      }
      try {
        add.accept(keys.apply(provider));
      } catch (RuntimeException | LinkageError e) {
        LOG.log(System.Logger.Level.WARNING, "Ignoring the option keys of " + provider.getClass().getName()
            + ", which failed: " + e);
      }
    }
  }

  /** How {@code key} (in dotted form) fares. */
  Verdict verdict(String key) {
    if (Settings.ALL.containsKey(key)) {
      return Verdict.SETTING;
    }
    if (options.contains(key)) {
      return Verdict.OPTION;
    }
    int dot = key.indexOf('.');
    if (dot > 0 && dot < key.length() - 1 && !ownedNamespaces.contains(namespace(key))
        && undeclared.contains(namespace(key))) {
      return Verdict.PASSED_THROUGH;
    }
    return Verdict.UNKNOWN;
  }

  /**
   * Whether {@code key} has no dot, or its namespace is one some plugin on the class path declares keys in or is
   * named by: false for an option of a plugin that is missing (its module not a dependency, say).
   */
  boolean ownsNamespaceOf(String key) {
    int dot = key.indexOf('.');
    return dot <= 0 || ownedNamespaces.contains(key.substring(0, dot)) || undeclared.contains(key.substring(0, dot));
  }

  /** Whether some declared option key starts with {@code prefix} and a dot. */
  boolean hasOptionsUnder(String prefix) {
    return options.stream().anyMatch(k -> k.startsWith(prefix + "."));
  }

  /** The settings and the declared option keys, sorted. */
  Set<String> valid() {
    return valid;
  }

  /** The keys whose {@link #environmentName} is {@code name}: none, one, or (a clash) several. */
  List<String> keysOfEnvironmentName(String name) {
    return byEnvironmentName.getOrDefault(name, List.of());
  }

  /** The valid key nearest to {@code written} once spelt by {@code spelling}, spelt so. */
  String nearest(String written, UnaryOperator<String> spelling) {
    String best = "";
    int bestDistance = Integer.MAX_VALUE;
    String target = written.toLowerCase(Locale.ROOT);
    for (String key : valid) {
      String candidate = spelling.apply(key);
      int distance = distance(target, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /**
   * The environment variable of {@code key}: {@code SPILLWAY_}, then the key in upper case with a {@code _} for each
   * dot or dash and before each upper-case letter that follows a lower-case letter or a digit
   * ({@code file.logFileSize} → {@code SPILLWAY_FILE_LOG_FILE_SIZE}).
   */
  static String environmentName(String key) {
    StringBuilder name = new StringBuilder("SPILLWAY_");
    char previous = '_';
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.' || c == '-') {
        name.append('_');
      } else {
        if (Character.isUpperCase(c) && (Character.isLowerCase(previous) || Character.isDigit(previous))) {
          name.append('_');
        }
        name.append(Character.toUpperCase(c));
      }
      previous = c;
    }
    return name.toString();
  }

  /** The Levenshtein distance of {@code a} and {@code b}: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String namespace(String key) {
    int dot = key.indexOf('.');
    return dot < 0 ? key : key.substring(0, dot);
  }
}
