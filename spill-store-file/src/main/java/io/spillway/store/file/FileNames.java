package io.spillway.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * Maps store keys (any valid segment name) to file names and back.
 *
 * <p>A key's UTF-8 bytes are escaped: {@code a-z}, {@code 0-9}, {@code -} and {@code _} stay as they are, every
 * other byte becomes {@code %} and two lowercase hex digits. The result uses no upper case, no dot, no separator
 * and no character any common filesystem forbids, so no key can name a path, and two keys never collide even on a
 * case-insensitive filesystem. A key whose escaped form fits in {@value #MAX_ESCAPED} characters is stored as
 * {@code k-<escaped>.spill}; a longer one as {@code h-<sha-256 of its UTF-8 bytes, hex>.spill}, beside a sidecar
 * {@code h-<same hex>.key} holding the key's UTF-8 bytes, so that {@code list()} can give the key back. The
 * prefixes also keep clear of names Windows reserves ({@code CON}, {@code NUL}, ...).
 *
 * <p>Internal, may change.
 */
final class FileNames {
  static final String DATA_SUFFIX = ".spill";
  static final String SIDECAR_SUFFIX = ".key";
  static final String PLAIN_PREFIX = "k-";
  static final String HASHED_PREFIX = "h-";
  static final String TEMP_PREFIX = "tmp-";
  static final String TEMP_SUFFIX = ".part";
  static final String LOCK_FILE = "session.lock";

  /** Longest escaped key kept in a file name; the name stays far below the usual 255-byte limit. */
  static final int MAX_ESCAPED = 200;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int SHA256_HEX_LENGTH = 64;

  private FileNames() {}

  /** Where a key's value, and for a long key its sidecar, live inside a session folder. */
  record Mapping(String dataFile, @Nullable String sidecarFile) {}

  static Mapping forKey(String key) {
    String escaped = escape(key);
    if (escaped != null) {
      return new Mapping(PLAIN_PREFIX + escaped + DATA_SUFFIX, null);
    }
    String hash = sha256Hex(key.getBytes(UTF_8));
    return new Mapping(HASHED_PREFIX + hash + DATA_SUFFIX, HASHED_PREFIX + hash + SIDECAR_SUFFIX);
  }

  /** The escaped key, or {@code null} if it is longer than {@link #MAX_ESCAPED}. */
  static @Nullable String escape(String key) {
    byte[] utf8 = key.getBytes(UTF_8);
    StringBuilder out = new StringBuilder(Math.min(utf8.length * 3, MAX_ESCAPED + 3));
    for (byte b : utf8) {
      int c = b & 0xff;
      if (isPlain(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
      }
      if (out.length() > MAX_ESCAPED) {
        return null;
      }
    }
    return out.toString();
  }

  /**
   * The key stored in data file {@code fileName} if its name is a plain one, else {@code null}: a hashed name
   * ({@link #isHashedDataFile}) or a name this store never produces.
   */
  static @Nullable String keyOfPlain(String fileName) {
    if (!fileName.startsWith(PLAIN_PREFIX) || !fileName.endsWith(DATA_SUFFIX)) {
      return null;
    }
    String escaped = fileName.substring(PLAIN_PREFIX.length(), fileName.length() - DATA_SUFFIX.length());
    if (escaped.isEmpty() || escaped.length() > MAX_ESCAPED) {
      return null;
    }
    byte[] bytes = new byte[escaped.length()];
    int n = 0;
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '%') {
        if (i + 2 >= escaped.length()) {
          return null;
        }
        int hi = hexValue(escaped.charAt(i + 1));
        int lo = hexValue(escaped.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        int value = (hi << 4) | lo;
        if (isPlain(value)) {
          return null; // not canonical: escape() would have kept it as is
        }
        bytes[n++] = (byte) value;
        i += 2;
      } else if (c < 0x80 && isPlain(c)) {
        bytes[n++] = (byte) c;
      } else {
        return null;
      }
    }
    return decodeUtf8(bytes, n);
  }

  static boolean isHashedDataFile(String fileName) {
    return isHashed(fileName, DATA_SUFFIX);
  }

  /** The sidecar name belonging to hashed data file {@code fileName}. */
  static String sidecarOf(String hashedDataFile) {
    return hashedDataFile.substring(0, hashedDataFile.length() - DATA_SUFFIX.length()) + SIDECAR_SUFFIX;
  }

  /**
   * The key recorded in sidecar {@code sidecarFile} with content {@code content}, or {@code null} if the content is
   * not the UTF-8 key whose hash names the file.
   */
  static @Nullable String keyOfSidecar(String sidecarFile, byte[] content) {
    if (!isHashed(sidecarFile, SIDECAR_SUFFIX)) {
      return null;
    }
    String hash = sidecarFile.substring(HASHED_PREFIX.length(), HASHED_PREFIX.length() + SHA256_HEX_LENGTH);
    if (!hash.equals(sha256Hex(content))) {
      return null;
    }
    return decodeUtf8(content, content.length);
  }

  private static boolean isHashed(String fileName, String suffix) {
    if (fileName.length() != HASHED_PREFIX.length() + SHA256_HEX_LENGTH + suffix.length()
        || !fileName.startsWith(HASHED_PREFIX) || !fileName.endsWith(suffix)) {
      return false;
    }
    for (int i = HASHED_PREFIX.length(); i < HASHED_PREFIX.length() + SHA256_HEX_LENGTH; i++) {
      if (hexValue(fileName.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlain(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static @Nullable String decodeUtf8(byte[] bytes, int length) {
    try {
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String sha256Hex(byte[] bytes) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    char[] hex = new char[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      hex[2 * i] = HEX[(digest[i] >>> 4) & 0xf];
      hex[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return new String(hex);
  }

  /** {@code key} quoted for a message, control characters spelled out so that a log line stays one line. */
  static String describe(String key) {
    StringBuilder out = new StringBuilder(key.length() + 2).append('\'');
    key.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.append('\'').toString();
  }
}
