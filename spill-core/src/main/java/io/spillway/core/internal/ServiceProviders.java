package io.spillway.core.internal;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Walks what a {@link java.util.ServiceLoader} iterator yields, surviving broken plugins: a
 * {@link ServiceConfigurationError} from {@code hasNext()} or {@code next()} (a provider that cannot be found,
 * loaded or instantiated) is handed to the caller and logged as a warning, and the walk goes on with the next
 * provider; after {@value #MAX_CONSECUTIVE_ERRORS} errors in a row (an iterator that fails endlessly) it stops.
 * Internal, may change; public only for {@code io.spillway.core}'s codec registries.
 */
public final class ServiceProviders {
  /** Errors in a row after which a walk is abandoned. */
  public static final int MAX_CONSECUTIVE_ERRORS = 256;

  private ServiceProviders() {}

  /**
   * Hands each provider {@code providers} yields to {@code each}, and each load error to {@code broken}.
   *
   * @param kind what the providers are, for the log ("checksum codec provider")
   * @param log where the warnings go: the caller's, so that they stand under the registry's name
   */
  public static <P> void forEach(Iterator<P> providers, String kind, Logger log, Consumer<? super P> each,
      Consumer<? super ServiceConfigurationError> broken) {
    int consecutiveErrors = 0;
    while (true) {
      P provider;
      try {
        if (!providers.hasNext()) {
          return;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError e) {
        broken.accept(e);
        log.warn("Ignoring a {} that failed to load: {}", kind, e.toString(), e);
        if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
          log.warn("Gave up loading {}s after {} errors in a row", kind, consecutiveErrors);
          return;
        }
        continue;
      }
      consecutiveErrors = 0;
      each.accept(provider);
    }
  }
}
