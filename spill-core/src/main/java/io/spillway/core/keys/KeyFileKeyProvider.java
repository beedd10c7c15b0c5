package io.spillway.core.keys;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillKeyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * {@code key-file}: the key of every persistent session is read from the file named by the option
 * {@value #KEY_FILE}, which holds 32 raw bytes, 64 hex digits or the Base64 of 32 bytes. On a POSIX file system a file
 * that its group or others may read or write is refused, as {@code ssh} refuses such a private key: a key anyone on the
 * machine can read protects nothing at rest. Make one with {@code head -c 32 /dev/urandom > spill.key && chmod 600
 * spill.key}. Stateless and thread-safe.
 */
public final class KeyFileKeyProvider implements SpillKeyProvider {
  /** Option naming the key file: {@value}. */
  public static final String KEY_FILE = "encryption.keyFile";
  /** The largest key file read: a key in any of the three forms is far shorter. */
  private static final long MAX_FILE_BYTES = 4096;
  private static final Set<PosixFilePermission> SHARED = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  /** Creates the provider; it holds no state. */
  public KeyFileKeyProvider() {}

  @Override
  public String name() {
    return "key-file";
  }

  /**
   * @throws SpillConfigurationException if {@value #KEY_FILE} is not set, the file is too large, readable or writable
   *     by its group or others, or holds no 256-bit key
   * @throws IOException if the file cannot be read
   */
  @Override
  public SecretKey key(String session, SpillConfig config) throws IOException {
    String option = config.options().get(KEY_FILE);
    if (option == null || option.isBlank()) {
      throw new SpillConfigurationException("Encryption key provider 'key-file' needs the option " + KEY_FILE
          + " (the path of a file holding a 256-bit key)");
    }
    Path file = Path.of(option.strip());
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> shared = EnumSet.copyOf(SHARED);
      shared.retainAll(posix.readAttributes().permissions());
      if (!shared.isEmpty()) {
        throw new SpillConfigurationException("Key file " + file + " (" + KEY_FILE + ") may be used by others ("
            + shared + "); allow its owner alone, for example with chmod 600");
      }
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new SpillConfigurationException("Key file " + file + " (" + KEY_FILE + ") holds " + size
          + " bytes; a 256-bit key takes at most 64 characters");
    }
    byte[] content = Files.readAllBytes(file);
    try {
      return KeyText.parse(content, "key file " + file + " (" + KEY_FILE + ")");
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /** {@value #KEY_FILE}, the one option {@link #key} reads. */
  @Override
  public Set<String> optionKeys() {
    return Set.of(KEY_FILE);
  }
}
