package io.spillway.store.s3;

/** {@link S3OutageTest} on s3rver, its process killed and started again over the same data. */
class S3rverOutageTest extends S3OutageTest {
  @Override
  S3TestServer startServer() throws Exception {
    return new S3rverServer();
  }
}
