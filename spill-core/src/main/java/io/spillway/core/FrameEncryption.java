package io.spillway.core;

import static io.spillway.core.FrameBytes.corrupt;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillKeyProvider;
import io.spillway.core.internal.ServiceProviders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encryption step of a v3 frame (flag {@code 0x02}; see {@link SpillFrames}' format table): seals the payload
 * region with AES-256-GCM under the manager's key, the header bytes as associated data, and opens it again only if
 * it authenticates. Each sealed frame has a <em>serial</em>, the number its nonce was made from; a reader that knows
 * the serial of the frame last written for a segment refuses any other (an older frame put back in its place).
 *
 * <p>Where the key comes from: an ephemeral session draws a random key when the manager opens, held in memory only
 * and never written anywhere (so nothing it spilled can be read by another process, or after the manager is gone);
 * a persistent session asks the {@link SpillKeyProvider} named by the option {@value SpillKeyProvider#OPTION}, as
 * it must read its frames again after a restart. Thread-safe.
 */
final class FrameEncryption {
  /** The v3 flag of an encrypted payload region. */
  static final int FLAG = 0x02;
  /** Bytes a sealed region adds: the nonce before it, the tag after. */
  static final int OVERHEAD = FrameCipher.NONCE_BYTES + FrameCipher.TAG_BYTES;
  /** A serial that matches no frame: the reader does not know which frame to expect. */
  static final long ANY_SERIAL = -1;

  private static final Logger LOG = LoggerFactory.getLogger(FrameEncryption.class);

  private final FrameCipher cipher;

  private FrameEncryption(FrameCipher cipher) {
    this.cipher = cipher;
  }

  /** What {@link #seal} made: the payload region as stored, and its serial. */
  record Sealed(byte[] region, long serial) {}

  /**
   * The encryption {@code config} asks for, or null for {@code none}.
   *
   * @throws SpillConfigurationException if a persistent session names no key provider, an unknown one, or its key
   *     cannot be had (the cause attached)
   */
  static @Nullable FrameEncryption of(SpillConfig config) {
    if (config.encryption().equals("none")) {
      return null;
    }
    String session = config.persistentSession().orElse(null);
    if (session == null) {
      return new FrameEncryption(FrameCipher.withRandomKey());
    }
    SpillKeyProvider provider = keyProvider(config);
    SecretKey key;
    try {
      key = provider.key(session, config);
    } catch (IOException e) {
      throw new SpillConfigurationException("Cannot get the encryption key of persistent session '" + session
          + "' from key provider '" + provider.name() + "': " + e, e);
    }
    if (key == null) {
      throw new SpillConfigurationException("Key provider '" + provider.name() + "' returned no key for persistent"
          + " session '" + session + "'");
    }
    try {
      return new FrameEncryption(FrameCipher.withKey(key));
    } catch (IllegalArgumentException e) {
      throw new SpillConfigurationException("Key provider '" + provider.name() + "' returned an unusable key for"
          + " persistent session '" + session + "': " + e.getMessage(), e);
    }
  }

  private static SpillKeyProvider keyProvider(SpillConfig config) {
    String name = config.options().get(SpillKeyProvider.OPTION);
    List<String> found = new ArrayList<>();
    List<SpillKeyProvider> named = new ArrayList<>();
    ServiceProviders.forEach(ServiceLoader.load(SpillKeyProvider.class).iterator(), "encryption key provider", LOG,
        provider -> {
          String providerName;
          try {
            providerName = provider.name();
          } catch (RuntimeException | LinkageError e) {
            found.add("(broken: " + provider.getClass().getName() + ": " + e + ")");
            return;
          }
          found.add(providerName);
          if (providerName.equals(name)) {
            named.add(provider);
          }
        }, e -> found.add("(broken: " + e.getMessage() + ")"));
    if (name == null || name.isBlank()) {
      throw new SpillConfigurationException("Encryption of persistent session '"
          + config.persistentSession().orElse("") + "' needs a key that outlives the manager: name a key provider"
          + " with the option " + SpillKeyProvider.OPTION + " (found: " + String.join(", ", found) + ")");
    }
    if (named.isEmpty()) {
      throw new SpillConfigurationException("No encryption key provider named '" + name + "' ("
          + SpillKeyProvider.OPTION + "); found: " + String.join(", ", found));
    }
    if (named.size() > 1) {
      throw new SpillConfigurationException("Two encryption key providers are named '" + name + "': "
          + named.get(0).getClass().getName() + " and " + named.get(1).getClass().getName()
          + "; remove one from the class path");
    }
    return named.get(0);
  }

  /**
   * Seals {@code length} bytes of {@code plain} from {@code offset}, authenticating {@code header} with them.
   *
   * @return the region to store: nonce, ciphertext, tag ({@value #OVERHEAD} bytes more than the plaintext)
   */
  Sealed seal(byte[] header, byte[] plain, int offset, int length) {
    long serial = cipher.nextSerial();
    byte[] nonce = cipher.nonce(serial);
    byte[] region = new byte[length + OVERHEAD];
    System.arraycopy(nonce, 0, region, 0, nonce.length);
    cipher.seal(nonce, header, plain, offset, length, region, nonce.length);
    return new Sealed(region, serial);
  }

  /**
   * Opens the sealed region of {@code length} bytes at {@code offset} of {@code stored}, whose checksum held.
   *
   * @param expectedSerial the serial of the frame last written for {@code segment}, or {@link #ANY_SERIAL}
   * @throws CorruptSegmentException {@link Reason#AUTHENTICATION_FAILED} if it is not the expected frame, or any of
   *     its bytes, its header or its key differ from the sealing ones
   */
  byte[] open(@Nullable String segment, byte[] header, byte[] stored, int offset, int length, long expectedSerial) {
    byte[] nonce = Arrays.copyOfRange(stored, offset, offset + FrameCipher.NONCE_BYTES);
    if (expectedSerial != ANY_SERIAL && !Arrays.equals(nonce, cipher.nonce(expectedSerial))) {
      throw new CorruptSegmentException(Reason.AUTHENTICATION_FAILED, segment, "the frame is not the one last"
          + " written for this segment (its nonce differs): an older frame put back, or one from elsewhere");
    }
    try {
      return cipher.open(nonce, header, stored, offset + FrameCipher.NONCE_BYTES,
          length - FrameCipher.NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw corrupt(Reason.AUTHENTICATION_FAILED, segment, "authentication failed: the frame was altered, moved"
          + " from another segment, or sealed under another key", e);
    }
  }

  @Override
  public String toString() {
    return "aes-gcm";
  }
}
