package io.spillway.api;

import org.jspecify.annotations.Nullable;

/**
 * Root of Spillway's domain errors. Unchecked: a spill that cannot happen is a condition the caller may handle,
 * but is never forced to.
 *
 * <p>Programmer errors (null arguments, out-of-range settings, calls after {@code close()}) are reported with the
 * JDK's own types ({@link NullPointerException}, {@link IllegalArgumentException}, {@link IllegalStateException})
 * instead.
 */
public class SpillException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SpillException(String message) {
    super(message);
  }

  public SpillException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
