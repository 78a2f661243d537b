package io.labrun.core.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.run.LogRecord;
import io.labrun.core.run.LogRecord.Stream;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-language contract: the real supervisor and logging libraries (unpacked from the jar's
 * resources by {@link PythonRuntime}) run under {@code python3}, and the Java readers parse what
 * they wrote.
 */
class SupervisorContractTest {
  @TempDir Path tmp;
  private Path state;
  private Path work;
  private PythonRuntime.Installed runtime;

  @BeforeEach
  void setUp() throws IOException {
    state = Files.createDirectories(tmp.resolve("state"));
    work = Files.createDirectories(tmp.resolve("work"));
    runtime = PythonRuntime.extract(tmp.resolve("runtime"));
  }

  private Process start(String script, LaunchSpec spec) throws IOException {
    Files.writeString(work.resolve("script.py"), script);
    Files.writeString(state.resolve(StateFolder.LAUNCH), spec.toJson());
    return new ProcessBuilder("python3", runtime.supervisor().toString(), state.toString())
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("supervisor.out").toFile())
        .start();
  }

  private LaunchSpec spec() {
    return LaunchSpec.of(
        List.of("python3", "script.py"),
        work.toString(),
        Map.of("GREETING", "hé\tllo"),
        ProcessHandle.current().pid());
  }

  private ExitRecord exit() throws IOException {
    return ExitRecords.parse(Files.readString(state.resolve(StateFolder.EXIT)));
  }

  @Test
  void theLaunchRecordIsTheOwnersAloneAndKeepsTheSecretsOnlyUntilTheSupervisorReadThem()
      throws Exception {
    Files.writeString(
        work.resolve("script.py"),
        """
        import os, sys
        print("secret ok" if os.environ["DB_PASSWORD"] == "hunter2" and sys.argv[1] == "postgres://me:hunter2@db/x" else "secret wrong")
        """);
    LaunchSpec spec =
        LaunchSpec.of(
            List.of("python3", "script.py", "postgres://me:hunter2@db/x"),
            work.toString(),
            Map.of("DB_PASSWORD", "hunter2", "MODE", "fast"),
            ProcessHandle.current().pid());
    Path runState = tmp.resolve("runs/r1");
    LaunchSpec.write(runState, spec.toJson());
    assertThat(Files.getPosixFilePermissions(runState))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    Path launch = runState.resolve(StateFolder.LAUNCH);
    assertThat(Files.getPosixFilePermissions(launch))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(launch)).contains("hunter2");
    Process p =
        new ProcessBuilder("python3", runtime.supervisor().toString(), runState.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("supervisor.out").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ExitRecords.parse(Files.readString(runState.resolve(StateFolder.EXIT))).exitCode())
        .isZero();
    assertThat(Files.readString(runState.resolve("output.log"))).contains("secret ok");
    String after = Files.readString(launch);
    assertThat(after).doesNotContain("hunter2");
    LaunchSpec kept = LaunchSpec.parse(after);
    assertThat(kept.env()).containsEntry("DB_PASSWORD", "***").containsEntry("MODE", "fast");
    assertThat(kept.argv()).containsExactly("python3", "script.py", "postgres://me:***@db/x");
    assertThat(Files.getPosixFilePermissions(launch))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void outputExitAndMetricsAsTheJavaReadersSeeThem() throws Exception {
    Process p =
        start(
            """
            import os, sys, time
            import labrun
            from azureml.logging import get_azureml_logger
            print(os.environ["GREETING"] + " \\\\ back")
            time.sleep(0.2)
            sys.stderr.write("to stderr\\n")
            sys.stderr.flush()
            time.sleep(0.2)
            sys.stdout.write("50%")
            sys.stdout.flush()
            time.sleep(0.3)
            print(" done \\U0001F600")
            sys.stdout.buffer.write(b"bad \\xff\\n")
            for i in range(3):
                labrun.log_metric("loss", 1.0 / (i + 1))
            labrun.log_metric("odd", float("nan"))
            get_azureml_logger().log("curve", [1, 2, 3])
            get_azureml_logger().log(description="ok", value=True)
            labrun.log_param("lr", 0.01)
            labrun.set_tag("model", "tiny")
            sys.exit(3)
            """,
            spec());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("supervisor.out"))).isZero();

    ExitRecord exit = exit();
    assertThat(exit.exitCode()).isEqualTo(3);
    assertThat(exit.signal()).isNull();
    assertThat(exit.status()).isEqualTo(RunStatus.FAILED);
    assertThat(exit.ended()).isBetween(Instant.now().minusSeconds(60), Instant.now());

    SupervisorState s =
        SupervisorState.parse(Files.readString(state.resolve(StateFolder.SUPERVISOR)));
    assertThat(s.childPgid()).isEqualTo(s.childPid());

    byte[] log = Files.readAllBytes(state.resolve(StateFolder.OUTPUT_LOG));
    List<LogRecord> records = OutputLogParser.parse(log, 0);
    assertThat(records)
        .extracting(LogRecord::stream, LogRecord::text, LogRecord::endsLine)
        .containsExactly(
            Tuple.tuple(Stream.STDOUT, "hé\tllo \\ back", true),
            Tuple.tuple(Stream.STDERR, "to stderr", true),
            Tuple.tuple(Stream.STDOUT, "50%", false),
            Tuple.tuple(Stream.STDOUT, " done 😀", true),
            Tuple.tuple(Stream.STDOUT, "bad \ufffd", true));
    assertThat(records.get(records.size() - 1).nextOffset()).isEqualTo(log.length);

    MetricsParser.Batch metrics = MetricsParser.read(state.resolve(StateFolder.METRICS));
    assertThat(metrics.points())
        .extracting(MetricPoint::name, MetricPoint::step, MetricPoint::text)
        .containsExactly(
            Tuple.tuple("loss", 0L, "1"),
            Tuple.tuple("loss", 1L, "0.5"),
            Tuple.tuple("loss", 2L, "0.3333333333333333"),
            Tuple.tuple("odd", 0L, "NaN"),
            Tuple.tuple("curve", 0L, "[1,2,3]"),
            Tuple.tuple("ok", 0L, "1"));
    assertThat(metrics.params()).isEqualTo(Map.of("lr", "0.01"));
    assertThat(metrics.tags()).isEqualTo(Map.of("model", "tiny"));
  }

  @Test
  void theSdksRunObjectAsTheJavaReadersSeeIt() throws Exception {
    Process p =
        start(
            """
            from azureml.core.run import Run
            run = Run.get_submitted_run()
            run.log("accuracy", 0.5)
            run.log_list("precision", [0.25, 0.5])
            run.log_row("citrus", fruit="lime", size=3)
            run.tag("model", "ridge")
            run.add_properties({"dataset": "iris"})
            with open("model.txt", "w") as f:
                f.write("weights")
            run.upload_file("models/model.txt", "model.txt")
            """,
            spec());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(exit().exitCode())
        .as(Files.readString(state.resolve(StateFolder.OUTPUT_LOG)))
        .isZero();

    MetricsParser.Batch metrics = MetricsParser.read(state.resolve(StateFolder.METRICS));
    assertThat(metrics.points())
        .extracting(MetricPoint::name, MetricPoint::text)
        .containsExactly(
            Tuple.tuple("accuracy", "0.5"),
            Tuple.tuple("precision", "[0.25,0.5]"),
            Tuple.tuple("citrus", "{\"fruit\":\"lime\",\"size\":3}"));
    assertThat(metrics.tags()).isEqualTo(Map.of("model", "ridge"));
    assertThat(metrics.params()).isEqualTo(Map.of("dataset", "iris"));
    Map<String, Path> uploads = Uploads.read(state.resolve(StateFolder.METRICS));
    assertThat(uploads).containsOnlyKeys("models/model.txt");
    assertThat(Files.readString(uploads.get("models/model.txt"))).isEqualTo("weights");
  }

  @Test
  void liveFollowingAndCancel() throws Exception {
    Process p =
        start(
            """
            import os, time, labrun
            labrun.log_metric("step", 1)
            print("waiting", flush=True)
            while not os.path.exists("go"):
                time.sleep(0.02)
            labrun.log_metric("step", 2)
            print("going on", flush=True)
            time.sleep(60)
            """,
            spec().withKillGraceSeconds(5));
    Path metricsDir = state.resolve(StateFolder.METRICS);
    Path output = state.resolve(StateFolder.OUTPUT_LOG);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(output) && !OutputLogParser.read(output, 0, 1 << 20).isEmpty());
    MetricsParser.Batch first = MetricsParser.read(metricsDir);
    assertThat(first.points()).extracting(MetricPoint::value).containsExactly(1.0);
    List<LogRecord> seen = OutputLogParser.read(output, 0, 1 << 20);

    Files.createFile(work.resolve("go"));
    long resume = seen.get(seen.size() - 1).nextOffset();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !OutputLogParser.read(output, resume, 1 << 20).isEmpty());
    assertThat(OutputLogParser.read(output, resume, 1 << 20))
        .extracting(LogRecord::text)
        .containsExactly("going on");
    MetricsParser.Batch second = MetricsParser.read(metricsDir, first.offsets());
    assertThat(second.points()).extracting(MetricPoint::value).containsExactly(2.0);

    p.toHandle().destroy(); // SIGTERM to the supervisor: cancel
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    ExitRecord exit = exit();
    assertThat(exit.canceled()).isTrue();
    assertThat(exit.signal()).isEqualTo(15);
    assertThat(exit.status()).isEqualTo(RunStatus.CANCELED);
    assertThat(new String(Files.readAllBytes(output), StandardCharsets.UTF_8))
        .contains("\ts\tcanceled");
  }

  @Test
  void aMillionPointsOfAScriptKilledRightAfterLoggingThem() throws Exception {
    Process p =
        start(
            """
            import os, signal, labrun
            for i in range(1000000):
                labrun.log_metric("loss", i * 0.25, step=i)
                if i % 100000 == 0:
                    labrun.log_metric("phase", "at %d" % i)
            labrun.log_metric("last", 7)
            os.kill(os.getpid(), signal.SIGKILL)
            """,
            spec());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(exit().signal()).isEqualTo(9);

    List<MetricPoint> points = MetricsParser.read(state.resolve(StateFolder.METRICS)).points();
    List<MetricPoint> loss = points.stream().filter(m -> m.name().equals("loss")).toList();
    assertThat(loss).hasSize(1_000_000);
    for (int i = 0; i < loss.size(); i++) {
      assertThat(loss.get(i).step()).isEqualTo(i);
      assertThat(loss.get(i).value()).isEqualTo(i * 0.25);
    }
    assertThat(points.stream().filter(m -> m.name().equals("phase")).map(MetricPoint::json))
        .containsExactly(
            "\"at 0\"",
            "\"at 100000\"",
            "\"at 200000\"",
            "\"at 300000\"",
            "\"at 400000\"",
            "\"at 500000\"",
            "\"at 600000\"",
            "\"at 700000\"",
            "\"at 800000\"",
            "\"at 900000\"");
    assertThat(points.get(points.size() - 1))
        .extracting(MetricPoint::name, MetricPoint::value)
        .containsExactly("last", 7.0);
  }

  @Test
  void aFollowerReadingWhileTheScriptLogsGetsEveryPointOnce() throws Exception {
    Process p =
        start(
            """
            import labrun
            for i in range(300000):
                labrun.log_metric("loss", i * 0.5)
                if i % 1000 == 0:
                    labrun.log_metric("note", {"at": i})
            """,
            spec());
    Path metricsDir = state.resolve(StateFolder.METRICS);
    List<MetricPoint> followed = new ArrayList<>();
    AtomicReference<Map<String, Long>> offsets = new AtomicReference<>(Map.of());
    AtomicInteger reads = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              boolean ended = !p.isAlive(); // read once more after the end
              MetricsParser.Batch b = MetricsParser.read(metricsDir, offsets.get());
              followed.addAll(b.points());
              offsets.set(b.offsets());
              reads.incrementAndGet();
              return ended;
            });
    assertThat(p.exitValue()).isZero();
    List<MetricPoint> all = MetricsParser.read(metricsDir).points();
    assertThat(all).hasSize(300_300);
    assertThat(followed).hasSize(all.size());
    assertThat(
            followed.stream().filter(m -> m.name().equals("loss")).map(MetricPoint::step).toList())
        .isEqualTo(LongStream.range(0, 300_000).boxed().toList());
    assertThat(
            followed.stream().filter(m -> m.name().equals("loss")).map(MetricPoint::value).toList())
        .isEqualTo(IntStream.range(0, 300_000).mapToObj(i -> i * 0.5).toList());
    assertThat(reads.get()).isGreaterThan(1);
  }

  @Test
  void interpreterNotFound() throws Exception {
    Process p =
        start(
            "",
            new LaunchSpec(
                List.of(tmp.resolve("no-python").toString()),
                work.toString(),
                Map.of(),
                1 << 20,
                null,
                1,
                0,
                null));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    ExitRecord exit = exit();
    assertThat(exit.exitCode()).isEqualTo(127);
    assertThat(exit.error()).contains("not found");
    assertThat(exit.status()).isEqualTo(RunStatus.FAILED);
  }
}
