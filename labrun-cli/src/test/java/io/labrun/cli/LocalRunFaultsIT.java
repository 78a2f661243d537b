package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.security.auth.module.UnixSystem;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong around local runs: a CLI that goes away mid-run, floods of output, a full disk,
 * an unwritable data folder, many submits at once. History must stay consistent in every case.
 */
class LocalRunFaultsIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() {
    cli = new Cli(tmp);
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
  }

  @Test
  void outputStreamsLiveAndTheRunOutlivesItsCliAndIsRecordedByItsSupervisor() throws Exception {
    Path go = tmp.resolve("go");
    write(
        "wait.py",
        "import os, time\nprint('first line', flush=True)\nwhile not os.path.exists("
            + py(go)
            + "):\n    time.sleep(0.05)\nprint('done')\n");
    Process p = cliProcess("experiment", "submit", "-c", "local", "wait.py");
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    // The first line arrives while the script is still running: output is live, not collected at
    // the end.
    assertThat(out.readLine()).isEqualTo("first line");
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(err).contains("goes on").contains("experiment logs -r");
    try (RunStore store = store()) {
      Run run = store.list(RunQuery.all()).get(0);
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
      Files.createFile(go);
      // Nobody runs a labrun command: the supervisor's finalizer records the end by itself.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> store.find(run.id()).orElseThrow().status() == RunStatus.COMPLETED);
    }
    Cli.Result logs = cli.in(project, "experiment", "logs", "-r", lastRunId());
    assertThat(logs.out()).isEqualTo("first line\ndone\n");
  }

  @Test
  void aFloodOfOutputIsBoundedAndTheRunStillCompletes() throws Exception {
    // One gigabyte of output; the stored log keeps 8 MiB of it and says how much was dropped.
    write(
        "flood.py",
        "import sys\n"
            + "line = 'x' * 1023 + '\\n"
            + "'\n"
            + "block = line * 1024\n"
            + "for i in range(1024):\n"
            + "    sys.stdout.write(block)\n"
            + "print('the end')\n");
    cli.env("LABRUN_LOG_LIMIT_BYTES", Long.toString(8L << 20));
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "--detach", "flood.py");
    String runId = r.out().strip();
    // 'experiment status' brings the run up to date (this JVM, which started it, is still alive,
    // so the supervisor leaves recording the end to whoever looks).
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> !cli.in(project, "experiment", "status", "-r", runId).out().contains("Running"));
    Cli.Result info = cli.in(project, "history", "info", "-r", runId, "-o", "json");
    assertThat(info.out())
        .contains("\"status\" : \"Completed\"")
        .contains("bytes of output were not stored");
    Path log = tmp.resolve("labrun/data/runs").resolve(runId).resolve("output.log");
    assertThat(Files.size(log)).isLessThan(12L << 20);
    Cli.Result logs = cli.in(project, "experiment", "logs", "-r", runId);
    assertThat(logs.out()).endsWith("the end\n");
    assertThat(logs.err()).contains("dropped");
  }

  @Test
  void aFullDiskWhileCollectingOutputsFailsTheRunClearly() throws Exception {
    assertThat(new UnixSystem().getUid())
        .as("this test mounts a small tmpfs: run the suite as root (scripts/test.sh)")
        .isZero();
    Path objects = tmp.resolve("labrun/data/objects");
    Files.createDirectories(objects);
    run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", objects.toString());
    try {
      write(
          "big.py",
          "import os\n"
              + "os.makedirs('outputs', exist_ok=True)\n"
              + "open('outputs/big.bin', 'wb').write(os.urandom(2 << 20))\n"
              + "print('wrote')\n");
      Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "big.py");
      assertThat(r.code()).as(r.toString()).isEqualTo(1);
      assertThat(r.err())
          .contains("Failed")
          .contains("could not collect")
          .containsIgnoringCase("space");
      try (RunStore store = store()) {
        assertThat(store.unfinished()).isEmpty();
      }
    } finally {
      run("umount", objects.toString());
    }
  }

  @Test
  void anUnwritableDataFolderIsOneLine() throws Exception {
    Path ro = tmp.resolve("ro");
    Files.createDirectories(ro);
    Path file = ro.resolve("data");
    Files.writeString(file, "a file where the data folder should be");
    write("hello.py", "print('hi')\n");
    cli.env("LABRUN_HOME", ro.toString());
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "hello.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(6);
    assertThat(r.err())
        .startsWith("labrun: ")
        .contains("cannot be written")
        .contains("LABRUN_HOME");
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void twentySubmitsAtOnceLoseNothing() throws Exception {
    write(
        "n.py",
        "import sys, labrun\n"
            + "labrun.log_metric('n', float(sys.argv[1]))\n"
            + "print('run', sys.argv[1])\n");
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      processes.add(cliProcess("experiment", "submit", "-c", "local", "n.py", Integer.toString(i)));
    }
    for (Process p : processes) {
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue())
          .as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .isZero();
    }
    try (RunStore store = store()) {
      List<Run> runs = store.list(RunQuery.all().withLimit(100));
      assertThat(runs).hasSize(20).allMatch(r -> r.status() == RunStatus.COMPLETED);
      assertThat(
              runs.stream()
                  .map(r -> store.metricSummaries(r.id()).get("n").last().value().intValue()))
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).boxed().toList());
    }
  }

  private Process cliProcess(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile());
    pb.environment().clear();
    pb.environment().putAll(cli.environment());
    return pb.start();
  }

  private String lastRunId() {
    return cli.in(project, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
        .out()
        .strip()
        .replace("\"", "");
  }

  private void write(String name, String content) throws Exception {
    Files.writeString(project.resolve(name), content);
  }

  private static String py(Path p) {
    return "'" + p.toString().replace("'", "\\'") + "'";
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }

  static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
