package io.spillway.store.s3;

/** {@link S3OutageTest} on S3Proxy in this JVM, stopped and started again. */
class S3ServerOutageTest extends S3OutageTest {
  @Override
  S3TestServer startServer() throws Exception {
    return new S3ProxyServer();
  }
}
