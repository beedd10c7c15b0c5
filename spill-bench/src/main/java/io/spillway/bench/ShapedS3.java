package io.spillway.bench;

import io.spillway.api.SpillConfig;
import io.spillway.bench.shaper.ShapedProxy;
import io.spillway.bench.shaper.Shaping;
import io.spillway.store.s3.S3StoreSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * An {@link EmbeddedS3} seen through a {@link ShapedProxy}: clients and stores configured from here reach the server
 * only through the proxy, so every connection pays the shaping's time to first byte and bandwidth, as a connection
 * to AWS S3 does. Closing it closes the proxy, then the server.
 *
 * <p>Settings made here carry call timeouts of {@value #TIMEOUT_MINUTES} minutes, so that a slow shaping (a large
 * value over a narrow bandwidth) cannot trip the SDK's default 30-second attempt timeout; both sides of a
 * comparison get them. Not thread-safe to start or close.
 */
final class ShapedS3 implements AutoCloseable {
  static final int TIMEOUT_MINUTES = 10;
  private static final Duration TIMEOUT = Duration.ofMinutes(TIMEOUT_MINUTES);

  private final EmbeddedS3 server;
  private final ShapedProxy proxy;

  private ShapedS3(EmbeddedS3 server, ShapedProxy proxy) {
    this.server = server;
    this.proxy = proxy;
  }

  /**
   * Starts a server whose only bucket is {@code bucket} and a proxy in front of it shaped by {@code shaping}.
   *
   * @throws Exception if either cannot start (S3Proxy declares {@code Exception}); nothing is left running
   */
  static ShapedS3 start(String bucket, String accessKey, String secretKey, Shaping shaping) throws Exception {
    EmbeddedS3 server = EmbeddedS3.start(bucket, accessKey, secretKey);
    try {
      URI endpoint = server.endpoint();
      return new ShapedS3(server, ShapedProxy.start(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()),
          shaping));
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  /** The proxy, for its address and connection counts. */
  ShapedProxy proxy() {
    return proxy;
  }

  /** The shaping of every connection. */
  Shaping shaping() {
    return proxy.shaping();
  }

  /** Settings of an {@code s3} store on the server's bucket, through the proxy, with long call timeouts. */
  S3StoreSettings.Builder storeSettings() {
    return server.storeSettings(proxy.endpoint()).apiCallTimeout(TIMEOUT).apiCallAttemptTimeout(TIMEOUT);
  }

  /**
   * A manager configuration with the {@code s3} store on the server's bucket, through the proxy, with long call
   * timeouts and no budget set yet.
   */
  SpillConfig.Builder storeConfig() {
    String timeout = TIMEOUT_MINUTES + "m";
    return server.storeConfig(proxy.endpoint())
        .option(S3StoreSettings.API_CALL_TIMEOUT, timeout)
        .option(S3StoreSettings.API_CALL_ATTEMPT_TIMEOUT, timeout);
  }

  /**
   * Closes the proxy (resetting its connections), then stops the server and drops its objects.
   *
   * @throws IllegalStateException if the server fails to stop
   */
  @Override
  public void close() {
    try {
      proxy.close();
    } finally {
      server.close();
    }
  }
}
