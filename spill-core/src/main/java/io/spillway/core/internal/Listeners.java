package io.spillway.core.internal;

import io.spillway.api.SpillEvent;
import io.spillway.api.SpillListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a manager's {@link SpillListener}s of spills, reloads and failures. Internal, may change.
 *
 * <p>Callers call in on the thread that did the I/O, after the state change and outside every lock. A listener's
 * exception is logged at WARN and the others are still told. Thread-safe (the list is immutable).
 */
final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSpillManager.class);

  private final List<SpillListener> listeners;

  Listeners(List<SpillListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void spilled(SpillEvent event) {
    fire(l -> l.onSpill(event));
  }

  void reloaded(SpillEvent event) {
    fire(l -> l.onReload(event));
  }

  void failed(SpillEvent event, Throwable error) {
    fire(l -> l.onFailure(event, error));
  }

  private void fire(Consumer<SpillListener> call) {
    for (SpillListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("Spill listener {} failed; ignored: {}", listener.getClass().getName(), e.toString(), e);
      }
    }
  }
}
