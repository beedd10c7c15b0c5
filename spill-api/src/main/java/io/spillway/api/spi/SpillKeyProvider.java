package io.spillway.api.spi;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Supplies the AES-256 key that encrypts the frames of a <em>persistent</em> session
 * ({@link SpillConfig#persistentSession()} with {@code encryption("aes-gcm")}); registered in
 * {@code META-INF/services/io.spillway.api.spi.SpillKeyProvider} and chosen by name with the option
 * {@value #OPTION}. An ephemeral session never asks a provider: its key is drawn at random when the manager opens and
 * lives in memory only.
 *
 * <p>Bundled in spill-core: {@code key-file} (the key in a file only its owner may read) and {@code env} (the key in
 * an environment variable). A key management service plugs in by implementing this interface, for example
 * unwrapping a data key stored beside the application.
 *
 * <p>Contract: the same configuration and session name must give the same key every time, in every process, or the
 * session's frames cannot be read back (they fail authentication; nothing wrong is ever returned). The key's
 * algorithm must be {@code AES}, and if it is extractable ({@link SecretKey#getEncoded()} not null) it must be 32
 * bytes. Implementations are stateless, thread-safe and have a public no-arg constructor; a key is asked for once
 * per manager.
 */
public interface SpillKeyProvider {
  /** The option that names the provider to use: {@value}. */
  String OPTION = "encryption.keyProvider";

  /** The name users select this provider by, for example {@code "key-file"}. Unique on a class path. */
  String name();

  /**
   * The key of persistent session {@code session} under {@code config}.
   *
   * @throws IOException if the key cannot be read or fetched
   * @throws io.spillway.api.SpillConfigurationException if the provider's options are missing or unusable, or the
   *     key it found is malformed (the message names the option, never the key's bytes)
   */
  SecretKey key(String session, SpillConfig config) throws IOException;

  /**
   * The {@link SpillConfig#options() option} keys this provider reads, each exactly as
   * {@link SpillConfig.Builder#option(String, String)} takes it, so that configuration tools (spill-config's
   * {@code io.spillway.config.SpillConfigs}) can refuse a misspelt key and name the nearest valid one: for example
   * {@code encryption.keyFile}. The bundled key providers share the namespace {@code encryption.} with
   * {@value #OPTION}, which such a tool knows itself; a provider that declares keys declares every key it reads, and
   * a key nobody declares under a namespace some provider declares in is refused by such a tool.
   *
   * <p>Default: empty, meaning "not declared": such a tool accepts any key under {@code name() + "."} unchecked
   * and leaves it to the provider to judge; it cannot map environment variables onto undeclared keys.
   */
  default Set<String> optionKeys() {
    return Set.of();
  }
}
