package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.tracking.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsParserTest {
  @TempDir Path dir;

  private void write(String file, String content, int zeros) throws Exception {
    byte[] text = content.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[text.length + zeros];
    System.arraycopy(text, 0, all, 0, text.length);
    Files.write(dir.resolve(file), all);
  }

  private void append(String file, String content) throws Exception {
    Files.writeString(dir.resolve(file), content, StandardOpenOption.APPEND);
  }

  @Test
  void scalarsAndJsonValues() throws Exception {
    write("metrics-1.log", """
        m\t1000\t0\tloss\t0.5
        m\t1001\t1\tloss\t-2.5e-3
        m\t1002\t0\tacc\t7
        m\t1003\t0\tn\tNaN
        m\t1004\t0\tp\tInfinity
        m\t1005\t0\tq\t-Infinity
        m\t1006\t0\tok\ttrue
        m\t1007\t0\tok\tfalse
        m\t1008\t0\ts\t"text"
        m\t1009\t0\tl\t[1,2.5,NaN]
        m\t1010\t0\td\t{"k":[1]}
        m\t1011\t0\tnone\tnull
        """, 4096);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).containsExactly(
        new MetricPoint("loss", 0, Instant.ofEpochMilli(1000), 0.5, null),
        new MetricPoint("loss", 1, Instant.ofEpochMilli(1001), -0.0025, null),
        new MetricPoint("acc", 0, Instant.ofEpochMilli(1002), 7.0, null),
        new MetricPoint("n", 0, Instant.ofEpochMilli(1003), Double.NaN, null),
        new MetricPoint("p", 0, Instant.ofEpochMilli(1004), Double.POSITIVE_INFINITY, null),
        new MetricPoint("q", 0, Instant.ofEpochMilli(1005), Double.NEGATIVE_INFINITY, null),
        new MetricPoint("ok", 0, Instant.ofEpochMilli(1006), 1.0, null),
        new MetricPoint("ok", 0, Instant.ofEpochMilli(1007), 0.0, null),
        new MetricPoint("s", 0, Instant.ofEpochMilli(1008), null, "\"text\""),
        new MetricPoint("l", 0, Instant.ofEpochMilli(1009), null, "[1,2.5,NaN]"),
        new MetricPoint("d", 0, Instant.ofEpochMilli(1010), null, "{\"k\":[1]}"),
        new MetricPoint("none", 0, Instant.ofEpochMilli(1011), null, "null"));
    assertThat(b.offsets()).containsOnlyKeys("metrics-1.log");
  }

  @Test
  void paramsAndTagsLastWriteWins() throws Exception {
    write("metrics-1.log", "p\t100\t0\tlr\t0.1\np\t300\t0\tlr\t0.3\nt\t100\t0\tmodel\t\"a\\tb\"\np\t100\t0\topt\t\"adam\"\n", 0);
    write("metrics-2.log", "p\t200\t0\tlr\t0.2\nt\t200\t0\tmodel\t\"c\"\np\t100\t0\tlayers\t[1,2]\n", 0);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).isEmpty();
    assertThat(b.params()).isEqualTo(Map.of("lr", "0.3", "opt", "adam", "layers", "[1,2]"));
    assertThat(b.tags()).isEqualTo(Map.of("model", "c"));
  }

  @Test
  void namesAreUnescaped() throws Exception {
    write("metrics-1.log", "m\t1\t0\ttab\\there\\\\ nl\\n é\t1\n", 0);
    assertThat(MetricsParser.read(dir).points().get(0).name()).isEqualTo("tab\there\\ nl\n é");
  }

  @Test
  void stopsAtNulAndIgnoresAPartialLine() throws Exception {
    write("metrics-1.log", "m\t1\t0\ta\t1\nm\t2\t1\ta\t2\nm\t3\t2\ta\t", 100);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).extracting(MetricPoint::value).containsExactly(1.0, 2.0);
    assertThat(b.offsets()).containsEntry("metrics-1.log", 20L);
  }

  @Test
  void followsAFileAsItGrows() throws Exception {
    write("metrics-1.log", "m\t1\t0\ta\t1\nm\t2\t1\ta", 0);
    MetricsParser.Batch first = MetricsParser.read(dir);
    assertThat(first.points()).hasSize(1);
    append("metrics-1.log", "\t2\n");
    write("metrics-2.log", "m\t3\t0\tb\t3\n", 10);
    MetricsParser.Batch second = MetricsParser.read(dir, first.offsets());
    assertThat(second.points()).extracting(MetricPoint::name, MetricPoint::step).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a", 1L), org.assertj.core.groups.Tuple.tuple("b", 0L));
    MetricsParser.Batch third = MetricsParser.read(dir, second.offsets());
    assertThat(third.isEmpty()).isTrue();
    assertThat(third.offsets()).isEqualTo(second.offsets());
  }

  @Test
  void pointsComeInTimeOrderAcrossFiles() throws Exception {
    write("metrics-1.log", "m\t10\t0\ta\t1\nm\t30\t1\ta\t1\n", 0);
    write("metrics-2.log", "m\t20\t0\tb\t1\n", 0);
    assertThat(MetricsParser.read(dir).points()).extracting(MetricPoint::name).containsExactly("a", "b", "a");
  }

  @Test
  void recordsLongerThanAReadBlock() throws Exception {
    String big = "\"" + "x".repeat(200_000) + "\"";
    write("metrics-1.log", "m\t1\t0\tbig\t" + big + "\nm\t2\t0\tsmall\t1\n", 5000);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).hasSize(2);
    assertThat(b.points().get(0).json()).isEqualTo(big);
  }

  @Test
  void manyPointsAcrossBlocks() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      sb.append("m\t").append(1000 + i).append('\t').append(i).append("\tloss\t").append(i * 0.5).append('\n');
    }
    write("metrics-7.log", sb.toString(), 1 << 16);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).hasSize(20_000);
    assertThat(b.points().get(19_999).step()).isEqualTo(19_999);
    assertThat(b.offsets().get("metrics-7.log")).isEqualTo(sb.length());
  }

  @Test
  void skipsMalformedLinesAndUnknownKinds() throws Exception {
    write("metrics-1.log", "junk\nm\tx\t0\ta\t1\nm\t1\t0\ta\n" + "m\t1\t0\ta\t1x\nm\t1\t0\ta\t01\nm\t1\t0\ta\t\nz\t1\t0\ta\t1\nm\t1\t0\tgood\t2\n", 0);
    assertThat(MetricsParser.read(dir).points()).extracting(MetricPoint::name).containsExactly("good");
  }

  @Test
  void anAbsentFolderReadsEmpty() throws Exception {
    assertThat(MetricsParser.read(dir.resolve("none")).isEmpty()).isTrue();
    Files.writeString(dir.resolve("other.txt"), "m\t1\t0\ta\t1\n");
    assertThat(MetricsParser.read(dir).isEmpty()).isTrue();
  }

  @Test
  void parsesBytesFetchedFromElsewhere() {
    byte[] bytes = "m\t1\t0\ta\t1\nm\t2\t1\ta\t2\n\0\0".getBytes(StandardCharsets.UTF_8);
    MetricsParser.Batch b = MetricsParser.parse("metrics-9.log", bytes, 500);
    assertThat(b.points()).hasSize(2);
    assertThat(b.offsets()).isEqualTo(Map.of("metrics-9.log", 520L));
  }

  @Test
  void jsonNumberGrammar() {
    assertThat(MetricsParser.isJsonNumber("-0.5e+10")).isTrue();
    assertThat(MetricsParser.isJsonNumber("12")).isTrue();
    assertThat(MetricsParser.isJsonNumber("012")).isFalse();
    assertThat(MetricsParser.isJsonNumber("1.")).isFalse();
    assertThat(MetricsParser.isJsonNumber("0x10")).isFalse();
    assertThat(MetricsParser.isJsonNumber("1d")).isFalse();
  }
}
