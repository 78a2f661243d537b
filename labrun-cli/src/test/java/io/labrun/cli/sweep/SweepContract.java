package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps with real scripts on one compute target: grids and parallelism limits, random draws,
 * positional parameters, early stop and the results table. A target's test extends this and names
 * its run configuration.
 */
abstract class SweepContract {
  @TempDir Path tmp;
  TargetFixture t;

  /** The run configuration of the target under test, e.g. {@code local}. */
  abstract String runConfiguration();

  @BeforeEach
  void init() {
    t = fixture(tmp);
  }

  /**
   * The project on the target under test; a target with its own way to share files overrides it.
   */
  TargetFixture fixture(Path home) {
    return new TargetFixture(home, runConfiguration());
  }

  /**
   * Each run counts itself in and out of a shared counter under a file lock, remembering the most
   * runs ever in at once: the limit is proved by the scripts, not by timing.
   */
  static final String COUNTED =
      """
      import argparse, fcntl, json, os, time
      import labrun
      p = argparse.ArgumentParser()
      p.add_argument("--reg", type=float)
      p.add_argument("--solver")
      a = p.parse_args()
      share = os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"]
      def count(delta):
          with open(os.path.join(share, "count.lock"), "a") as lock:
              fcntl.flock(lock, fcntl.LOCK_EX)
              path = os.path.join(share, "count.json")
              c = json.load(open(path)) if os.path.exists(path) else {"now": 0, "max": 0}
              c["now"] += delta
              c["max"] = max(c["max"], c["now"])
              with open(path, "w") as f:
                  json.dump(c, f)
      count(1)
      time.sleep(1.5)
      count(-1)
      labrun.log_metric("accuracy", a.reg / 100)
      print("reg", a.reg, "solver", a.solver)
      """;

  @Test
  void aGridRunsEveryCombinationWithAtMostKAtOnce() {
    t.script("train.py", COUNTED);
    Cli.Result r =
        t.sweep("train.py", "--grid", "reg=10,5", "--grid", "solver=lbfgs,saga", "--parallel", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    String sweepId = TargetFixture.sweepId(r.err());
    List<Run> runs = t.runs(sweepId);
    assertThat(runs)
        .hasSize(4)
        .allSatisfy(
            run -> {
              assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
              assertThat(run.sweepId()).isEqualTo(sweepId);
              assertThat(run.attempt()).isEqualTo(1);
            });
    assertThat(runs)
        .extracting(Run::arguments)
        .containsExactly(
            List.of("--reg", "10", "--solver", "lbfgs"), List.of("--reg", "10", "--solver", "saga"),
            List.of("--reg", "5", "--solver", "lbfgs"), List.of("--reg", "5", "--solver", "saga"));
    try (RunStore store = t.store()) {
      assertThat(runs)
          .extracting(run -> store.params(run.id()))
          .containsExactly(
              Map.of("reg", "10", "solver", "lbfgs"), Map.of("reg", "10", "solver", "saga"),
              Map.of("reg", "5", "solver", "lbfgs"), Map.of("reg", "5", "solver", "saga"));
    }
    assertThat(runs)
        .extracting(Run::snapshotId)
        .as("one snapshot for the whole sweep")
        .containsOnly(runs.get(0).snapshotId());
    String counter = t.read(t.shared().resolve("count.json")).replace(" ", "");
    assertThat(counter)
        .as("never more than 2 at once, and 2 did run at once")
        .isEqualTo("{\"now\":0,\"max\":2}");
    assertThat(r.out()).contains("run_id").contains("reg").contains("solver").contains("accuracy");
    Cli.Result list =
        t.cli.in(
            t.project, "history", "list", "--sweep", sweepId, "-o", "json", "--query", "[].run_id");
    assertThat(list.code()).as(list.toString()).isZero();
    runs.forEach(run -> assertThat(list.out()).contains(run.id()));
    assertThat(list.out().split("iris_", -1)).as("exactly the sweep's runs").hasSize(5);
  }

  /**
   * Prints what its project file holds, then (odd points only) changes the file, adds one and makes
   * outputs.
   */
  static final String MESSY =
      """
      import os, sys
      print("data:", open("data.txt").read().strip(), "extra:", os.path.exists("extra.txt"))
      os.makedirs("outputs", exist_ok=True)
      open("outputs/n.txt", "w").write(sys.argv[1])
      if int(sys.argv[1]) % 2:
          open("data.txt", "a").write("changed by run %s\\n" % sys.argv[1])
          open("extra.txt", "w").write("left behind")
      """;

  @Test
  void everyRunFindsTheProjectAsSnapshottedWhateverTheRunBeforeDidToItsFolder() {
    t.script("messy.py", MESSY);
    t.script("data.txt", "as submitted\n");
    Cli.Result r = t.sweep("messy.py", "--grid", "i=1..6", "--positional", "--parallel", "1");
    assertThat(r.code()).as(r.toString()).isZero();
    List<Run> runs = t.runs(TargetFixture.sweepId(r.err()));
    assertThat(runs)
        .hasSize(6)
        .allSatisfy(
            run -> {
              assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
              Cli.Result logs = t.cli.in(t.project, "experiment", "logs", "-r", run.id());
              assertThat(logs.out())
                  .as(run.arguments().toString())
                  .isEqualTo("data: as submitted extra: False\n");
              try (RunStore store = t.store()) {
                assertThat(store.artifacts(run.id())).as("each run's own outputs").hasSize(1);
              }
            });
    assertThat(t.read(t.project.resolve("data.txt"))).isEqualTo("as submitted\n");
  }

  static final String ECHO =
      """
      import sys
      import labrun
      print("argv", sys.argv[1:])
      labrun.log_metric("accuracy", float(sys.argv[1]) / 10 if len(sys.argv) > 1 and sys.argv[1][0].isdigit() else 0)
      """;

  @Test
  void randomDrawsAreReproducibleWithASeed() {
    t.script("echo.py", ECHO);
    String[] args = {
      "echo.py",
      "--random",
      "3",
      "--seed",
      "42",
      "--grid",
      "lr=0.001..0.1",
      "--grid",
      "epochs=1..10",
      "--grid",
      "solver=lbfgs,saga",
      "--parallel",
      "3"
    };
    Cli.Result first = t.sweep(args);
    Cli.Result second = t.sweep(args);
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(second.code()).as(second.toString()).isZero();
    List<Map<String, String>> a = params(TargetFixture.sweepId(first.err()));
    List<Map<String, String>> b = params(TargetFixture.sweepId(second.err()));
    assertThat(a).hasSize(3).isEqualTo(b);
    assertThat(a)
        .allSatisfy(
            p -> {
              assertThat(Double.parseDouble(p.get("lr"))).isBetween(0.001, 0.1);
              assertThat(Integer.parseInt(p.get("epochs"))).isBetween(1, 10);
              assertThat(p.get("solver")).isIn("lbfgs", "saga");
            });
  }

  @Test
  void positionalParametersReachTheScriptLikeTheOriginalSamples() {
    t.script("echo.py", ECHO);
    Cli.Result r =
        t.sweep(
            "echo.py",
            "--positional",
            "--grid",
            "reg=7,3",
            "--grid",
            "solver=saga",
            "--",
            "--verbose");
    assertThat(r.code()).as(r.toString()).isZero();
    List<Run> runs = t.runs(TargetFixture.sweepId(r.err()));
    assertThat(runs)
        .extracting(Run::arguments)
        .containsExactly(List.of("7", "saga", "--verbose"), List.of("3", "saga", "--verbose"));
    assertThat(params(TargetFixture.sweepId(r.err())))
        .containsExactly(
            Map.of("reg", "7", "solver", "saga"), Map.of("reg", "3", "solver", "saga"));
    Cli.Result logs = t.cli.in(t.project, "experiment", "logs", "-r", runs.get(0).id());
    assertThat(logs.out()).contains("argv ['7', 'saga', '--verbose']");
  }

  @Test
  void anEarlyStopCancelsTheRunsNotStartedAndLetsTheRunsGoingFinish() {
    t.script(
        "stop.py",
        """
        import os, sys, time
        import labrun
        x = int(sys.argv[2])
        share = os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"]
        with open(os.path.join(share, "ran.txt"), "a") as f:
            f.write("%d\\n" % x)
        if x == 1:  # still going when run 2 meets the condition, however slowly run 2 starts
            deadline = time.time() + 60
            while not os.path.exists(os.path.join(share, "2-done")) and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(2)
        labrun.log_metric("accuracy", 1.0 if x == 2 else 0.5)
        if x == 2:
            open(os.path.join(share, "2-done"), "w").close()
        """);
    Cli.Result r =
        t.sweep(
            "stop.py", "--grid", "x=1..6", "--parallel", "2", "--stop-when", "accuracy >= 0.99");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("stopped early: 'accuracy >= 0.99' met by run");
    List<Run> runs = t.runs(TargetFixture.sweepId(r.err()));
    assertThat(runs)
        .extracting(Run::status)
        .containsExactly(
            RunStatus.COMPLETED,
            RunStatus.COMPLETED,
            RunStatus.CANCELED,
            RunStatus.CANCELED,
            RunStatus.CANCELED,
            RunStatus.CANCELED);
    assertThat(runs.subList(2, 6))
        .allSatisfy(
            run ->
                assertThat(run.statusDetail())
                    .startsWith("not started: 'accuracy >= 0.99' met by run " + runs.get(1).id()));
    assertThat(t.read(t.shared().resolve("ran.txt")).lines().sorted().toList())
        .as("only runs 1 and 2 ever started")
        .containsExactly("1", "2");
  }

  @Test
  void historyCompareOrdersTheSweepByItsPrimaryMetric() {
    t.script("echo.py", ECHO);
    Cli.Result r =
        t.sweep(
            "echo.py",
            "--positional",
            "--grid",
            "reg=1,3,2",
            "--primary-metric",
            "accuracy",
            "--parallel",
            "3");
    assertThat(r.code()).as(r.toString()).isZero();
    String sweepId = TargetFixture.sweepId(r.err());
    assertThat(regColumn(r.out()))
        .as("the sweep's own table, best first")
        .containsExactly("3", "2", "1");
    Cli.Result max = t.cli.in(t.project, "history", "compare", "--sweep", sweepId);
    assertThat(regColumn(max.out())).as(max.toString()).containsExactly("3", "2", "1");
    Cli.Result min =
        t.cli.in(
            t.project,
            "history",
            "compare",
            "--sweep",
            sweepId,
            "--primary-metric",
            "accuracy",
            "--goal",
            "min");
    assertThat(regColumn(min.out())).as(min.toString()).containsExactly("1", "2", "3");
    Cli.Result json =
        t.cli.in(
            t.project,
            "history",
            "compare",
            "--sweep",
            sweepId,
            "-o",
            "json",
            "--query",
            "[0].accuracy");
    assertThat(json.out().strip()).isEqualTo("0.3");
  }

  private List<Map<String, String>> params(String sweepId) {
    try (RunStore store = t.store()) {
      List<Map<String, String>> out = new ArrayList<>();
      t.runs(sweepId).forEach(run -> out.add(store.params(run.id())));
      return out;
    }
  }

  /** The reg column of a results table, top to bottom. */
  static List<String> regColumn(String table) {
    List<String> lines = table.lines().toList();
    int col = List.of(lines.get(0).split("\\s+")).indexOf("reg");
    return lines.subList(2, lines.size()).stream().map(l -> l.split("\\s+")[col]).toList();
  }
}
