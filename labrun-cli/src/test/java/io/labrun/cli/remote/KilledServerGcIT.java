package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed without stopping (SIGKILL: a crash, an OOM kill) leaves its record that it runs
 * beside the objects. {@code labrun server gc} from outside refuses to sweep beside it while the
 * record is under three minutes old, and sweeps once it is older: a dead server does not hold
 * collection off for ever. The record's time is set back by three minutes, which is what three
 * minutes of the killed server's silence leave (the real bin/labrun server, a folder store).
 */
class KilledServerGcIT {
  @TempDir Path tmp;

  @Test
  void aKilledServersRecordHoldsGcOffForThreeMinutesAndThenNoLonger() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("server-host"));
    Cli serverSide = new Cli(home);
    Path objects = tmp.resolve("objects");
    try (InterruptedUpload.Server server =
        InterruptedUpload.server(serverSide, "--objects", objects.toString())) {
      server.kill();
    }
    List<Path> records = records(objects);
    assertThat(records).as("the killed server's record").hasSize(1);

    Cli.Result refused = serverSide.in(tmp, "server", "gc", "--objects", objects.toString());
    assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err().strip())
        .startsWith("labrun: a labrun server uses these objects (it said so ")
        .contains("counts as gone 3 minutes after its last word")
        .doesNotContain("\n");

    // Two minutes of silence: still a server that may be running.
    setBack(records, Duration.ofMinutes(2));
    assertThat(serverSide.in(tmp, "server", "gc", "--objects", objects.toString()).code())
        .isEqualTo(2);

    // Three minutes and a bit: gone, and collection goes ahead.
    setBack(records, Duration.ofMinutes(3).plusSeconds(5));
    Cli.Result gc = serverSide.in(tmp, "server", "gc", "--objects", objects.toString());
    assertThat(gc.code()).as(gc.toString()).isZero();
    assertThat(gc.out()).startsWith("Removed 0 objects");
  }

  /**
   * A server stopped as a service manager stops it (SIGTERM) closes before its JVM ends: its record
   * goes, and gc from outside may sweep at once. (The JVM used to end with its stop hook, racing
   * the close: one stop in three or so left the record behind.)
   */
  @Test
  void aServerStoppedWithSigtermRemovesItsRecordEveryTime() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("server-host"));
    Cli serverSide = new Cli(home);
    Path objects = tmp.resolve("objects");
    for (int round = 0; round < 4; round++) {
      InterruptedUpload.Server server =
          InterruptedUpload.server(serverSide, "--objects", objects.toString());
      try {
        assertThat(records(objects)).as("the running server's record").hasSize(1);
        server.process().destroy(); // SIGTERM
        assertThat(server.process().waitFor(40, TimeUnit.SECONDS)).as("stopped").isTrue();
      } finally {
        server.kill();
      }
      assertThat(records(objects)).as("records left after stop " + (round + 1)).isEmpty();
    }
    Cli.Result gc = serverSide.in(tmp, "server", "gc", "--objects", objects.toString());
    assertThat(gc.code()).as(gc.toString()).isZero();
  }

  private static List<Path> records(Path objects) throws Exception {
    try (Stream<Path> files = Files.list(objects.resolve(".servers"))) {
      return files.toList();
    }
  }

  private static void setBack(List<Path> records, Duration silence) throws Exception {
    for (Path r : records) {
      Files.setLastModifiedTime(r, FileTime.from(Instant.now().minus(silence)));
    }
  }
}
