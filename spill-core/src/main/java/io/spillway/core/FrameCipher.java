package io.spillway.core;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM for frame payloads, with the JDK's provider: a 128-bit tag, associated data chosen by the caller (the
 * frame's header and segment name), and a 96-bit nonce that never repeats under the key.
 *
 * <p><b>Nonces.</b> Each nonce is 8 bytes drawn from {@link SecureRandom} when the cipher is made, followed by a
 * 4-byte counter; after 2<sup>32</sup> frames a new 8-byte prefix is drawn (see {@link #nextSerial()}). Within one
 * cipher no nonce repeats. A
 * persistent session's key outlives its managers, and each new manager draws its own prefix, so two managers reuse a
 * nonce only if their random prefixes collide: for {@code n} managers over one key, a chance about
 * n<sup>2</sup>/2<sup>65</sup>. (An ephemeral session's key is fresh and used by one cipher only.)
 *
 * <p>Thread-safe: each thread gets a {@link Cipher} of its own, as a {@code Cipher} is not; the serial counter and
 * the prefixes are the only shared state. Internal to the frame format.
 */
final class FrameCipher {
  /** Bytes of a nonce. */
  static final int NONCE_BYTES = 12;
  /** Bytes of the authentication tag that follows the ciphertext. */
  static final int TAG_BYTES = 16;
  /** Bytes of a key. */
  static final int KEY_BYTES = 32;

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private final SecretKey key;
  private final SecureRandom random;
  /** The nonce prefix of each epoch of 2<sup>32</sup> serials, all distinct. Guarded by this. */
  private long[] prefixes;
  private long nextSerial; // guarded by this
  /**
   * Each thread's {@link Cipher}, made on its first operation and initialised again for every one: a
   * {@code Cipher} is not thread-safe, and making one per chunk (provider lookup, key schedule) cost more than the
   * chunk's arithmetic.
   */
  private final ThreadLocal<@Nullable Cipher> ciphers = new ThreadLocal<>();

  private FrameCipher(SecretKey key, SecureRandom random) {
    this.key = key;
    this.random = random;
    this.prefixes = new long[] {random.nextLong()};
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
      Arrays.fill(encoded, (byte) 0);
      if (length != KEY_BYTES) {
        throw new IllegalArgumentException("an AES-256 key has " + KEY_BYTES + " bytes, this one " + length);
      }
    }
    return new FrameCipher(key, new SecureRandom());
  }

  /** Moves the serial counter forward to {@code next}; for tests of the prefix change. */
  synchronized void skipSerialTo(long next) {
    if (next < nextSerial || (next >>> 32) > prefixes.length) {
      throw new IllegalArgumentException("serial " + nextSerial + " cannot move to " + next);
    }
    nextSerial = next;
  }

  /**
   * The serial of the next frame: 0, 1, 2 and so on, each given once. Serial {@code s} seals with the nonce
   * {@link #nonce(long) nonce(s)}: the prefix of epoch {@code s >>> 32} (drawn at random, distinct from the earlier
   * epochs') and the low 32 bits of {@code s}.
   */
  long nextSerial() {
    return reserveSerials(1);
  }

  /**
   * Reserves {@code count} consecutive serials within one epoch, so that their nonces differ in the counter only,
   * and returns the first: a frame sealed in chunks takes one for each. If the epoch has fewer left, its rest is
   * skipped.
   *
   * @throws IllegalArgumentException unless {@code 1 <= count <= 2^31}
   */
  synchronized long reserveSerials(long count) {
    if (count < 1 || count > 1L << 31) {
      throw new IllegalArgumentException("cannot reserve " + count + " serials");
    }
    long first = nextSerial;
    if ((first >>> 32) != ((first + count - 1) >>> 32)) {
      first = ((first >>> 32) + 1) << 32; // the epoch's rest is too short: start the next one
    }
    nextSerial = first + count;
    int epoch = (int) (first >>> 32);
    while (prefixes.length <= epoch) {
      long prefix;
      do {
        prefix = random.nextLong();
      } while (contains(prefixes, prefix));
      prefixes = Arrays.copyOf(prefixes, prefixes.length + 1);
      prefixes[prefixes.length - 1] = prefix;
    }
    return first;
  }

  /**
   * The nonce {@code index} places after {@code first} in the same epoch: {@code first} with {@code index} added to
   * its 32-bit counter, or null if that passes the counter's end (no writer makes such a frame).
   */
  static byte @Nullable [] nonceAfter(byte[] first, long index) {
    long counter = (first[8] & 0xFFL) | (first[9] & 0xFFL) << 8 | (first[10] & 0xFFL) << 16
        | (first[11] & 0xFFL) << 24;
    long next = counter + index;
    if (index < 0 || next > 0xFFFF_FFFFL) {
      return null;
    }
    byte[] nonce = first.clone();
    for (int i = 0; i < 4; i++) {
      nonce[8 + i] = (byte) (next >>> (8 * i));
    }
    return nonce;
  }

  private static boolean contains(long[] values, long value) {
    for (long v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }

  /**
   * The nonce of serial {@code serial}, one this cipher gave out.
   *
   * @throws IllegalArgumentException for a serial not yet given
   */
  synchronized byte[] nonce(long serial) {
    if (serial < 0 || serial >= nextSerial) {
      throw new IllegalArgumentException("serial " + serial + " was not given out (next: " + nextSerial + ")");
    }
    long prefix = prefixes[(int) (serial >>> 32)];
    byte[] nonce = new byte[NONCE_BYTES];
    for (int i = 0; i < 8; i++) {
      nonce[i] = (byte) (prefix >>> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
      nonce[8 + i] = (byte) (serial >>> (8 * i));
    }
    return nonce;
  }

  /** The nonce of the next serial. */
  byte[] nextNonce() {
    return nonce(nextSerial());
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
    byte[] plaintext = new byte[length - TAG_BYTES];
    openInto(nonce, associatedData, sealed, offset, length, plaintext, 0);
    return plaintext;
  }

  /**
   * As {@link #open}, writing the {@code length - }{@value #TAG_BYTES} plaintext bytes into {@code out} at
   * {@code outOffset}; on failure, what it wrote there is not to be used.
   *
   * @throws AEADBadTagException as {@link #open}
   */
  void openInto(byte[] nonce, byte[] associatedData, byte[] sealed, int offset, int length, byte[] out,
      int outOffset) throws AEADBadTagException {
    if (length < TAG_BYTES) {
      throw new AEADBadTagException("a sealed chunk of " + length + " bytes is shorter than its tag");
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce);
      cipher.updateAAD(associatedData);
      int written = cipher.doFinal(sealed, offset, length, out, outOffset);
      if (written != length - TAG_BYTES) {
        throw new AEADBadTagException("AES-GCM returned " + written + " bytes for " + (length - TAG_BYTES));
      }
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
    Cipher cipher = ciphers.get();
    if (cipher == null) {
      cipher = Cipher.getInstance(TRANSFORMATION);
      ciphers.set(cipher);
    }
    // init resets whatever the last operation left, a failed one included; the key schedule is kept for the key.
    cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
    return cipher;
  }
}
