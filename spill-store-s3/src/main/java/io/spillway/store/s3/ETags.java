package io.spillway.store.s3;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The content digests S3 reports as ETags: the MD5 of a PUT's body; for a multipart upload, the MD5 of the parts' MD5s
 * followed by {@code -<part count>}. Servers are not bound to them (AWS S3 itself reports other ETags for objects
 * encrypted with SSE-KMS or SSE-C), so the store checks them only where its probe saw the server follow them.
 * Stateless.
 *
 * <p>Internal, may change.
 */
final class ETags {
  private ETags() {}

  /** The MD5 of the remaining bytes of {@code body}, which are not consumed. */
  static byte[] md5(ByteBuffer... body) {
    MessageDigest md5 = newMd5();
    for (ByteBuffer buffer : body) {
      md5.update(buffer.duplicate());
    }
    return md5.digest();
  }

  /** The ETag S3 gives a single PUT of bytes whose MD5 is {@code md5}. */
  static String ofPut(byte[] md5) {
    return HexFormat.of().formatHex(md5);
  }

  /** The ETag S3 gives a completed multipart upload of parts whose MD5s are {@code partMd5s}, in part order. */
  static String ofMultipart(List<byte[]> partMd5s) {
    MessageDigest md5 = newMd5();
    for (byte[] part : partMd5s) {
      md5.update(part);
    }
    return HexFormat.of().formatHex(md5.digest()) + "-" + partMd5s.size();
  }

  /** {@code eTag} without the quotes servers put around it, in lower case; {@code null} stays {@code null}. */
  static @Nullable String normalize(@Nullable String eTag) {
    if (eTag == null) {
      return null;
    }
    String trimmed = eTag.trim();
    if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
      trimmed = trimmed.substring(1, trimmed.length() - 1);
    }
    return trimmed.toLowerCase(Locale.ROOT);
  }

  /** Whether the ETag the server sent is the expected one. */
  static boolean matches(@Nullable String sent, String expected) {
    return expected.equals(normalize(sent));
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
  }
}
