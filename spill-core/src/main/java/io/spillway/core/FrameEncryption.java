package io.spillway.core;

import static io.spillway.core.FrameBytes.corrupt;

import io.spillway.api.CorruptSegmentException;
import io.spillway.api.CorruptSegmentException.Reason;
import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillKeyProvider;
import io.spillway.core.internal.ServiceProviders;
import io.spillway.core.internal.SharedLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encryption step of a v3 frame (flag {@code 0x02}; see {@link SpillFrames}' format table): seals the payload
 * region with AES-256-GCM under the manager's key, and opens it again only if it authenticates. Each sealed frame
 * has a <em>serial</em>, the number its first nonce was made from; a reader that knows the serial of the frame last
 * written for a segment refuses any other (an older frame put back in its place).
 *
 * <p><b>Chunks.</b> The plaintext is sealed in chunks of {@value #CHUNK} bytes (the last one shorter, or empty for
 * an empty payload), each with a tag of its own, as in the STREAM construction (Hoang, Reyhanitabar, Rogaway and
 * Vizár, 2015): chunk {@code i} takes the nonce {@code i} places after the frame's first one, and its associated data
 * are the frame's header bytes followed by {@code i} (u32) and a byte saying whether it is the last, so that chunks
 * can be neither reordered, dropped nor added. Why chunks rather than one GCM operation over the whole payload: the
 * JDK decrypts a long GCM input with a copy of all of it, and runs its fast (intrinsic) code only once its GCM
 * methods are compiled, which a few large operations a second never bring about (a frame of 4 MiB as one operation
 * stayed at Java speed, under 300 MB/s, in a spilling process); chunks of 64 KiB cost 16 bytes each.
 *
 * <p>Where the key comes from: an ephemeral session draws a random key when the manager opens, held in memory only
 * and never written anywhere (so nothing it spilled can be read by another process, or after the manager is gone);
 * a persistent session asks the {@link SpillKeyProvider} named by the option {@value SpillKeyProvider#OPTION}, as
 * it must read its frames again after a restart. Thread-safe.
 */
final class FrameEncryption {
  /** The v3 flag of an encrypted payload region. */
  static final int FLAG = 0x02;
  /** Bytes of plaintext sealed per chunk, each with a tag of its own; the last chunk may be shorter. */
  static final int CHUNK = 64 * 1024;
  /** The fewest bytes a sealed region adds: the nonce before it and one chunk's tag (a payload of one chunk). */
  static final int OVERHEAD = FrameCipher.NONCE_BYTES + FrameCipher.TAG_BYTES;
  /** A serial that matches no frame: the reader does not know which frame to expect. */
  static final long ANY_SERIAL = -1;

  private static final Logger LOG = LoggerFactory.getLogger(FrameEncryption.class);

  /**
   * Chunks of a frame sealed or opened on the calling thread and idle common-pool threads: frames of fewer than 8
   * chunks (512 KiB) on the caller alone, where a helper's hand-off (a few microseconds) outweighs the work, and a
   * helper for each 4 chunks at most. Why: one large encrypted spill or reload otherwise runs the cipher on one core
   * while the others wait.
   */
  private static final SharedLoop COMMON_POOL = SharedLoop.onCommonPool(8, 4);

  private final FrameCipher cipher;
  private final SharedLoop chunkLoop;

  private FrameEncryption(FrameCipher cipher) {
    this(cipher, COMMON_POOL);
  }

  /** Sealing and opening chunks with {@code chunkLoop}; for tests. */
  FrameEncryption(FrameCipher cipher, SharedLoop chunkLoop) {
    this.cipher = cipher;
    this.chunkLoop = chunkLoop;
  }

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
   * Seals {@code length} bytes of {@code plain} from {@code offset}, authenticating {@code header} with them, into the
   * first {@link #sealedLength sealedLength(length)} bytes of {@code region}: the first nonce, then each chunk's
   * ciphertext and tag.
   *
   * @return the frame's serial
   */
  long seal(byte[] header, byte[] plain, int offset, int length, byte[] region) {
    if (region.length < sealedLength(length)) {
      throw new IllegalArgumentException("a region of " + region.length + " bytes cannot hold "
          + sealedLength(length));
    }
    int chunks = chunks(length);
    long serial = cipher.reserveSerials(chunks);
    byte[] first = cipher.nonce(serial);
    System.arraycopy(first, 0, region, 0, first.length);
    // Chunk i's ciphertext and tag start at the nonce's end plus i full sealed chunks.
    chunkLoop.run(chunks, () -> Arrays.copyOf(header, header.length + CHUNK_DATA_SUFFIX), (data, i) -> {
      int from = i * CHUNK;
      int n = Math.min(CHUNK, length - from);
      byte[] nonce = i == 0 ? first : Objects.requireNonNull(FrameCipher.nonceAfter(first, i));
      cipher.seal(nonce, chunkData(data, i, i == chunks - 1), plain, offset + from, n, region,
          first.length + i * (CHUNK + FrameCipher.TAG_BYTES));
    });
    return serial;
  }

  /** The chunks a payload of {@code length} bytes is sealed in: at least one. */
  static int chunks(int length) {
    return Math.max(1, (int) ((length + (long) CHUNK - 1) / CHUNK));
  }

  /** The stored region's length for a plaintext of {@code length} bytes: nonce, chunks, a tag each. */
  static int sealedLength(int length) {
    return Math.addExact(Math.addExact(FrameCipher.NONCE_BYTES, length),
        FrameCipher.TAG_BYTES * chunks(length));
  }

  /** Bytes that follow the header in a chunk's associated data: its index (u32 LE) and the last-chunk flag. */
  private static final int CHUNK_DATA_SUFFIX = 5;

  /**
   * Makes {@code data} — the header bytes and room for {@value #CHUNK_DATA_SUFFIX} more — the associated data of
   * chunk {@code index}, and returns it. One array serves every chunk a thread seals or opens in turn: the cipher
   * reads it when the chunk is sealed or opened, before the next chunk rewrites its end.
   */
  private static byte[] chunkData(byte[] data, int index, boolean last) {
    int at = data.length - CHUNK_DATA_SUFFIX;
    for (int i = 0; i < 4; i++) {
      data[at + i] = (byte) (index >>> (8 * i));
    }
    data[at + 4] = (byte) (last ? 1 : 0);
    return data;
  }

  /**
   * Opens the sealed region of {@code length} bytes at {@code offset} of {@code stored}, whose checksum held.
   *
   * @param expectedSerial the serial of the frame last written for {@code segment}, or {@link #ANY_SERIAL}
   * @throws CorruptSegmentException {@link Reason#AUTHENTICATION_FAILED} if it is not the expected frame, or any of
   *     its bytes, its header or its key differ from the sealing ones
   */
  byte[] open(@Nullable String segment, byte[] header, byte[] stored, int offset, int length, long expectedSerial) {
    byte[] first = Arrays.copyOfRange(stored, offset, offset + FrameCipher.NONCE_BYTES);
    if (expectedSerial != ANY_SERIAL && !Arrays.equals(first, cipher.nonce(expectedSerial))) {
      throw new CorruptSegmentException(Reason.AUTHENTICATION_FAILED, segment, "the frame is not the one last"
          + " written for this segment (its nonce differs): an older frame put back, or one from elsewhere");
    }
    // The chunks follow from the length alone: full ones of CHUNK + tag bytes, then a last of a tag at least.
    long body = (long) length - FrameCipher.NONCE_BYTES;
    long sealedChunk = CHUNK + FrameCipher.TAG_BYTES;
    int chunks = (int) Math.max(1, (body + sealedChunk - 1) / sealedChunk);
    long last = body - (chunks - 1) * sealedChunk;
    if (last < FrameCipher.TAG_BYTES || FrameCipher.nonceAfter(first, chunks - 1) == null) {
      throw new CorruptSegmentException(Reason.AUTHENTICATION_FAILED, segment, "authentication failed: a sealed"
          + " region of " + length + " bytes is not one this format makes");
    }
    byte[] plain = new byte[(int) (body - (long) chunks * FrameCipher.TAG_BYTES)];
    int start = offset + FrameCipher.NONCE_BYTES;
    try {
      chunkLoop.run(chunks, () -> Arrays.copyOf(header, header.length + CHUNK_DATA_SUFFIX), (data, i) -> {
        int sealed = (int) (i < chunks - 1 ? sealedChunk : last);
        byte[] nonce = Objects.requireNonNull(FrameCipher.nonceAfter(first, i));
        cipher.openInto(nonce, chunkData(data, i, i == chunks - 1), stored, (int) (start + i * sealedChunk),
            sealed, plain, i * CHUNK);
      });
    } catch (AEADBadTagException e) {
      throw corrupt(Reason.AUTHENTICATION_FAILED, segment, "authentication failed: the frame was altered, moved"
          + " from another segment, or sealed under another key", e);
    }
    // Every chunk authenticated: only now is any plaintext byte handed out.
    return plain;
  }

  @Override
  public String toString() {
    return "aes-gcm";
  }
}
