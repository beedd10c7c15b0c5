package io.spillway.core.keys;

import io.spillway.api.SpillConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads a 256-bit AES key written as 32 raw bytes, 64 hex digits or the Base64 of 32 bytes (either alphabet,
 * surrounding white space ignored). Error messages say what was wrong with the key, never any of its bytes.
 * Internal, may change.
 */
final class KeyText {
  /** The bytes of an AES-256 key. */
  static final int KEY_BYTES = 32;

  private KeyText() {}

  /**
   * The key that {@code content} holds, read from {@code where} (named in errors).
   *
   * @throws SpillConfigurationException if it is not a 256-bit key in one of the three forms
   */
  static SecretKey parse(byte[] content, String where) {
    byte[] key = null;
    try {
      if (content.length == KEY_BYTES && !isText(content)) {
        key = content.clone();
      } else {
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        key = decode(text, where);
      }
      return new SecretKeySpec(key, "AES");
    } finally {
      if (key != null) {
        Arrays.fill(key, (byte) 0); // SecretKeySpec keeps its own copy
      }
    }
  }

  private static byte[] decode(String text, String where) {
    if (text.length() == 2 * KEY_BYTES && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return HexFormat.of().parseHex(text);
    }
    byte[] decoded;
    try {
      decoded = text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new SpillConfigurationException("The encryption key in " + where + " is neither 32 raw bytes, 64 hex"
          + " digits nor Base64 (" + text.length() + " characters)");
    }
    if (decoded.length != KEY_BYTES) {
      Arrays.fill(decoded, (byte) 0);
      throw new SpillConfigurationException("The encryption key in " + where + " decodes to " + decoded.length
          + " bytes; AES-256 needs " + KEY_BYTES);
    }
    return decoded;
  }

  /** Whether every byte is printable ASCII or white space, so 32 such bytes are text, not a raw key. */
  private static boolean isText(byte[] content) {
    for (byte b : content) {
      if (b < 0x09 || b > 0x7e || (b > 0x0d && b < 0x20)) {
        return false;
      }
    }
    return true;
  }
}
