package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compute-target checks (exit code, stdout/stderr, environment, cancel, outputs, metrics) for
 * the {@code remote} target against the real OpenSSH server, through the CLI.
 */
class RemoteRunIT {
  @TempDir Path tmp;
  RemoteProject p;

  @BeforeEach
  void init() {
    p = new RemoteProject(tmp).attachKeyUser("gpu1");
  }

  @Test
  void scriptRunsOnTheHostWithOutputsMetricsAndSeparateStreams() throws Exception {
    p.write(
        "train.py",
        """
        import os, pickle, sys, getpass
        from azureml.logging import get_azureml_logger
        logger = get_azureml_logger()
        reg = float(sys.argv[1])
        print("Regularization rate is {}".format(reg))
        logger.log("Regularization Rate", reg)
        for i in range(5):
            logger.log("loss", 1.0 / (i + 1))
        import labrun
        labrun.log_param("solver", "lbfgs")
        print("to stderr", file=sys.stderr)
        os.makedirs("./outputs/sub", exist_ok=True)
        with open("./outputs/model.pkl", "wb") as f:
            pickle.dump({"reg": reg}, f)
        open("./outputs/sub/notes.txt", "w").write("hi")
        print("user", getpass.getuser())
        print("cwd", os.getcwd())
        """);
    Cli.Result r = p.submit("-c", "gpu1", "train.py", "0.5");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Regularization rate is 0.5")
        .contains("user " + RemoteProject.SSHD.keyUser)
        .doesNotContain("to stderr");
    assertThat(r.err()).contains("to stderr").contains("Completed").contains("outputs/model.pkl");
    String runId = RemoteProject.runId(r);
    assertThat(r.out())
        .contains("cwd /home/" + RemoteProject.SSHD.keyUser + "/.labrun/runs/" + runId + "/work");
    try (RunStore store = p.store()) {
      Run run = store.find(runId).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(run.exitCode()).isZero();
      assertThat(run.targetType()).isEqualTo("remote");
      assertThat(run.attributes())
          .containsEntry(
              "host",
              RemoteProject.SSHD.keyUser
                  + "@"
                  + RemoteProject.SSHD.host
                  + ":"
                  + RemoteProject.SSHD.port);
      assertThat(store.metric(runId, "loss")).hasSize(5);
      assertThat(store.metricSummaries(runId).get("Regularization Rate").last().value())
          .isEqualTo(0.5);
      assertThat(store.artifacts(runId))
          .extracting(a -> a.path())
          .containsExactly("outputs/model.pkl", "outputs/sub/notes.txt");
    }
    await("the run's folder on the host is removed once collected")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(p.remoteRunDir(runId)));
    assertThat(tmp.resolve("labrun/data/runs").resolve(runId).resolve("work"))
        .as("no local working folder for a remote run")
        .doesNotExist();
    Cli.Result logs = p.cli.in(p.project, "experiment", "logs", "-r", runId);
    assertThat(logs.out()).contains("Regularization rate is 0.5");
    assertThat(logs.err()).contains("to stderr");
  }

  @Test
  void failingScriptEndsFailedWithItsExitCodeAndStderr() {
    p.write(
        "boom.py",
        "import sys\n"
            + "print('working')\n"
            + "print('ValueError: bad input data', file=sys.stderr)\n"
            + "sys.exit(3)\n");
    Cli.Result r = p.submit("-c", "gpu1", "boom.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("Failed")
        .contains("exit code 3")
        .contains("ValueError: bad input data");
  }

  @Test
  void argumentsAndEnvironmentReachTheScriptExactly() throws Exception {
    Files.writeString(
        p.project.resolve("aml_config/gpu1.runconfig"),
        """
        ArgumentVector: ["$file", "fixed"]
        Target: gpu1
        EnvironmentVariables:
          GREETING: "hello world"
          WEIRD: "a'b\\"c $HOME; rm -rf x `id` \\n done"
        """);
    p.write(
        "dir with space/env.py",
        """
        import json, os, sys
        print(json.dumps(sys.argv[1:]))
        print(json.dumps(os.environ["WEIRD"]))
        print("greeting", os.environ["GREETING"], os.environ["LABRUN_RUN_ID"] == os.environ["AZUREML_RUN_ID"])
        """);
    Cli.Result r =
        p.submit(
            "-c",
            "gpu1",
            "dir with space/env.py",
            "a b",
            "it's",
            "$HOME;x",
            "new\nline",
            "--flag=\"q\"",
            "");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "[\"fixed\", \"a b\", \"it's\", \"$HOME;x\", \"new\\n"
                + "line\", \"--flag=\\\"q\\\"\", \"\"]")
        .contains("\"a'b\\\"c $HOME; rm -rf x `id` \\n done\"")
        .contains("greeting hello world True");
  }

  @Test
  void unchangedCodeIsNotSentAgain() throws Exception {
    p.write("hello.py", "print('hello')\n");
    p.write("data/blob.bin", "x".repeat(100_000));
    Cli.Result first = p.submit("-c", "gpu1", "hello.py");
    assertThat(first.code()).as(first.toString()).isZero();
    Cli.Result second = p.submit("-c", "gpu1", "hello.py");
    assertThat(second.code()).as(second.toString()).isZero();
    String changed =
        "print('hello again', "
            + System.nanoTime()
            + ")\n"; // new to the host's cache, which outlives test runs
    p.write("hello.py", changed);
    Cli.Result third = p.submit("-c", "gpu1", "hello.py");
    assertThat(third.out()).contains("hello again");
    try (RunStore store = p.store()) {
      // The first run may find objects of other tests' runs in the shared cache: it sends at most
      // everything.
      assertThat(
              Long.parseLong(
                  store
                      .find(RemoteProject.runId(first))
                      .orElseThrow()
                      .attributes()
                      .get("sync_bytes_sent")))
          .isLessThanOrEqualTo(100_000 + 200_000);
      Run again = store.find(RemoteProject.runId(second)).orElseThrow();
      assertThat(again.attributes())
          .containsEntry("sync_bytes_sent", "0")
          .containsEntry("sync_objects_sent", "0");
      Run thirdRun = store.find(RemoteProject.runId(third)).orElseThrow();
      assertThat(thirdRun.attributes())
          .containsEntry("sync_bytes_sent", Long.toString(changed.length()))
          .containsEntry("sync_objects_sent", "2"); // the file and the manifest
    }
  }

  @Test
  void detachedRunIsFollowedAndCanceledOnTheHost() throws Exception {
    p.write(
        "slow.py",
        """
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        print("child", child.pid, flush=True)
        time.sleep(600)
        """);
    Cli.Result r = p.submit("-c", "gpu1", "--detach", "slow.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String runId = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> p.cli.in(p.project, "experiment", "logs", "-r", runId).out().contains("child "));
    String logs = p.cli.in(p.project, "experiment", "logs", "-r", runId).out();
    long childPid =
        Long.parseLong(
            logs.lines()
                .filter(l -> l.startsWith("child "))
                .findFirst()
                .orElseThrow()
                .substring(6)
                .strip());
    assertThat(ProcessHandle.of(childPid)).isPresent();
    assertThat(p.cli.in(p.project, "experiment", "status", "-r", runId).out()).contains("Running");
    Cli.Result c = p.cli.in(p.project, "experiment", "cancel", "-r", runId);
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(c.out()).contains("Canceled");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void missingPythonOnTheHostIsAnEnvironmentError() throws Exception {
    String compute = Files.readString(p.project.resolve("aml_config/gpu1.compute"));
    Files.writeString(
        p.project.resolve("aml_config/gpu1.compute"),
        compute + "pythonLocation: /opt/no/python9\n");
    p.write("hello.py", "print('hello')\n");
    Cli.Result r = p.submit("-c", "gpu1", "hello.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err())
        .contains("'/opt/no/python9' cannot be run on " + RemoteProject.SSHD.host)
        .contains("pythonLocation");
    try (RunStore store = p.store()) {
      assertThat(store.unfinished()).isEmpty();
    }
  }
}
