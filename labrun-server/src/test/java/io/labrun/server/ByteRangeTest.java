package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void readsTheRangesAResumedDownloadSends() {
    assertThat(ByteRange.parse("bytes=100-", 1000)).containsExactly(100, 999);
    assertThat(ByteRange.parse("bytes=0-9", 1000)).containsExactly(0, 9);
    assertThat(ByteRange.parse("bytes=990-5000", 1000)).containsExactly(990, 999);
    assertThat(ByteRange.parse("bytes=-10", 1000)).containsExactly(990, 999);
  }

  @Test
  void aRangePastTheEndIsUnsatisfiableAndOtherFormsGetTheWholeFile() {
    assertThat(ByteRange.parse("bytes=1000-", 1000)).isEmpty();
    assertThat(ByteRange.parse(null, 1000)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,5-6", 1000)).isNull();
    assertThat(ByteRange.parse("items=0-1", 1000)).isNull();
    assertThat(ByteRange.parse("bytes=x-", 1000)).isNull();
    assertThat(ByteRange.parse("bytes=9-3", 1000)).isNull();
  }
}
