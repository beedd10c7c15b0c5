package io.spillway.core.keys;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillKeyProvider;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * {@code env}: the key of every persistent session is read from an environment variable, {@value #DEFAULT_VARIABLE}
 * unless the option {@value #KEY_VARIABLE} names another; it holds 64 hex digits or the Base64 of 32 bytes. Suited to
 * containers whose secrets arrive in the environment; note that a process's environment can be read by its owner
 * (and root) through {@code /proc}. Stateless and thread-safe.
 */
public final class EnvironmentKeyProvider implements SpillKeyProvider {
  /** Option naming the environment variable: {@value}. */
  public static final String KEY_VARIABLE = "encryption.keyVariable";
  /** The variable read when {@value #KEY_VARIABLE} is not set: {@value}. */
  public static final String DEFAULT_VARIABLE = "SPILLWAY_ENCRYPTION_KEY";

  private final UnaryOperator<@Nullable String> environment;

  /** Creates the provider, reading the process's environment. */
  public EnvironmentKeyProvider() {
    this(System::getenv);
  }

  /** For tests: {@code environment} stands for {@link System#getenv(String)}. */
  EnvironmentKeyProvider(UnaryOperator<@Nullable String> environment) {
    this.environment = environment;
  }

  @Override
  public String name() {
    return "env";
  }

  /**
   * @throws SpillConfigurationException if the variable is not set or holds no 256-bit key
   */
  @Override
  public SecretKey key(String session, SpillConfig config) {
    String variable = config.options().getOrDefault(KEY_VARIABLE, DEFAULT_VARIABLE).strip();
    String value = environment.apply(variable);
    if (value == null || value.isBlank()) {
      throw new SpillConfigurationException("Encryption key provider 'env' found no environment variable "
          + variable + " (set it to 64 hex digits or the Base64 of 32 bytes, or name another with " + KEY_VARIABLE
          + ")");
    }
    byte[] content = value.getBytes(StandardCharsets.US_ASCII);
    try {
      return KeyText.parse(content, "environment variable " + variable);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /** {@value #KEY_VARIABLE}, the one option {@link #key} reads. */
  @Override
  public Set<String> optionKeys() {
    return Set.of(KEY_VARIABLE);
  }
}
