package io.spillway.api;

import java.nio.charset.StandardCharsets;

/**
 * The rules every segment name obeys, in one place so that the manager and every store agree.
 *
 * <p>A valid name is any non-empty, well-formed UTF-16 string whose UTF-8 encoding is at most {@link #MAX_LENGTH}
 * bytes. Slashes, dots, control characters and any other code point are allowed: a store never uses a name as a
 * path directly but maps it to a safe key of its own (the file store escapes it), so nothing a name contains can
 * make a store write outside its area.
 */
public final class SegmentNames {
  /** The longest name accepted, in UTF-8 bytes: {@value}. */
  public static final int MAX_LENGTH = 1024;

  private SegmentNames() {}

  /**
   * Returns {@code name} if it is valid.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws InvalidSegmentNameException if it is empty, too long or holds an unpaired surrogate
   */
  public static String validate(String name) {
    if (name == null) {
      throw new NullPointerException("segment name");
    }
    if (name.isEmpty()) {
      throw new InvalidSegmentNameException(name, "a segment name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidSegmentNameException(name, "unpaired surrogate at index " + i);
      }
    }
    int bytes = utf8Length(name);
    if (bytes > MAX_LENGTH) {
      throw new InvalidSegmentNameException(name,
          "name is " + bytes + " UTF-8 bytes long; the limit is " + MAX_LENGTH);
    }
    return name;
  }

  /** The UTF-8 encoding of a valid name. */
  public static byte[] toUtf8(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  private static int utf8Length(String s) {
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
      if (length > MAX_LENGTH) {
        return length;
      }
    }
    return length;
  }
}
