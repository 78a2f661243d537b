package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.RunQuery;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes on the sweep, submit, cancel and compare command lines: one line, exit code 2 or 3,
 * nothing recorded.
 */
class SweepOptionsTest {
  @TempDir Path tmp;
  Path project;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli = new Cli(tmp);
    assertThat(cli.in(tmp, "project", "init", "iris").code()).isZero();
    project = tmp.resolve("iris");
    Files.writeString(project.resolve("train.py"), "print('hi')\n");
  }

  @Test
  void sweepMistakes() throws Exception {
    bad("must be NAME=VALUES", "sweep", "-c", "local", "train.py", "--grid", "reg");
    bad(
        "--seed is for random draws",
        "sweep",
        "-c",
        "local",
        "train.py",
        "--grid",
        "reg=1,2",
        "--seed",
        "3");
    bad("a grid needs values", "sweep", "-c", "local", "train.py", "--grid", "lr=0.001..0.1");
    bad(
        "--parallel must be from 1 to 256",
        "sweep",
        "-c",
        "local",
        "train.py",
        "--grid",
        "reg=1",
        "--parallel",
        "0");
    bad(
        "--retries must be from 0 to 100",
        "sweep",
        "-c",
        "local",
        "train.py",
        "--grid",
        "reg=1",
        "--retries",
        "-1");
    bad(
        "--stop-when must be METRIC OP NUMBER",
        "sweep",
        "-c",
        "local",
        "train.py",
        "--grid",
        "reg=1",
        "--stop-when",
        "accuracy");
    bad(
        "--timeout must be a duration",
        "sweep",
        "-c",
        "local",
        "train.py",
        "--grid",
        "reg=1",
        "--timeout",
        "soon");
    bad(
        "--goal must be max or min",
        "sweep",
        "-c",
        "local",
        "train.py",
        "--grid",
        "reg=1",
        "--goal",
        "best");
    bad("Missing required option: '--grid", "sweep", "-c", "local", "train.py");
    bad("no run configuration 'nope'", "sweep", "-c", "nope", "train.py", "--grid", "reg=1");
    bad("missing.py not found", "sweep", "-c", "local", "missing.py", "--grid", "reg=1");
    Files.writeString(
        project.resolve("aml_config/quick.runconfig"), "Target: local\nTrackedRun: false\n");
    bad("a sweep records its runs", "sweep", "-c", "quick", "train.py", "--grid", "reg=1");
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      assertThat(store.list(RunQuery.all())).as("nothing recorded").isEmpty();
    }
  }

  @Test
  void submitCancelAndCompareMistakes() {
    bad(
        "--retries needs labrun watching the run",
        "submit",
        "-c",
        "local",
        "--detach",
        "--retries",
        "2",
        "train.py");
    bad("--timeout must be a duration", "submit", "-c", "local", "--timeout", "0s", "train.py");
    bad("give either -r RUN or --sweep SWEEP", "cancel");
    bad("no sweep 'nope' in the history", "cancel", "--sweep", "nope");
    Cli.Result c = cli.in(project, "history", "compare", "--sweep", "nope");
    ConfigCommandsTest.assertOneLineError(c, "no sweep 'nope' in the history");
    ConfigCommandsTest.assertOneLineError(
        cli.in(project, "history", "compare", "one"),
        "compare needs two or more run ids, or --sweep SWEEP");
  }

  private void bad(String expected, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "experiment";
    System.arraycopy(args, 0, all, 1, args.length);
    ConfigCommandsTest.assertOneLineError(cli.in(project, all), expected);
  }
}
