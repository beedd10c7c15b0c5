package io.spillway.core;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for frame payloads, with the JDK's provider: a 128-bit tag, associated data chosen by the caller (the
 * frame's header and segment name), and a 96-bit nonce that never repeats under the key.
 *
 * <p><b>Nonces.</b> Each nonce is 8 bytes drawn from {@link SecureRandom} when the cipher is made, followed by a
 * 4-byte counter; after 2<sup>32</sup> frames a new 8-byte prefix is drawn. Within one cipher no nonce repeats. A
 * persistent session's key outlives its managers, and each new manager draws its own prefix, so two managers reuse a
 * nonce only if their random prefixes collide: for {@code n} managers over one key, a chance about
 * n<sup>2</sup>/2<sup>65</sup>. (An ephemeral session's key is fresh and used by one cipher only.)
 *
 * <p>Thread-safe: each operation gets a {@link Cipher} of its own, as a {@code Cipher} is not; the nonce counter is
 * the only shared state. Internal to the frame format.
 */
final class FrameCipher {
  /** Bytes of a nonce. */
  static final int NONCE_BYTES = 12;
  /** Bytes of the authentication tag that follows the ciphertext. */
  static final int TAG_BYTES = 16;
  /** Bytes of a key. */
  static final int KEY_BYTES = 32;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final long COUNTER_LIMIT = 1L << 32;

  private final SecretKey key;
  private final SecureRandom random;
  private long prefix; // guarded by this
  private long counter; // guarded by this

  private FrameCipher(SecretKey key, SecureRandom random) {
    this.key = key;
    this.random = random;
    this.prefix = random.nextLong();
  }

  /** A cipher under a fresh random key, held in memory only: an ephemeral session's. */
  static FrameCipher withRandomKey() {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      SecureRandom random = new SecureRandom();
      generator.init(KEY_BYTES * 8, random);
      return new FrameCipher(generator.generateKey(), random);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JDK cannot make an AES-256 key", e);
    }
  }

  /**
   * A cipher under {@code key}.
   *
   * @throws IllegalArgumentException if the key is not an AES key or, when extractable, not 32 bytes
   */
  static FrameCipher withKey(SecretKey key) {
    Objects.requireNonNull(key, "key");
    if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IllegalArgumentException("an AES key is needed, not " + key.getAlgorithm());
    }
    byte[] encoded = key.getEncoded();
    if (encoded != null) {
      int length = encoded.length;
      java.util.Arrays.fill(encoded, (byte) 0);
      if (length != KEY_BYTES) {
        throw new IllegalArgumentException("an AES-256 key has " + KEY_BYTES + " bytes, this one " + length);
      }
    }
    return new FrameCipher(key, new SecureRandom());
  }

  /** Moves the nonce counter to {@code next}, below 2<sup>32</sup>; for tests of the prefix change. */
  synchronized void skipCounterTo(long next) {
    if (next < counter || next > COUNTER_LIMIT) {
      throw new IllegalArgumentException("counter " + counter + " cannot move to " + next);
    }
    counter = next;
  }

  /** The next nonce: never the same twice from this cipher. */
  synchronized byte[] nextNonce() {
    if (counter == COUNTER_LIMIT) {
      long next;
      do {
        next = random.nextLong();
      } while (next == prefix);
      prefix = next;
      counter = 0;
    }
    long count = counter++;
    byte[] nonce = new byte[NONCE_BYTES];
    for (int i = 0; i < 8; i++) {
      nonce[i] = (byte) (prefix >>> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
      nonce[8 + i] = (byte) (count >>> (8 * i));
    }
    return nonce;
  }

  /**
   * Encrypts {@code length} bytes of {@code plaintext} from {@code offset}: the ciphertext followed by the tag,
   * {@code length + }{@value #TAG_BYTES} bytes, written to {@code out} at {@code outOffset}.
   */
  void seal(byte[] nonce, byte[] associatedData, byte[] plaintext, int offset, int length, byte[] out,
      int outOffset) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      int written = cipher.doFinal(plaintext, offset, length, out, outOffset);
      if (written != length + TAG_BYTES) {
        throw new IllegalStateException("AES-GCM wrote " + written + " bytes for " + length);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts and authenticates {@code length} bytes of {@code sealed} (ciphertext and tag) from {@code offset}; no
   * plaintext byte is returned unless the tag holds.
   *
   * @return the plaintext, {@code length - }{@value #TAG_BYTES} bytes
   * @throws AEADBadTagException if the bytes, the nonce, the associated data or the key differ from the sealing
   *     ones, or {@code length} is shorter than a tag
   */
  byte[] open(byte[] nonce, byte[] associatedData, byte[] sealed, int offset, int length)
      throws AEADBadTagException {
    if (length < TAG_BYTES) {
      throw new AEADBadTagException("a sealed payload of " + length + " bytes is shorter than its tag");
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      byte[] plaintext = new byte[length - TAG_BYTES];
      int written = cipher.doFinal(sealed, offset, length, plaintext, 0);
      if (written != plaintext.length) {
        throw new AEADBadTagException("AES-GCM returned " + written + " bytes for " + plaintext.length);
      }
      return plaintext;
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
    if (nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("a nonce has " + NONCE_BYTES + " bytes, not " + nonce.length);
    }
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
    return cipher;
  }
}
