package io.spillway.api;

/**
 * Thrown when a segment name is not acceptable: empty, longer than {@link SegmentNames#MAX_LENGTH} UTF-8 bytes,
 * or not well-formed UTF-16 (an unpaired surrogate). Nothing is registered or written when it is thrown.
 */
public class InvalidSegmentNameException extends SpillException {
  private static final long serialVersionUID = 1L;

  private final String segment;

  public InvalidSegmentNameException(String segment, String reason) {
    super("Invalid segment name '" + printable(segment) + "': " + reason);
    this.segment = segment;
  }

  /** The rejected name, as given. */
  public String segment() {
    return segment;
  }

  private static String printable(String name) {
    String shown = name.length() > 80 ? name.substring(0, 80) + "..." : name;
    StringBuilder out = new StringBuilder(shown.length());
    shown.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.toString();
  }
}
