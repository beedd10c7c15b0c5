package io.spillway.api;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a manager cannot be assembled from its configuration: no provider of the requested name, two
 * providers tied for the highest priority, a plugin that fails to load or to create its service. The message
 * says what was found and how to fix it.
 */
public class SpillConfigurationException extends SpillException {
  private static final long serialVersionUID = 1L;

  public SpillConfigurationException(String message) {
    super(message);
  }

  public SpillConfigurationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
