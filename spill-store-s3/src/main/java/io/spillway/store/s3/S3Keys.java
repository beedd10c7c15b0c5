package io.spillway.store.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Object key layout of the s3 store; see {@link S3SpillStoreProvider}. Stateless.
 *
 * <p>Internal, may change.
 */
final class S3Keys {
  static final String SESSION_PREFIX = "session-";
  /** Folders of persistent sessions: never {@link #SESSION_PREFIX}, so that dead-session removal never sees them. */
  static final String PERSISTENT_PREFIX = "persistent-";
  static final String LEASE = "lease";
  static final String VALUES = "v/";
  /** Names of a persistent session's hashed keys, {@code n/h-<SHA-256>} holding the key's UTF-8 bytes. */
  static final String NAMES = "n/";
  /** Claims of stores opening a persistent session, {@code claims/<token>}; see {@link PersistentSession}. */
  static final String CLAIMS = "claims/";
  /**
   * Markers of a persistent session's multipart uploads under way, {@code u/<SHA-256>} holding the object key and
   * the upload id, for the next owner to abort on servers that do not list uploads.
   */
  static final String UPLOADS = "u/";
  /**
   * The longest escaped key part. Servers that keep objects as files (s3rver, S3Proxy's and MinIO's file-system
   * backends) map each {@code /}-separated part of a key to a file name, which most file systems limit to 255 bytes:
   * s3rver stops serving altogether at a 514-character part. Longer keys are hashed.
   */
  private static final int MAX_ESCAPED = 200;
  private static final SecureRandom RANDOM = new SecureRandom();

  private S3Keys() {}

  /** {@code prefix + "/"}, or nothing for an empty prefix. */
  static String base(String prefix) {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  /** A new session folder, {@code <base>session-<pid>-<start ms>-<16 hex>/}. */
  static String newSessionFolder(String prefix) {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return base(prefix) + SESSION_PREFIX + self.pid() + "-" + start + "-" + HexFormat.of().formatHex(random) + "/";
  }

  /**
   * The folder of persistent session {@code name}, {@code <base>persistent-<name>/}. Session names are 1 to 64
   * characters among {@code A-Z a-z 0-9 . _ -}, not starting with {@code .} (checked by
   * {@link io.spillway.api.SpillConfig.Builder#persistentSession(String)}), so the folder is one safe key part.
   */
  static String persistentFolder(String prefix, String name) {
    return base(prefix) + PERSISTENT_PREFIX + name + "/";
  }

  /**
   * The object key part for segment {@code key}: {@code k-} and its UTF-8 bytes with every byte outside
   * {@code a-z 0-9 - _} written as {@code %} and two lowercase hex digits; or, when that is longer than 200
   * characters, {@code h-} and the SHA-256 of the key. Never holds {@code /}, {@code .}, an upper-case letter or a
   * control character, so no backend that maps keys to files can be led outside the session folder.
   */
  static String escape(String key) {
    byte[] bytes = key.getBytes(UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 2).append("k-");
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      }
      if (out.length() > MAX_ESCAPED) {
        return "h-" + sha256(bytes);
      }
    }
    return out.toString();
  }

  /**
   * The key whose {@link #escape} is {@code part}, for a {@code k-} part; {@code null} for an {@code h-} part (whose
   * key is in its name object), and for anything {@link #escape} never produces, so that exactly the keys written are
   * listed and no two object names list as one key.
   */
  static @Nullable String unescape(String part) {
    if (!part.startsWith("k-")) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(part.length());
    for (int i = 2; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '%' && i + 2 < part.length()) {
        int high = Character.digit(part.charAt(i + 1), 16);
        int low = Character.digit(part.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        return null;
      }
    }
    bytes.flip();
    String key;
    try {
      key = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    // Canonical only: upper-case hex, escaped safe bytes or an over-long form never come from escape().
    return !key.isEmpty() && escape(key).equals(part) ? key : null;
  }

  /** The SHA-256 of {@code bytes} in lowercase hex. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * The session folder (with its trailing {@code /}) holding {@code objectKey}, or {@code null} when the key is not
   * inside a session folder under {@code base}.
   */
  static @Nullable String sessionFolderOf(String base, String objectKey) {
    if (!objectKey.startsWith(base + SESSION_PREFIX)) {
      return null;
    }
    int slash = objectKey.indexOf('/', base.length());
    return slash < 0 ? null : objectKey.substring(0, slash + 1);
  }
}
