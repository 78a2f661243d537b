package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.store.SqlRunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every compute target must do, checked the same way for each through the {@code labrun}
 * command: run a script with its output streams apart, record its exit code, give it its arguments
 * and environment, cancel it, keep its {@code ./outputs} and its metrics, and let a detached run be
 * followed. A target's test extends this and says how to configure it.
 */
public abstract class ComputeTargetContract {
  @TempDir protected Path tmp;
  protected Path project;
  protected Cli cli;

  /** A Cli whose environment reaches the target. */
  protected abstract Cli newCli(Path home);

  /** The compute target to run on ({@code aml_config/<name>.compute}), written here if needed. */
  protected abstract String target(Path project) throws Exception;

  /** Extra lines of the run configuration, e.g. {@code PrepareEnvironment: true}. */
  protected String runConfigurationExtra() {
    return "";
  }

  /**
   * More variables of the run configuration, as {@code EnvironmentVariables} lines ({@code " NAME:
   * value\n"}), e.g. where a head node finds its cluster.
   */
  protected String environmentExtra() {
    return "";
  }

  /** How the target runs the contract's scripts, where it differs from most targets. */
  protected ContractScripts scripts() {
    return ContractScripts.AS_WRITTEN;
  }

  /** How long a script may take to start printing (a cluster's application start, under load). */
  protected Duration patience() {
    return scripts().patience();
  }

  /** Checks that nothing of a canceled run is left going on the target. */
  protected void assertNothingLeft(String runId) {}

  @BeforeEach
  void createProject() throws Exception {
    cli = newCli(tmp);
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    String target = target(project);
    Files.writeString(
        project.resolve("aml_config/contract.runconfig"),
        """
        ArgumentVector: ["$file", "first arg"]
        Target: %s
        EnvironmentVariables:
          GREETING: "hello world"
          DB_PASSWORD: "hunter2"
        %s%s
        """
            .formatted(target, environmentExtra(), runConfigurationExtra()));
  }

  private Cli.Result submit(String... scriptAndArgs) {
    String[] args = new String[4 + scriptAndArgs.length];
    args[0] = "experiment";
    args[1] = "submit";
    args[2] = "-c";
    args[3] = "contract";
    System.arraycopy(scriptAndArgs, 0, args, 4, scriptAndArgs.length);
    return cli.in(project, args);
  }

  @Test
  void stdoutAndStderrStayApartAndTheRunCompletes() throws Exception {
    write(
        "streams.py",
        "import sys\nprint('out one')\nprint('err one', file=sys.stderr)\nprint('out two')\n");
    Cli.Result r = submit("streams.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("out one\nout two\n").doesNotContain("err one");
    assertThat(r.err()).contains("err one").contains("Completed");
    assertThat(run(lastRunId()).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aNonZeroExitFailsTheRunWithItsCodeAndStderr() throws Exception {
    write("boom.py", "import sys\nprint('ValueError: bad data', file=sys.stderr)\nsys.exit(3)\n");
    Cli.Result r = submit("boom.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("Failed").contains("exit code 3");
    assertThat(scripts().lastStderrLineIsTheReason() ? r.err() : r.out())
        .contains("ValueError: bad data");
    Run run = run(lastRunId());
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.exitCode()).isEqualTo(3);
  }

  @Test
  void theScriptGetsItsArgumentsAndEnvironment() throws Exception {
    write(
        "env.py",
        """
        import os, sys
        print("args", sys.argv[1:])
        for name in ["GREETING", "LABRUN_RUN_ID", "AZUREML_RUN_ID", "LABRUN_EXPERIMENT"]:
            print(name, os.environ.get(name))
        print("cwd-is-project", os.path.exists("aml_config/contract.runconfig"))
        """);
    Cli.Result r = submit("env.py", "a b", "--flag");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = lastRunId();
    assertThat(r.out())
        .contains("args ['first arg', 'a b', '--flag']")
        .contains("GREETING hello world")
        .contains("LABRUN_RUN_ID " + id)
        .contains("AZUREML_RUN_ID " + id)
        .contains("LABRUN_EXPERIMENT proj")
        .contains("cwd-is-project True");
  }

  @Test
  void theRunsRecordsAreTheUsersAloneAndKeepNoSecretOnceTheScriptStarted() throws Exception {
    write(
        "secret.py",
        """
        import os, sys
        print("secret", "ok" if os.environ["DB_PASSWORD"] == "hunter2" and sys.argv[-1] == "postgres://me:hunter2@db/x" else "wrong")
        """);
    Cli.Result r = submit("secret.py", "postgres://me:hunter2@db/x");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("secret ok");
    Path data = tmp.resolve("labrun/data");
    Path state = data.resolve("runs").resolve(lastRunId());
    assertThat(Files.getPosixFilePermissions(data))
        .as("the data folder")
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(state))
        .as("the run's folder")
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(data.resolve("labrun.db")))
        .as("the history")
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // Targets that run elsewhere keep their launch record on the host, in a folder removed once the
    // run is collected.
    Path launch = state.resolve(StateFolder.LAUNCH);
    if (Files.exists(launch)) {
      assertThat(Files.getPosixFilePermissions(launch))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(launch)).doesNotContain("hunter2");
    }
    // Spark targets keep what they submitted (the master, its UI) for later: its arguments
    // redacted.
    Path submission = state.resolve("spark-submit.json");
    if (Files.exists(submission)) {
      assertThat(Files.getPosixFilePermissions(submission))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(submission))
          .doesNotContain("hunter2")
          .contains("postgres://me:***@db/x");
    }
    try (Stream<Path> all = Files.walk(state)) {
      assertThat(
              all.filter(Files::isRegularFile)
                  .filter(f -> !f.startsWith(state.resolve("work")))
                  .map(
                      f -> {
                        try {
                          return f + ": " + Files.readString(f, StandardCharsets.ISO_8859_1);
                        } catch (IOException e) {
                          throw new UncheckedIOException(e);
                        }
                      }))
          .as("no record of the run holds the secret")
          .noneMatch(text -> text.contains("hunter2\""));
    }
  }

  @Test
  void cancelStopsTheRunAndItEndsCanceled() throws Exception {
    write("slow.py", "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "contract", "--detach", "slow.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    await()
        .atMost(patience())
        .until(() -> cli.in(project, "experiment", "logs", "-r", id).out().contains("started"));
    assertThat(cli.in(project, "experiment", "status", "-r", id).out()).contains("Running");
    Cli.Result c = cli.in(project, "experiment", "cancel", "-r", id);
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(c.out()).contains("Canceled");
    assertThat(run(id).status()).isEqualTo(RunStatus.CANCELED);
    assertNothingLeft(id);
  }

  @Test
  void outputsBecomeArtifacts() throws Exception {
    write(
        "out.py",
        """
        import os
        os.makedirs("outputs/sub", exist_ok=True)
        open("outputs/model.txt", "w").write("the model")
        open("outputs/sub/weights.bin", "wb").write(bytes(range(256)) * 4)
        """);
    Cli.Result r = submit("out.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("outputs/model.txt").contains("outputs/sub/weights.bin");
    Path dl = tmp.resolve("download");
    Cli.Result d = cli.in(project, "history", "download", "-r", lastRunId(), "-d", dl.toString());
    assertThat(d.code()).as(d.toString()).isZero();
    assertThat(dl.resolve("outputs/model.txt")).hasContent("the model");
    assertThat(Files.size(dl.resolve("outputs/sub/weights.bin"))).isEqualTo(1024);
    assertThat(project.resolve("outputs")).as("the user's folder is untouched").doesNotExist();
  }

  @Test
  void outputsExistsWhenTheScriptStarts() throws Exception {
    // As the original's samples did: save into ./outputs without creating it first.
    write(
        "save.py",
        "print('outputs before', __import__('os').path.isdir('outputs'))\n"
            + "open('./outputs/lin.txt', 'w').write('fit')\n");
    Cli.Result r = submit("save.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("outputs before True");
    assertThat(r.err()).contains("outputs/lin.txt");
    assertThat(project.resolve("outputs")).as("the user's folder is untouched").doesNotExist();
  }

  @Test
  void metricsParamsAndListsAreRecorded() throws Exception {
    write(
        "metrics.py",
        """
        from azureml.logging import get_azureml_logger
        import labrun
        logger = get_azureml_logger()
        logger.log("Accuracy", 0.93)
        logger.log("Precision", [0.5, 0.75])
        for step in range(3):
            labrun.log_metric("loss", 1.0 / (step + 1), step=step)
        labrun.log_param("solver", "lbfgs")
        """);
    Cli.Result r = submit("metrics.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = lastRunId();
    try (RunStore store = store()) {
      assertThat(store.metric(id, "loss")).hasSize(3);
      assertThat(store.metricSummaries(id).get("Accuracy").last().value()).isEqualTo(0.93);
      assertThat(store.metricSummaries(id).get("Precision").last().json().replace(" ", ""))
          .isEqualTo("[0.5,0.75]");
      assertThat(store.params(id)).containsEntry("solver", "lbfgs");
    }
  }

  @Test
  void aDetachedRunCanBeFollowedToItsEnd() throws Exception {
    write(
        "steps.py",
        "import time\nfor i in range(3):\n    print('step', i, flush=True)\n    time.sleep(0.3)\n");
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "contract", "--detach", "steps.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = r.out().strip();
    Cli.Result f = cli.in(project, "experiment", "logs", "-r", id, "--follow");
    assertThat(f.code()).as(f.toString()).isZero();
    assertThat(f.out()).contains("step 0\nstep 1\nstep 2\n");
    assertThat(run(id).status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aTimeoutStopsTheRun() throws Exception {
    write("forever.py", "import time\nprint('going', flush=True)\ntime.sleep(600)\n");
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "contract", "--timeout", "2s", "forever.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("timeout");
    assertThat(run(lastRunId()).status()).isEqualTo(RunStatus.FAILED);
  }

  protected void write(String name, String content) throws Exception {
    scripts().prepare(project);
    Files.writeString(project.resolve(name), scripts().content(name, content));
  }

  protected String lastRunId() {
    return cli.in(project, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
        .out()
        .strip()
        .replace("\"", "");
  }

  protected Run run(String id) {
    try (RunStore store = store()) {
      return store.find(id).orElseThrow();
    }
  }

  protected RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }
}
