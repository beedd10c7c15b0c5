package io.spillway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The tool against S3Proxy, a real S3 API server in this JVM: sessions written by real managers through the s3
 * store, one frame overwritten with the raw AWS SDK.
 */
class S3CliTest {
  private static final String ACCESS = "cli-access";
  private static final String SECRET = "cli-secret";
  private static final String BUCKET = "spill";

  private static BlobStoreContext context;
  private static S3Proxy proxy;
  private static S3Client client;

  private final String prefix = "cli-" + UUID.randomUUID();
  private final List<SpillManager> managers = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(new Properties())
        .build(BlobStoreContext.class);
    proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
    context.getBlobStore().createContainerInLocation(null, BUCKET);
    client = S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
        .httpClient(UrlConnectionHttpClient.create())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    client.close();
    proxy.stop();
    context.close();
  }

  @AfterEach
  void closeManagers() {
    managers.forEach(SpillManager::close);
  }

  private static URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  private SpillConfig.Builder config(String refresh, String timeout) {
    return SpillConfig.builder().store("s3").maxMemory(64L << 20)
        .option("s3.bucket", BUCKET).option("s3.prefix", prefix).option("s3.endpoint", endpoint().toString())
        .option("s3.region", "us-east-1").option("s3.accessKeyId", ACCESS).option("s3.secretAccessKey", SECRET)
        .option("s3.leaseRefresh", refresh).option("s3.leaseTimeout", timeout);
  }

  private String[] location(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--s3-bucket", BUCKET, "--s3-prefix", prefix, "--s3-endpoint", endpoint().toString(),
        "--s3-region", "us-east-1", "--s3-access-key-id", ACCESS, "--s3-secret-access-key", SECRET,
        "--s3-lease-timeout", "3s"));
    return args.toArray(String[]::new);
  }

  private static void spill(SpillManager manager, String name, byte[] bytes) {
    manager.registerSegment(name, bytes.length);
    manager.spill(name, bytes);
  }

  @Test
  void verify_objectOverwrittenInS3_namesThatSegmentAndExits1_whileTheOthersVerify() {
    byte[] p2 = FileCliTest.payload(2, 20_000);
    try (SpillManager index = Spillway.newManager(config("1m", "10m").persistentSession("index").build())) {
      spill(index, "p1", FileCliTest.payload(1, 10_000));
      spill(index, "p2", p2);
    }
    SpillManager live = Spillway.newManager(config("200ms", "2s").build());
    managers.add(live);
    spill(live, "a1", FileCliTest.payload(3, 5_000));

    Cli.Run intact = Cli.run(location("verify"));
    assertThat(intact.code()).as(intact.toString()).isZero();
    assertThat(intact.out()).contains("3 segments: 3 ok, 0 corrupt");

    String objectKey = prefix + "/persistent-index/v/k-p2";
    byte[] stored = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(objectKey)).asByteArray();
    stored[stored.length / 2] ^= 0x01;
    client.putObject(b -> b.bucket(BUCKET).key(objectKey), RequestBody.fromBytes(stored));

    Cli.Run run = Cli.run(location("verify"));
    Cli.Run ls = Cli.run(location("ls"));
    Cli.Run cat = Cli.run(location("cat", "index", "p1"));

    assertThat(run.code()).as(run.toString()).isEqualTo(SpillCli.FINDINGS);
    assertThat(run.out().lines().filter(l -> l.startsWith("CORRUPT")))
        .singleElement().asString().startsWith("CORRUPT  persistent-index 'p2': CHECKSUM_MISMATCH");
    assertThat(run.out()).contains("3 segments: 2 ok, 1 corrupt").contains("s3://" + BUCKET + "/" + prefix + "/");
    assertThat(ls.code()).as(ls.toString()).isZero();
    assertThat(ls.out()).containsPattern("persistent-index +persistent +dead +2 ")
        .containsPattern("session-\\S+ +ephemeral +alive +1 ");
    assertThat(cat.bytes()).isEqualTo(FileCliTest.payload(1, 10_000));
  }

  @Test
  void gc_removesTheDeadSessionAndNeverTheLiveOrPersistentOnes() {
    try (SpillManager index = Spillway.newManager(config("1m", "10m").persistentSession("kept").build())) {
      spill(index, "k", FileCliTest.payload(4, 100));
    }
    // Renews its lease hourly: by a 3 s lease timeout it soon looks dead, as a killed owner's session does.
    SpillManager abandoned = Spillway.newManager(config("1h", "2h").build());
    managers.add(abandoned);
    spill(abandoned, "orphan", FileCliTest.payload(5, 100));
    SpillManager live = Spillway.newManager(config("200ms", "2s").build());
    managers.add(live);
    spill(live, "a1", FileCliTest.payload(6, 100));

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> Cli.run(location("ls")).out().lines()
            .anyMatch(l -> l.matches("session-\\S+ +ephemeral +dead .*")));
    Cli.Run gc = Cli.run(location("gc"));
    Cli.Run refused = Cli.run(location("gc", "--session", "kept"));
    Cli.Run ls = Cli.run(location("ls"));

    assertThat(gc.code()).as(gc.toString()).isZero();
    assertThat(gc.out()).containsPattern("removed session-\\S+ \\(ephemeral, owner dead, 1 segment")
        .contains("removed 1 dead session").contains("kept persistent-kept");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(SpillCli.USAGE);
    assertThat(ls.out()).containsPattern("persistent-kept +persistent ")
        .containsPattern("session-\\S+ +ephemeral +alive ");
    assertThat(ls.out().lines()).noneMatch(l -> l.matches("session-\\S+ +ephemeral +dead .*"));
    assertThat(live.reload("a1")).hasValue(FileCliTest.payload(6, 100));

    Cli.Run forced = Cli.run(location("gc", "--session", "kept", "--force"));
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(Cli.run(location("ls")).out()).doesNotContain("persistent-kept");
  }

  @Test
  void missingBucket_isOneLineAndExit2() {
    Cli.Run run = Cli.run("ls", "--s3-bucket", "no-such-bucket", "--s3-endpoint", endpoint().toString(),
        "--s3-region", "us-east-1", "--s3-access-key-id", ACCESS, "--s3-secret-access-key", SECRET);

    assertThat(run.code()).isEqualTo(SpillCli.USAGE);
    assertThat(run.err()).contains("'no-such-bucket' does not exist").doesNotContain("\tat ");
  }
}
