package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.LogRecord;
import io.labrun.core.run.LogRecord.Stream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLogParserTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesTagsTimesAndOffsets() {
    String log =
        "1000\to\thello\n"
            + "1001\te\toops\n"
            + "1002\tO\t10%\n"
            + "1003\tE\tpart\n"
            + "1004\ts\tcanceled\n"
            + "1005\to\t\n";
    List<LogRecord> rs = OutputLogParser.parse(bytes(log), 0);
    assertThat(rs)
        .extracting(LogRecord::stream)
        .containsExactly(
            Stream.STDOUT,
            Stream.STDERR,
            Stream.STDOUT,
            Stream.STDERR,
            Stream.SYSTEM,
            Stream.STDOUT);
    assertThat(rs)
        .extracting(LogRecord::endsLine)
        .containsExactly(true, true, false, false, true, true);
    assertThat(rs)
        .extracting(LogRecord::text)
        .containsExactly("hello", "oops", "10%", "part", "canceled", "");
    assertThat(rs.get(0).time()).isEqualTo(Instant.ofEpochMilli(1000));
    assertThat(rs.get(0).offset()).isZero();
    assertThat(rs.get(0).nextOffset()).isEqualTo(13);
    assertThat(rs.get(1).offset()).isEqualTo(13);
    assertThat(rs.get(5).nextOffset()).isEqualTo(log.length());
  }

  @Test
  void ignoresATrailingPartialLineAndResumesExactly() {
    byte[] all = bytes("1\to\tfirst\n2\to\tsecond line\n");
    List<LogRecord> head = OutputLogParser.parse(all, 0, 15, 0); // cut inside the second record
    assertThat(head).extracting(LogRecord::text).containsExactly("first");
    long resume = head.get(0).nextOffset();
    List<LogRecord> rest = OutputLogParser.parse(all, (int) resume, all.length, resume);
    assertThat(rest).extracting(LogRecord::text).containsExactly("second line");
    assertThat(rest.get(0).offset()).isEqualTo(resume);
    assertThat(rest.get(0).nextOffset()).isEqualTo(all.length);
    assertThat(OutputLogParser.completeLength(all, 15)).isEqualTo(10);
  }

  @Test
  void offsetsCountBytesNotChars() {
    byte[] log = bytes("1\to\té😀\n2\to\tnext\n");
    List<LogRecord> rs = OutputLogParser.parse(log, 100);
    assertThat(rs.get(0).text()).isEqualTo("é😀");
    assertThat(rs.get(1).offset()).isEqualTo(100 + 4 + 2 + 4 + 1);
  }

  @Test
  void unescapes() {
    List<LogRecord> rs = OutputLogParser.parse(bytes("1\to\ta\\tb\\\\c\\rd\\0e\\nf \\q\n"), 0);
    assertThat(rs.get(0).text()).isEqualTo("a\tb\\c\rd\0e\nf \\q");
  }

  @Test
  void escapeRoundTrips() {
    String text = "tab\t back\\ \\t cr\r nul\0 nl\n é";
    assertThat(LogText.unescape(LogText.escape(text))).isEqualTo(text);
    assertThat(LogText.escape(text)).doesNotContain("\t", "\r", "\n", "\0");
    assertThat(LogText.escape("plain")).isSameAs("plain");
  }

  @Test
  void skipsLinesThatAreNotRecords() {
    List<LogRecord> rs =
        OutputLogParser.parse(
            bytes("garbage\nx\to\tbad time\n1\tz\tbad tag\n1\too\tlong tag\n1\to\n2\to\tgood\n"),
            0);
    assertThat(rs).extracting(LogRecord::text).containsExactly("good");
    assertThat(rs.get(0).offset()).isEqualTo(51);
  }

  @Test
  void readsAFileFromAnOffset(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(StateFolder.OUTPUT_LOG);
    Files.write(file, bytes("1\to\tone\n2\to\ttwo\n3\to\tthr"));
    List<LogRecord> all = OutputLogParser.read(file, 0, 1 << 20);
    assertThat(all).extracting(LogRecord::text).containsExactly("one", "two");
    assertThat(OutputLogParser.read(file, all.get(0).nextOffset(), 1 << 20))
        .extracting(LogRecord::text)
        .containsExactly("two");
    assertThat(OutputLogParser.read(file, all.get(1).nextOffset(), 1 << 20)).isEmpty();
    assertThat(OutputLogParser.read(file, 0, 12))
        .extracting(LogRecord::text)
        .containsExactly("one");
  }
}
