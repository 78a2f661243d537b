package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Python scripts submitted to the local target through the CLI, and the history they leave.
 */
class LocalRunIT {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = new Cli(tmp);
    project = tmp.resolve("iris");
    assertThat(cli.in(tmp, "project", "init", "iris").code()).isZero();
    // Written the way the original Workbench samples were.
    Files.writeString(
        project.resolve("train.py"),
        """
        import os, pickle, sys
        from azureml.logging import get_azureml_logger
        logger = get_azureml_logger()
        reg = 0.01
        if len(sys.argv) > 1:
            reg = float(sys.argv[1])
        print("Regularization rate is {}".format(reg))
        logger.log("Regularization Rate", reg)
        for i in range(5):
            logger.log("loss", 1.0 / (i + 1))
        logger.log("Accuracy", 0.9 - reg)
        logger.log("Precision", [0.5, 0.75])
        print("to stderr", file=sys.stderr)
        os.makedirs("./outputs", exist_ok=True)
        with open("./outputs/model.pkl", "wb") as f:
            pickle.dump({"reg": reg}, f)
        print("cwd", os.getcwd())
        """);
  }

  @Test
  void sampleStyleScriptRunsAndIsRecorded() throws Exception {
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "train.py", "0.5");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Regularization rate is 0.5").doesNotContain("to stderr");
    assertThat(r.err())
        .contains("to stderr")
        .contains("RunId: ")
        .contains("Completed")
        .contains("Accuracy = 0.4")
        .contains("outputs/model.pkl");
    // The run did not execute in the user's folder.
    assertThat(r.out()).doesNotContain("cwd " + project + "\n");
    assertThat(project.resolve("outputs")).doesNotExist();
    String runId =
        r.err().lines().filter(l -> l.startsWith("RunId: ")).findFirst().orElseThrow().substring(7);
    try (RunStore store = store()) {
      Run run = store.find(runId).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(run.exitCode()).isZero();
      assertThat(run.arguments()).containsExactly("0.5");
      assertThat(run.script()).isEqualTo("train.py");
      assertThat(run.user()).isEqualTo("tester");
      assertThat(run.snapshotId()).isNotBlank();
      assertThat(store.metric(runId, "loss")).hasSize(5);
      assertThat(store.metricSummaries(runId).get("Accuracy").last().value()).isEqualTo(0.4);
      assertThat(store.metricSummaries(runId).get("Precision").last().json().replace(" ", ""))
          .as("list metric kept as JSON")
          .isEqualTo("[0.5,0.75]");
      assertThat(store.artifacts(runId))
          .extracting(a -> a.path())
          .containsExactly("outputs/model.pkl");
    }
    Path dl = tmp.resolve("dl");
    Cli.Result d = cli.in(project, "history", "download", "-r", runId, "-d", dl.toString());
    assertThat(d.code()).as(d.toString()).isZero();
    assertThat(dl.resolve("outputs/model.pkl")).isRegularFile();
    Path restored = tmp.resolve("restored");
    Cli.Result rs = cli.in(project, "history", "restore", "-r", runId, "-d", restored.toString());
    assertThat(rs.code()).as(rs.toString()).isZero();
    assertThat(Files.readString(restored.resolve("train.py")))
        .isEqualTo(Files.readString(project.resolve("train.py")));
    assertThat(restored.resolve("aml_config/local.compute")).isRegularFile();
  }

  @Test
  void failingScriptEndsFailedWithExitCodeAndStderrTail() {
    write(
        "boom.py",
        "import sys\n"
            + "print('working')\n"
            + "print('ValueError: bad input data', file=sys.stderr)\n"
            + "sys.exit(3)\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "boom.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("Failed")
        .contains("exit code 3")
        .contains("ValueError: bad input data");
    Cli.Result list = cli.in(project, "history", "list", "-o", "json", "--query", "[0].status");
    assertThat(list.out()).contains("Failed");
  }

  @Test
  void badInputIsOneLineAndLeavesNoRunBehind() throws Exception {
    Files.createDirectories(project.resolve("src"));
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "local", "missing.py"), "not found");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "local", "src"), "is a folder");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "nope", "train.py"),
        "no run configuration 'nope'");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "experiment", "submit", "-c", "local", "../x.py"), "outside the project");
    Files.writeString(
        project.resolve("aml_config/local.compute"), "type: local\npythonLocation: python9.99\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "train.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("'python9.99' not found").contains("pythonLocation");
    try (RunStore store = store()) {
      assertThat(store.unfinished()).as("no run left going").isEmpty();
    }
  }

  @Test
  void environmentVariablesSharedFolderAndRedaction() throws Exception {
    Files.writeString(
        project.resolve("aml_config/env.runconfig"),
        """
        ArgumentVector: ["$file", "fixed"]
        Target: local
        EnvironmentVariables:
          GREETING: "hello world"
          DB_PASSWORD: "pa$$ 'quoted'"
        """);
    write(
        "env.py",
        """
        import os, sys
        print("args", sys.argv[1:])
        print("greeting", os.environ["GREETING"])
        print("password", os.environ["DB_PASSWORD"])
        print("share", os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"])
        """);
    Cli.Result r =
        cli.in(project, "experiment", "submit", "-c", "env", "env.py", "a b", "--flag", "$HOME;x");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("args ['fixed', 'a b', '--flag', '$HOME;x']")
        .contains("greeting hello world")
        .contains("password pa$$ 'quoted'");
    String share =
        r.out().lines().filter(l -> l.startsWith("share ")).findFirst().orElseThrow().substring(6);
    assertThat(share).endsWith("/iris/");
    assertThat(Path.of(share)).isDirectory();
    String runId = lastRunId();
    Cli.Result info = cli.in(project, "history", "info", "-r", runId, "-o", "json");
    assertThat(info.out())
        .contains("\"GREETING\" : \"hello world\"")
        .contains("\"DB_PASSWORD\" : \"***\"")
        .doesNotContain("quoted");
  }

  @Test
  void detachedRunCanBeFollowedAndCanceled() throws Exception {
    write(
        "slow.py",
        """
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open("child.pid", "w").write(str(child.pid))
        print("started", flush=True)
        time.sleep(600)
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "--detach", "slow.py");
    assertThat(r.code()).as(r.toString()).isZero();
    String runId = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cli.in(project, "experiment", "logs", "-r", runId).out().contains("started"));
    assertThat(cli.in(project, "experiment", "status", "-r", runId).out()).contains("Running");
    Path pidFile = tmp.resolve("labrun/data/runs").resolve(runId).resolve("work/child.pid");
    long childPid = Long.parseLong(Files.readString(pidFile).strip());
    Cli.Result c = cli.in(project, "experiment", "cancel", "-r", runId);
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(c.out()).contains("Canceled");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
    assertThat(cli.in(project, "history", "list", "-o", "json", "--query", "[0].status").out())
        .contains("Canceled");
  }

  @Test
  void untrackedRunLeavesNoHistory() throws Exception {
    Files.writeString(
        project.resolve("aml_config/quick.runconfig"),
        "ArgumentVector: [\"$file\"]\nTarget: local\nTrackedRun: false\n");
    write("hello.py", "import os\nprint('hello from', os.getcwd())\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "quick", "hello.py");
    assertThat(r.code()).as(r.toString()).isZero();
    try (RunStore store = store()) {
      assertThat(store.list(RunQuery.all())).isEmpty();
    }
  }

  @Test
  void historyListCompareAndPromote() {
    assertThat(cli.in(project, "submit", "-c", "local", "train.py", "0.1").code()).isZero();
    String first = lastRunId();
    assertThat(cli.in(project, "submit", "-c", "local", "train.py", "0.2").code()).isZero();
    String second = lastRunId();
    assertThat(second).isNotEqualTo(first);
    Cli.Result list = cli.in(project, "history", "list");
    assertThat(list.out()).contains("run_id").contains(first).contains(second);
    assertThat(list.out().indexOf(second)).as("newest first").isLessThan(list.out().indexOf(first));
    Cli.Result cmp = cli.in(project, "history", "compare", first, second);
    assertThat(cmp.code()).as(cmp.toString()).isZero();
    assertThat(cmp.out())
        .contains("* arguments")
        .contains("* metric Accuracy")
        .contains("  status");
    Cli.Result cmpJson =
        cli.in(
            project,
            "history",
            "compare",
            first,
            second,
            "-o",
            "json",
            "--query",
            "[?field=='metric Accuracy'].differs | [0]");
    assertThat(cmpJson.out().strip()).as("JSON keys carry no table markers").isEqualTo("true");
    assertThat(cli.in(project, "history", "compare", first, second, "-o", "json").out())
        .doesNotContain("* ")
        .contains("\"field\" : \"status\"");
    Cli.Result info =
        cli.in(
            project,
            "history",
            "info",
            "-r",
            second,
            "-o",
            "json",
            "--query",
            "metrics.Precision.last");
    assertThat(info.out().replaceAll("\\s", ""))
        .as("a list metric is a JSON array, not its text")
        .isEqualTo("[0.5,0.75]");
    Cli.Result p =
        cli.in(
            project,
            "history",
            "promote",
            "-r",
            second,
            "-ap",
            "outputs/model.pkl",
            "-n",
            "iris-model");
    assertThat(p.code()).as(p.toString()).isZero();
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "history", "promote", "-r", second, "-ap", "outputs/nope.pkl", "-n", "x"),
        "no artifact");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "history", "info", "-r", "nope"), "no run 'nope'");
    Cli.Result del = cli.in(project, "history", "delete", "-r", first);
    assertThat(del.code()).as(del.toString()).isZero();
    assertThat(cli.in(project, "history", "list").out()).doesNotContain(first);
  }

  @Test
  void gitCommitAndDirtyFlagAreRecorded() throws Exception {
    git("init", "-q");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first");
    String head = git("rev-parse", "HEAD").strip();
    assertThat(cli.in(project, "submit", "-c", "local", "train.py").code()).isZero();
    Cli.Result clean = cli.in(project, "history", "info", "-r", lastRunId(), "-o", "json");
    assertThat(clean.out())
        .contains("\"git_commit\" : \"" + head + "\"")
        .contains("\"git_dirty\" : false");
    Files.writeString(
        project.resolve("train.py"),
        Files.readString(project.resolve("train.py")) + "\n# changed\n");
    assertThat(cli.in(project, "submit", "-c", "local", "train.py").code()).isZero();
    assertThat(cli.in(project, "history", "info", "-r", lastRunId(), "-o", "json").out())
        .contains("\"git_dirty\" : true");
  }

  @Test
  void historyFiltersAndUnknownTarget() throws Exception {
    write("ok.py", "print('ok')\n");
    write("bad.py", "raise SystemExit(2)\n");
    assertThat(cli.in(project, "submit", "-c", "local", "ok.py").code()).isZero();
    assertThat(cli.in(project, "submit", "-c", "local", "bad.py").code()).isEqualTo(1);
    assertThat(
            cli.in(
                    project,
                    "history",
                    "list",
                    "--status",
                    "failed",
                    "-o",
                    "json",
                    "--query",
                    "[].script_name")
                .out()
                .replaceAll("\\s", ""))
        .isEqualTo("[\"bad.py\"]");
    assertThat(
            cli.in(
                    project,
                    "history",
                    "list",
                    "--script",
                    "ok.py",
                    "-o",
                    "json",
                    "--query",
                    "length(@)")
                .out()
                .strip())
        .isEqualTo("1");
    assertThat(
            cli.in(project, "history", "list", "--since", "2999-01-01", "-o", "json").out().strip())
        .isEqualTo("[ ]");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "history", "list", "--status", "Sleeping"), "not a run state");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "history", "list", "--since", "yesterday"), "--since must be a date");
    Files.writeString(
        project.resolve("aml_config/orphan.runconfig"),
        "ArgumentVector: [\"$file\"]\nTarget: gone\n");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "submit", "-c", "orphan", "ok.py"), "no compute target 'gone'");
  }

  private String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", project.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private String lastRunId() {
    return cli.in(project, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
        .out()
        .strip()
        .replace("\"", "");
  }

  private void write(String name, String content) {
    try {
      Files.writeString(project.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }

  static List<String> lines(String s) {
    return s.lines().toList();
  }
}
