package io.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.config.KnownKeys.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownKeysTest {

  @Test
  void environmentName_upperSnakeWithDotsAsUnderscores() {
    assertThat(KnownKeys.environmentName("maxMemory")).isEqualTo("SPILLWAY_MAX_MEMORY");
    assertThat(KnownKeys.environmentName("file.logFileSize")).isEqualTo("SPILLWAY_FILE_LOG_FILE_SIZE");
    assertThat(KnownKeys.environmentName("s3.apiCallAttemptTimeout")).isEqualTo("SPILLWAY_S3_API_CALL_ATTEMPT_TIMEOUT");
    assertThat(KnownKeys.environmentName("s3.bucket")).isEqualTo("SPILLWAY_S3_BUCKET");
    assertThat(KnownKeys.environmentName("zstd.level")).isEqualTo("SPILLWAY_ZSTD_LEVEL");
    assertThat(KnownKeys.environmentName("key-file.path")).isEqualTo("SPILLWAY_KEY_FILE_PATH");
  }

  @Test
  void discover_bundledKeys_eachHasAnEnvironmentNameOfItsOwn() {
    KnownKeys known = KnownKeys.discover(getClass().getClassLoader());
    assertThat(known.valid()).contains("maxMemory", "file.appendFiles", "s3.bucket", "tiered.primaryQuota",
        "zstd.level", "encryption.keyProvider", "encryption.keyFile", "encryption.keyVariable",
        "policy.reloadLatencyNanos", "policy.reloadBytesPerSecond");
    for (String key : known.valid()) {
      assertThat(known.keysOfEnvironmentName(KnownKeys.environmentName(key))).as(key).containsExactly(key);
    }
  }

  @Test
  void verdict_declaredOwnedUndeclaredAndUnknownNamespaces() {
    KnownKeys known = new KnownKeys(List.of("file.appendFiles"), List.of("lru", "file"));
    assertThat(known.verdict("maxMemory")).isEqualTo(Verdict.SETTING);
    assertThat(known.verdict("file.appendFiles")).isEqualTo(Verdict.OPTION);
    assertThat(known.verdict("file.other")).as("a namespace someone declares in").isEqualTo(Verdict.UNKNOWN);
    assertThat(known.verdict("lru.window")).as("a plugin that declares nothing").isEqualTo(Verdict.PASSED_THROUGH);
    assertThat(known.verdict("lru.")).isEqualTo(Verdict.UNKNOWN);
    assertThat(known.verdict("lru")).isEqualTo(Verdict.UNKNOWN);
    assertThat(known.verdict("nobody.key")).isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void distance_isLevenshtein() {
    assertThat(KnownKeys.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(KnownKeys.distance("", "abc")).isEqualTo(3);
    assertThat(KnownKeys.distance("maxmemroy", "maxmemory")).isEqualTo(2);
    assertThat(KnownKeys.distance("same", "same")).isZero();
  }
}
