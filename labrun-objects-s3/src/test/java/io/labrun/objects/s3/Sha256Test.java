package io.labrun.objects.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.history.ObjectIds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Sha256} against the JDK's SHA-256, and its saved state taken up again. */
class Sha256Test {
  private static final byte[] DATA = new byte[70_000];

  static {
    new Random(42).nextBytes(DATA);
  }

  @Test
  void hashesEveryLengthAsTheJdkDoes() {
    // every length across the first blocks (padding spills into a second block from 56 on), then
    // lengths around many block boundaries further on
    for (int length = 0; length <= 1_100; length++) {
      assertSameAsJdk(length);
    }
    for (int block = 64; block <= DATA.length - 64; block += 4_096 + 64) {
      for (int length = block - 9; length <= block + 9; length++) {
        assertSameAsJdk(length);
      }
    }
    assertSameAsJdk(DATA.length);
  }

  @Test
  void knownAnswers() {
    assertThat(hash("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(hash(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void piecesOfEverySizeHashAsTheWhole() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int length = random.nextInt(DATA.length);
      Sha256 s = new Sha256();
      for (int at = 0; at < length; ) {
        int n = Math.min(length - at, random.nextInt(200));
        s.update(DATA, at, n);
        at += n;
      }
      assertThat(s.hex()).isEqualTo(ObjectIds.of(Arrays.copyOf(DATA, length)));
    }
  }

  @Test
  void aStateSavedMidStreamAndTakenUpElsewhereEndsInTheSameHash() {
    Random random = new Random(11);
    for (int round = 0; round < 300; round++) {
      int length = random.nextInt(DATA.length);
      int cut = round < 130 ? Math.min(round, length) : random.nextInt(length + 1);
      Sha256 first = new Sha256();
      first.update(DATA, 0, cut);
      byte[] state = first.state();
      Sha256 second = Sha256.resumed(state);
      assertThat(second.count()).isEqualTo(cut);
      second.update(DATA, cut, length - cut);
      // the first goes on too: saving its state did not change it
      first.update(DATA, cut, length - cut);
      String expected = ObjectIds.of(Arrays.copyOf(DATA, length));
      assertThat(second.hex()).as("length %d cut at %d", length, cut).isEqualTo(expected);
      assertThat(first.hex()).isEqualTo(expected);
    }
  }

  @Test
  void aSavedStateIsTakenUpAgainAndAgain() {
    Sha256 s = new Sha256();
    int at = 0;
    for (int step : new int[] {0, 1, 63, 64, 65, 4_096, 127, 5_000}) {
      s.update(DATA, at, step);
      at += step;
      s = Sha256.resumed(s.state());
    }
    assertThat(s.hex()).isEqualTo(ObjectIds.of(Arrays.copyOf(DATA, at)));
  }

  @Test
  void whatIsNoSavedStateIsRefused() {
    byte[] state = new Sha256().state();
    byte[] wrongFormat = state.clone();
    wrongFormat[0] = 9;
    byte[] oneByteShort = Arrays.copyOf(state, state.length - 1);
    byte[] strayByte = Arrays.copyOf(state, state.length + 1); // count 0 says no byte is pending
    for (byte[] bad : new byte[][] {wrongFormat, oneByteShort, strayByte, new byte[0]}) {
      assertThatThrownBy(() -> Sha256.resumed(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static void assertSameAsJdk(int length) {
    byte[] bytes = Arrays.copyOf(DATA, length);
    assertThat(hash(bytes)).as("length %d", length).isEqualTo(ObjectIds.of(bytes));
  }

  private static String hash(byte[] bytes) {
    Sha256 s = new Sha256();
    s.update(bytes, 0, bytes.length);
    return s.hex();
  }
}
