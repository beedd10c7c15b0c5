package io.spillway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class FrameCipherTest {
  private static final byte[] AAD = "SPIL header of segment-1".getBytes(StandardCharsets.UTF_8);

  private static byte[] payload(int length) {
    byte[] bytes = new byte[length];
    new SplittableRandom(length).nextBytes(bytes);
    return bytes;
  }

  private static byte[] seal(FrameCipher cipher, byte[] nonce, byte[] aad, byte[] plaintext) {
    byte[] sealed = new byte[plaintext.length + FrameCipher.TAG_BYTES];
    cipher.seal(nonce, aad, plaintext, 0, plaintext.length, sealed, 0);
    return sealed;
  }

  @Test
  void sealThenOpen_returnsThePlaintext_andTheCiphertextHidesIt() throws AEADBadTagException {
    FrameCipher cipher = FrameCipher.withRandomKey();
    for (int length : new int[] {0, 1, 15, 16, 17, 4096, 1 << 20}) {
      byte[] plaintext = payload(length);
      byte[] nonce = cipher.nextNonce();

      byte[] sealed = seal(cipher, nonce, AAD, plaintext);

      assertThat(sealed).hasSize(length + FrameCipher.TAG_BYTES);
      if (length >= 16) {
        assertThat(Arrays.copyOf(sealed, length)).isNotEqualTo(plaintext);
      }
      assertThat(cipher.open(nonce, AAD, sealed, 0, sealed.length)).isEqualTo(plaintext);
    }
  }

  @Test
  void everyFlippedBit_ofCiphertextTagNonceOrAssociatedData_failsAuthentication() {
    FrameCipher cipher = FrameCipher.withRandomKey();
    byte[] plaintext = payload(40);
    byte[] nonce = cipher.nextNonce();
    byte[] sealed = seal(cipher, nonce, AAD, plaintext);

    for (int bit = 0; bit < sealed.length * 8; bit++) {
      byte[] flipped = sealed.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> cipher.open(nonce, AAD, flipped, 0, flipped.length)).as("sealed bit %d", bit)
          .isInstanceOf(AEADBadTagException.class);
    }
    for (int bit = 0; bit < nonce.length * 8; bit++) {
      byte[] flipped = nonce.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> cipher.open(flipped, AAD, sealed, 0, sealed.length)).as("nonce bit %d", bit)
          .isInstanceOf(AEADBadTagException.class);
    }
    for (int bit = 0; bit < AAD.length * 8; bit++) {
      byte[] flipped = AAD.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> cipher.open(nonce, flipped, sealed, 0, sealed.length)).as("aad bit %d", bit)
          .isInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void truncatedOrForeignKeyed_failsAuthentication() {
    FrameCipher cipher = FrameCipher.withRandomKey();
    byte[] nonce = cipher.nextNonce();
    byte[] sealed = seal(cipher, nonce, AAD, payload(100));

    for (int length = 0; length < sealed.length; length++) {
      int cut = length;
      assertThatThrownBy(() -> cipher.open(nonce, AAD, sealed, 0, cut)).as("first %d bytes", cut)
          .isInstanceOf(AEADBadTagException.class);
    }
    assertThatThrownBy(() -> FrameCipher.withRandomKey().open(nonce, AAD, sealed, 0, sealed.length))
        .as("another session's key").isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void sameKey_givesTheSameCipher_acrossInstances() throws AEADBadTagException {
    byte[] raw = payload(32);
    FrameCipher writer = FrameCipher.withKey(new SecretKeySpec(raw, "AES"));
    FrameCipher reader = FrameCipher.withKey(new SecretKeySpec(raw, "AES"));
    byte[] nonce = writer.nextNonce();
    byte[] plaintext = payload(300);

    assertThat(reader.open(nonce, AAD, seal(writer, nonce, AAD, plaintext), 0, 300 + FrameCipher.TAG_BYTES))
        .isEqualTo(plaintext);
  }

  @Test
  void nonces_neverRepeat_andANewPrefixIsDrawnWhenTheCounterRunsOut() {
    FrameCipher cipher = FrameCipher.withRandomKey();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertThat(seen.add(Arrays.toString(cipher.nextNonce()))).isTrue();
    }
    cipher.skipSerialTo((1L << 32) - 1);
    byte[] last = cipher.nextNonce();
    byte[] next = cipher.nextNonce();

    assertThat(Arrays.copyOfRange(last, 8, 12)).containsOnly((byte) 0xff);
    assertThat(Arrays.copyOfRange(next, 8, 12)).containsOnly((byte) 0);
    assertThat(Arrays.copyOf(next, 8)).as("a new prefix").isNotEqualTo(Arrays.copyOf(last, 8));
    assertThat(seen).doesNotContain(Arrays.toString(next));
  }

  @Test
  void reservedSerials_stayInOneEpoch_andNonceAfterCountsWithinIt() {
    FrameCipher cipher = FrameCipher.withRandomKey();
    cipher.skipSerialTo((1L << 32) - 3);
    long first = cipher.reserveSerials(5);

    assertThat(first).as("the epoch had 3 left: the block starts the next").isEqualTo(1L << 32);
    byte[] nonce = cipher.nonce(first);
    assertThat(FrameCipher.nonceAfter(nonce, 4)).isEqualTo(cipher.nonce(first + 4));
    assertThat(cipher.reserveSerials(1)).isEqualTo(first + 5);
    byte[] last = cipher.nonce((1L << 32) + 4);
    last[8] = last[9] = last[10] = last[11] = (byte) 0xff;
    assertThat(FrameCipher.nonceAfter(last, 1)).as("past the counter's end").isNull();
  }

  @Test
  void withKey_refusesAKeyThatIsNotAes256() {
    assertThatThrownBy(() -> FrameCipher.withKey(new SecretKeySpec(new byte[16], "AES")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
    assertThatThrownBy(() -> FrameCipher.withKey(new SecretKeySpec(new byte[32], "HmacSHA256")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AES");
  }
}
