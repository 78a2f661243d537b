package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.supervisor.MetricsParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YarnDriverWrapperTest {
  @TempDir Path tmp;

  @Test
  void
      theWrapperRunsTheScriptInTheRunsFolderWithItsVariablesAndLeavesOutputsAndMetricsEvenWhenItFails()
          throws Exception {
    Path work = tmp.resolve("work");
    Files.createDirectories(work.resolve("data"));
    Files.writeString(work.resolve("data/iris.csv"), "5.1,3.5");
    Files.writeString(work.resolve("helper.py"), "NAME = 'helper'\n");
    Files.writeString(
        work.resolve("train.py"),
        """
        import os, sys
        import helper, labrun
        print("ARGS", sys.argv, helper.NAME, open("data/iris.csv").read())
        print("ENV", os.environ.get("GREETING"), os.environ.get("NOT_THE_RUNS"))
        labrun.log_metric("loss", 0.25)
        with open("outputs/model.txt", "w") as f:
            f.write("weights")
        os.makedirs("outputs/plots")
        open("outputs/plots/loss.txt", "w").write("0.1")
        sys.exit(3)
        """);
    SparkSubmission s = submission(work, List.of("GREETING", "NOT_SET"));
    Map<String, String> env =
        Map.of(
            "GREETING", "hello world",
            "NOT_THE_RUNS", "x",
            "PYTHONPATH", "/nowhere:" + Path.of("../python").toAbsolutePath().normalize());
    Path bundle = DriverBundle.write(s, env, Files.createDirectories(tmp.resolve("state")));

    // The container: YARN localizes the wrapper and the bundle into its working folder.
    Path container = Files.createDirectories(tmp.resolve("container"));
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Files.copy(bundle, container.resolve(DriverBundle.FILE_NAME));
    Path wrapper = YarnDriverWrapper.write(tmp, false);
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", wrapper.toString(), "train.py", "0.5")
            .directory(container.toFile())
            .redirectErrorStream(true);
    pb.environment().put("LOG_DIRS", logs + ",/elsewhere");
    pb.environment().remove("PYTHONPATH");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(3);
    assertThat(out)
        .contains("ARGS ['train.py', '0.5'] helper 5.1,3.5")
        .contains("ENV hello world None");

    Path back = tmp.resolve("back/work");
    Path metrics = tmp.resolve("back/metrics");
    assertThat(
            YarnDriverWrapper.unpack(
                Files.readAllBytes(logs.resolve(YarnDriverWrapper.ZIP)), back, metrics))
        .isEqualTo(3);
    assertThat(back.resolve("outputs/model.txt")).hasContent("weights");
    assertThat(back.resolve("outputs/plots/loss.txt")).hasContent("0.1");
    assertThat(MetricsParser.read(metrics).points())
        .extracting(MetricPoint::name, MetricPoint::value)
        .containsExactly(tuple("loss", 0.25));
  }

  @Test
  void whereLogsAreAggregatedTheWrapperEndsOnceItsAcknowledgementWasReadEvenWithoutAccessTimes()
      throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Process p = wrapped("open('outputs/m.txt', 'w').write('w')\nprint('last')\n", logs, 60);
    Path zip = logs.resolve(YarnDriverWrapper.ZIP);
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(zip));
    assertThat(Files.readString(tmp.resolve("stdout")))
        .as("printed before the zip is there")
        .isEqualTo("last\n");

    // Read as the NodeManager reads them for labrun, on a file system that keeps no access times
    // (O_NOATIME): the zip, whole, then the acknowledgement.
    assertThat(YarnDriverWrapper.isWhole(readWithoutAccessTime(zip))).isTrue();
    assertThat(p.isAlive()).as("reading the zip alone does not end the wait").isTrue();
    assertThat(YarnDriverWrapper.unpack(readWithoutAccessTime(zip), tmp.resolve("back/work"), null))
        .isEqualTo(1);
    readWithoutAccessTime(logs.resolve(YarnDriverWrapper.ACK));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the wrapper ended").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(logs.resolve(YarnDriverWrapper.HANDOFF_LOG))
        .as("the read of the acknowledgement ended the wait, not the 60 s")
        .hasContent("labrun read " + YarnDriverWrapper.ACK);
  }

  @Test
  void anAcknowledgementNobodyReadsEndsTheWaitAfterItsSecondsAndSaysSo() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Process p = wrapped("print('alone')\n", logs, 1);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(logs.resolve(YarnDriverWrapper.HANDOFF_LOG))
        .hasContent(
            "nobody read " + YarnDriverWrapper.ACK + " within 1 s: ended without the hand-off");
    assertThat(YarnDriverWrapper.isWhole(Files.readAllBytes(logs.resolve(YarnDriverWrapper.ZIP))))
        .isTrue();
  }

  @Test
  void aZipCutShortIsNotWhole() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("outputs/m.txt"));
      z.write("weights".getBytes(StandardCharsets.UTF_8));
    }
    byte[] zip = bytes.toByteArray();
    assertThat(YarnDriverWrapper.isWhole(zip)).isTrue();
    assertThat(YarnDriverWrapper.isWhole(java.util.Arrays.copyOf(zip, zip.length - 1))).isFalse();
    assertThat(YarnDriverWrapper.isWhole(new byte[0])).isFalse();
  }

  /**
   * Runs {@code script} through a wrapper that waits up to {@code handOffSeconds} for its
   * acknowledgement to be read, with {@code logs} as the container's log folder; its output goes to
   * {@code tmp/stdout}.
   */
  private Process wrapped(String script, Path logs, int handOffSeconds) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(work.resolve("train.py"), script);
    Path bundle =
        DriverBundle.write(
            submission(work, List.of()), Map.of(), Files.createDirectories(tmp.resolve("state")));
    Path container = Files.createDirectories(tmp.resolve("container"));
    Files.copy(bundle, container.resolve(DriverBundle.FILE_NAME));
    Path wrapper = tmp.resolve(YarnDriverWrapper.FILE_NAME);
    Files.writeString(wrapper, YarnDriverWrapper.source(handOffSeconds));
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", wrapper.toString(), "train.py")
            .directory(container.toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("stdout").toFile());
    pb.environment().put("LOG_DIRS", logs.toString());
    return pb.start();
  }

  /** The file's bytes, read as on a {@code noatime} file system: its access time stays. */
  private static byte[] readWithoutAccessTime(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                "import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOATIME);"
                    + " sys.stdout.buffer.write(os.read(fd, 1 << 24)); os.close(fd)",
                file.toString())
            .start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as(new String(p.getErrorStream().readAllBytes())).isZero();
    return bytes;
  }

  private static SparkSubmission submission(Path work, List<String> driverEnvironment) {
    return new SparkSubmission(
        "run1",
        "/spark",
        "spark-submit",
        "yarn",
        null,
        work.toString(),
        List.of(),
        Map.of(),
        List.of(),
        List.of(),
        List.of(),
        true,
        "train.py",
        List.of("0.5"),
        null,
        "cluster",
        driverEnvironment);
  }

  @Test
  void onlyEntriesUnderOutputsAreUnpacked() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (String name :
          new String[] {
            "outputs/ok.txt", "../escape.txt", "outputs/../../escape2.txt", "other.txt"
          }) {
        z.putNextEntry(new ZipEntry(name));
        z.write(name.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    Path work = Files.createDirectories(tmp.resolve("w/work"));
    assertThat(YarnDriverWrapper.unpack(bytes.toByteArray(), work, null)).isEqualTo(1);
    assertThat(work.resolve("outputs/ok.txt")).exists();
    assertThat(tmp.resolve("w/escape.txt")).doesNotExist();
    assertThat(tmp.resolve("escape2.txt")).doesNotExist();
    assertThat(work.resolve("other.txt")).doesNotExist();
  }
}
