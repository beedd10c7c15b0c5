package io.spillway.api;

/**
 * Thrown when a segment that is already spilled is spilled again. Its stored copy is untouched; reload it first.
 */
public class AlreadySpilledException extends SpillException {
  private static final long serialVersionUID = 1L;

  private final String segment;

  public AlreadySpilledException(String segment) {
    super("Segment '" + segment + "' is already spilled; reload it before spilling it again");
    this.segment = segment;
  }

  /** The segment that was already spilled. */
  public String segment() {
    return segment;
  }
}
