package io.spillway.core;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import io.spillway.core.internal.ProviderSelection;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * The overflow store, named {@code "tiered"}: composes two stores chosen by name, writing to the first (local disk,
 * say) while its quota allows and to the second (an object store) beyond it, and reading each segment from wherever
 * it went.
 *
 * <pre>{@code
 * SpillConfig config = SpillConfig.builder()
 *     .store("tiered")
 *     .option("tiered.primary", "file")               // default: file
 *     .option("tiered.secondary", "s3")
 *     .option("tiered.primaryQuota", "20GiB")
 *     .option("s3.bucket", "my-bucket")               // the tiers read their own options
 *     .build();
 * }</pre>
 *
 * <h2>Settings</h2>
 * {@value #PRIMARY} (default {@code file}), {@value #SECONDARY} (required) and {@value #PRIMARY_QUOTA} (required: a
 * byte count, or a number with {@code KiB}, {@code MiB}, {@code GiB} or {@code TiB}). Both tiers are created from
 * the same {@link SpillConfig}, so each reads its own settings from it; neither may be {@code tiered} itself.
 *
 * <h2>Placement</h2>
 * A write goes to the primary tier when the bytes the primary holds, plus the new value, minus the value it replaces
 * there, stay within the quota; otherwise, or when the primary write fails (a full disk, say), to the secondary. A
 * replaced value in the other tier is deleted after the new one is stored, so each key lives in exactly one tier.
 * {@code list()} and {@code usage()} cover both tiers; {@code close()} closes both, each deleting its own session.
 *
 * <h2>With a store quota</h2>
 * {@link SpillConfig#maxStoreBytes()} (and {@code SpillManager.setMaxStoreBytes}) caps the tiered store as a whole:
 * the manager checks it against {@code usage()}, both tiers together. So the two limits do different jobs: past
 * {@value #PRIMARY_QUOTA} a spill goes to the secondary tier, past {@code maxStoreBytes} it fails with
 * {@link io.spillway.api.StoreQuotaExceededException} and its segment stays resident. To cap the secondary tier
 * alone, set {@code maxStoreBytes} to the primary quota plus the secondary's share.
 *
 * <p>Stateless and thread-safe; its stores are thread-safe if both tiers are, which the SPI requires.
 */
public final class TieredSpillStoreProvider implements SpillStoreProvider {
  /** The name this store is selected by: {@value}. */
  public static final String NAME = "tiered";
  /** Option key of the first tier's store name: {@value}. */
  public static final String PRIMARY = "tiered.primary";
  /** Option key of the overflow tier's store name: {@value}. */
  public static final String SECONDARY = "tiered.secondary";
  /** Option key of the most bytes the first tier may hold: {@value}. */
  public static final String PRIMARY_QUOTA = "tiered.primaryQuota";
  /** The first tier unless {@value #PRIMARY} names another: {@value}. */
  public static final String DEFAULT_PRIMARY = "file";

  /** Creates the provider; the service loader calls this. */
  public TieredSpillStoreProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /** Below every bundled store: used only when asked for by name. */
  @Override
  public int priority() {
    return -20;
  }

  /**
   * Creates both tiers' sessions; if the second fails, the first is closed again.
   *
   * @throws SpillConfigurationException if an option is missing or wrong, or a tier's provider is not found
   * @throws IOException if a tier cannot be opened
   */
  @Override
  public SpillStore create(SpillConfig config) throws IOException {
    String primaryName = config.option(PRIMARY).orElse(DEFAULT_PRIMARY).trim();
    String secondaryName = config.option(SECONDARY).orElseThrow(() -> new SpillConfigurationException(
        "The tiered store needs option " + SECONDARY + " naming the overflow store (for example \"s3\")"));
    String quotaText = config.option(PRIMARY_QUOTA).orElseThrow(() -> new SpillConfigurationException(
        "The tiered store needs option " + PRIMARY_QUOTA + ", the most bytes the " + primaryName
            + " tier may hold (for example \"10GiB\")"));
    long quota;
    try {
      quota = parseSize(quotaText);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new SpillConfigurationException("Option " + PRIMARY_QUOTA + " has an unusable value '" + quotaText
          + "': expected a byte count such as 1073741824 or 1GiB", e);
    }
    if (quota < 0) {
      throw new SpillConfigurationException("Option " + PRIMARY_QUOTA + " must not be negative, was " + quotaText);
    }
    for (String tier : new String[] {primaryName, secondaryName.trim()}) {
      if (tier.equalsIgnoreCase(NAME)) {
        throw new SpillConfigurationException("A tier of the tiered store cannot be the tiered store itself");
      }
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    SpillStoreProvider primaryProvider = ProviderSelection.select(ProviderSelection.STORE, primaryName, loader);
    SpillStoreProvider secondaryProvider =
        ProviderSelection.select(ProviderSelection.STORE, secondaryName.trim(), loader);
    SpillStore primary = primaryProvider.create(config);
    SpillStore secondary;
    try {
      secondary = secondaryProvider.create(config);
    } catch (IOException | RuntimeException e) {
      try {
        primary.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new TieredSpillStore(primary, primaryName, secondary, secondaryName.trim(), quota);
  }

  static long parseSize(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    String[] suffixes = {"kib", "mib", "gib", "tib"};
    for (int i = 0; i < suffixes.length; i++) {
      if (s.endsWith(suffixes[i])) {
        unit = 1L << (10 * (i + 1));
        s = s.substring(0, s.length() - 3);
        break;
      }
    }
    return Math.multiplyExact(Long.parseLong(s), unit);
  }

  /**
   * {@value #PRIMARY}, {@value #SECONDARY} and {@value #PRIMARY_QUOTA}: the tiered store's own; each tier declares
   * its own keys.
   */
  @Override
  public Set<String> optionKeys() {
    return Set.of(PRIMARY, SECONDARY, PRIMARY_QUOTA);
  }
}
