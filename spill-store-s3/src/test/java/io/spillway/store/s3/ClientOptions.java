package io.spillway.store.s3;

import static io.spillway.store.s3.S3SpillManagerTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.api.SpillConfig;
import io.spillway.api.SpillManager;
import io.spillway.core.Spillway;
import io.spillway.store.s3.S3StoreSettings.ChecksumMode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The eight combinations of the client options a server may mishandle ({@code s3.checksumCalculation} ×
 * {@code s3.checksumValidation} × {@code s3.chunkedEncoding}), and the round trip every one must pass on every
 * server: the store adapts at open or refuses, never loses a value later.
 */
final class ClientOptions {
  private ClientOptions() {}

  /** Every combination, as arguments of a parameterized test. */
  static Stream<Arguments> all() {
    List<Arguments> all = new ArrayList<>();
    for (ChecksumMode calculation : ChecksumMode.values()) {
      for (ChecksumMode validation : ChecksumMode.values()) {
        for (boolean chunked : new boolean[] {true, false}) {
          all.add(Arguments.of(calculation, validation, chunked));
        }
      }
    }
    return all.stream();
  }

  /**
   * A manager on {@code config} with these options spills and reloads a small and a 7 MiB segment intact; the
   * config's multipart threshold makes the latter a multipart upload.
   */
  static void roundTrip(SpillConfig.Builder config, ChecksumMode calculation, ChecksumMode validation,
      boolean chunked) {
    byte[] small = randomBytes(5000, 7);
    byte[] large = randomBytes(7 * 1024 * 1024 + 5, 8);
    SpillConfig built = config
        .option(S3StoreSettings.CHECKSUM_CALCULATION, calculation.name())
        .option(S3StoreSettings.CHECKSUM_VALIDATION, validation.name())
        .option(S3StoreSettings.CHUNKED_ENCODING, Boolean.toString(chunked))
        .build();
    try (SpillManager manager = Spillway.newManager(built)) {
      manager.registerSegment("small", small.length);
      manager.registerSegment("large", large.length);
      manager.spill("small", small);
      manager.spill("large", large);

      assertThat(manager.reload("small")).hasValueSatisfying(b -> assertThat(b).isEqualTo(small));
      assertThat(manager.reload("large")).hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
    }
  }
}
