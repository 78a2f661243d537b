package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.MetricPoint;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.groups.Tuple;
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

  /** A binary point as the Python writer makes it. */
  private static byte[] point(String name, long step, double value, long epochNanos) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(MetricsParser.POINT_HEAD + n.length + 1)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(MetricsParser.POINT)
        .putLong(step)
        .putDouble(value)
        .putLong(epochNanos)
        .putShort((short) n.length)
        .put(n)
        .put((byte) '\n')
        .array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void binaryPointsBetweenTextRecords() throws Exception {
    Files.write(
        dir.resolve("metrics-1.log"),
        concat(
            point("loss", 0, 0.5, 1_000_400_000L),
            text("m\t1001\t0\tcurve\t[1,2]\np\t1001\t0\tlr\t0.1\n"),
            point("loss", 1, Double.NaN, 1_002_999_999L),
            text("\n\n\n"), // the newlines that fill the end of a chunk
            point("tab\there é 😀", -5, Double.NEGATIVE_INFINITY, 1_003_000_000L),
            point("acc", Long.MAX_VALUE, 1e300, 1_004_000_000L),
            new byte[4096]));
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points())
        .containsExactly(
            new MetricPoint("loss", 0, Instant.ofEpochMilli(1000), 0.5, null),
            new MetricPoint("curve", 0, Instant.ofEpochMilli(1001), null, "[1,2]"),
            new MetricPoint("loss", 1, Instant.ofEpochMilli(1002), Double.NaN, null),
            new MetricPoint(
                "tab\there é 😀", -5, Instant.ofEpochMilli(1003), Double.NEGATIVE_INFINITY, null),
            new MetricPoint("acc", Long.MAX_VALUE, Instant.ofEpochMilli(1004), 1e300, null));
    assertThat(b.params()).isEqualTo(Map.of("lr", "0.1"));
    assertThat(b.offsets())
        .containsEntry("metrics-1.log", (long) Files.size(dir.resolve("metrics-1.log")) - 4096);
  }

  @Test
  void aPointNotCompletelyWrittenIsReadNextTime() throws Exception {
    byte[] first = point("a", 0, 1.0, 1_000_000L);
    byte[] second = point("a", 1, 2.0, 2_000_000L);
    byte[] copying = Arrays.copyOf(second, second.length);
    copying[copying.length - 1] =
        0; // its closing byte not there yet, the zeros of the chunk after it
    Files.write(dir.resolve("metrics-1.log"), concat(first, copying, new byte[100]));
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).extracting(MetricPoint::value).containsExactly(1.0);
    assertThat(b.offsets()).containsEntry("metrics-1.log", (long) first.length);

    Files.write(dir.resolve("metrics-1.log"), concat(first, second, new byte[100]));
    MetricsParser.Batch next = MetricsParser.read(dir, b.offsets());
    assertThat(next.points()).extracting(MetricPoint::value).containsExactly(2.0);
    assertThat(next.offsets()).containsEntry("metrics-1.log", (long) first.length + second.length);
  }

  @Test
  void aPointCutByTheEndOfTheFileWaitsForTheRest() throws Exception {
    byte[] p = point("loss", 3, 0.25, 5_000_000L);
    Files.write(dir.resolve("metrics-1.log"), concat(p, Arrays.copyOf(p, 10)));
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).hasSize(1);
    Files.write(
        dir.resolve("metrics-1.log"),
        Arrays.copyOfRange(p, 10, p.length),
        StandardOpenOption.APPEND);
    assertThat(MetricsParser.read(dir, b.offsets()).points())
        .containsExactly(new MetricPoint("loss", 3, Instant.ofEpochMilli(5), 0.25, null));
  }

  @Test
  void manyBinaryPointsAcrossBlocksAndAPointLongerThanABlock() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 100_000; i++) {
      out.writeBytes(point("loss", i, i * 0.5, 1_000_000L * (1000 + i)));
    }
    String longName = "n".repeat(65_535);
    out.writeBytes(point(longName, 0, 1.0, 2_000_000_000_000L));
    out.writeBytes(new byte[1 << 16]);
    Files.write(dir.resolve("metrics-1.log"), out.toByteArray());
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).hasSize(100_001);
    for (int i = 0; i < 100_000; i++) {
      MetricPoint p = b.points().get(i);
      assertThat(p.step()).isEqualTo(i);
      assertThat(p.value()).isEqualTo(i * 0.5);
    }
    assertThat(b.points().get(100_000).name()).isEqualTo(longName);
    assertThat(b.offsets().get("metrics-1.log")).isEqualTo(out.size() - (1 << 16));
  }

  @Test
  void parsesBinaryBytesFetchedFromElsewhere() {
    byte[] bytes =
        concat(
            point("a", 0, 1.5, 1_000_000L),
            text("m\t2\t1\ta\t2\n"),
            point("a", 2, 2.5, 3_000_000L),
            new byte[2]);
    MetricsParser.Batch b = MetricsParser.parse("metrics-9.log", bytes, 500);
    assertThat(b.points()).extracting(MetricPoint::value).containsExactly(1.5, 2.0, 2.5);
    assertThat(b.offsets()).isEqualTo(Map.of("metrics-9.log", 500L + bytes.length - 2));
  }

  @Test
  void scalarsAndJsonValues() throws Exception {
    write(
        "metrics-1.log",
        """
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
        """,
        4096);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points())
        .containsExactly(
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
    write(
        "metrics-1.log",
        "p\t100\t0\tlr\t0.1\n"
            + "p\t300\t0\tlr\t0.3\n"
            + "t\t100\t0\tmodel\t\"a\\tb\"\n"
            + "p\t100\t0\topt\t\"adam\"\n",
        0);
    write(
        "metrics-2.log",
        "p\t200\t0\tlr\t0.2\nt\t200\t0\tmodel\t\"c\"\np\t100\t0\tlayers\t[1,2]\n",
        0);
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
    assertThat(second.points())
        .extracting(MetricPoint::name, MetricPoint::step)
        .containsExactly(Tuple.tuple("a", 1L), Tuple.tuple("b", 0L));
    MetricsParser.Batch third = MetricsParser.read(dir, second.offsets());
    assertThat(third.isEmpty()).isTrue();
    assertThat(third.offsets()).isEqualTo(second.offsets());
  }

  @Test
  void pointsComeInTimeOrderAcrossFiles() throws Exception {
    write("metrics-1.log", "m\t10\t0\ta\t1\nm\t30\t1\ta\t1\n", 0);
    write("metrics-2.log", "m\t20\t0\tb\t1\n", 0);
    assertThat(MetricsParser.read(dir).points())
        .extracting(MetricPoint::name)
        .containsExactly("a", "b", "a");
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
      sb.append("m\t")
          .append(1000 + i)
          .append('\t')
          .append(i)
          .append("\tloss\t")
          .append(i * 0.5)
          .append('\n');
    }
    write("metrics-7.log", sb.toString(), 1 << 16);
    MetricsParser.Batch b = MetricsParser.read(dir);
    assertThat(b.points()).hasSize(20_000);
    assertThat(b.points().get(19_999).step()).isEqualTo(19_999);
    assertThat(b.offsets().get("metrics-7.log")).isEqualTo(sb.length());
  }

  @Test
  void skipsMalformedLinesAndUnknownKinds() throws Exception {
    write(
        "metrics-1.log",
        "junk\nm\tx\t0\ta\t1\nm\t1\t0\ta\n"
            + "m\t1\t0\ta\t1x\nm\t1\t0\ta\t01\nm\t1\t0\ta\t\nz\t1\t0\ta\t1\nm\t1\t0\tgood\t2\n",
        0);
    assertThat(MetricsParser.read(dir).points())
        .extracting(MetricPoint::name)
        .containsExactly("good");
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
