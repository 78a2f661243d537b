package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries, timeouts and letting go of runs, with real scripts on one compute target. A target's
 * test extends this and names its run configuration.
 */
abstract class RunPolicyContract {
  @TempDir Path tmp;
  TargetFixture t;

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

  /** Whatever a failed test left sleeping is stopped, so it does not weigh on the next tests. */
  @AfterEach
  void stopLeftovers() throws Exception {
    t.stopLeftovers();
  }

  /** Killed by SIGKILL the first time it runs (per argument), as the out-of-memory killer would. */
  static final String CRASH_ONCE =
      """
      import os, sys
      marker = os.path.join(os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"], "crashed-" + "-".join(sys.argv[1:]))
      if not os.path.exists(marker):
          open(marker, "w").close()
          print("going down", flush=True)
          os.kill(os.getpid(), 9)
      print("fine this time")
      """;

  /**
   * Writes its pid where the test can see it, then sleeps far longer than any test waits, or as
   * many seconds as the shared folder's {@code sleep} file says.
   */
  static final String SLEEPER =
      """
      import os, sys, time
      share = os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"]
      with open(os.path.join(share, "pid-" + "-".join(sys.argv[1:])), "w") as f:
          f.write(str(os.getpid()))
      print("sleeping", flush=True)
      seconds = os.path.join(share, "sleep")
      time.sleep(float(open(seconds).read()) if os.path.exists(seconds) else 300)
      """;

  @Test
  void aRunKilledFromOutsideIsTriedAgainAndEachAttemptIsRecorded() {
    t.script("crash.py", CRASH_ONCE);
    Cli.Result r = t.submit("--retries", "2", "crash.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("trying again in 1.0 s (attempt 2 of 3)").contains("Completed");
    assertThat(r.out()).contains("going down").contains("fine this time");
    List<Run> runs = t.allRuns();
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).status()).isEqualTo(RunStatus.FAILED);
    assertThat(runs.get(0).statusDetail()).startsWith("killed by signal 9");
    assertThat(runs.get(0).attempt()).isEqualTo(1);
    assertThat(runs.get(1).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(runs.get(1).attempt()).isEqualTo(2);
    assertThat(runs.get(1).attributes()).containsEntry("retry_of", runs.get(0).id());
    Cli.Result info = t.cli.in(t.project, "history", "info", "-r", runs.get(1).id(), "-o", "json");
    assertThat(info.out())
        .contains("\"retry_of\" : \"" + runs.get(0).id() + "\"")
        .contains("\"attempt\" : 2");
  }

  @Test
  void aSweepRetriesEachPointOnItsOwn() {
    t.script("crash.py", CRASH_ONCE);
    Cli.Result r = t.sweep("crash.py", "--grid", "x=1,2", "--retries", "1", "--parallel", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    List<Run> runs = t.runs(TargetFixture.sweepId(r.err()));
    assertThat(runs).hasSize(4);
    assertThat(runs)
        .filteredOn(run -> run.attempt() == 1)
        .hasSize(2)
        .allSatisfy(run -> assertThat(run.statusDetail()).startsWith("killed by signal 9"));
    assertThat(runs)
        .filteredOn(run -> run.attempt() == 2)
        .hasSize(2)
        .allSatisfy(
            run -> {
              assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
              assertThat(runs).extracting(Run::id).contains(run.attributes().get("retry_of"));
            });
    assertThat(r.out())
        .as("the results show each point's last attempt")
        .contains("Completed  2")
        .doesNotContain("Failed");
  }

  @Test
  void aScriptThatFailsOnItsOwnIsNotRetried() {
    t.script("fail.py", "import sys\nprint('bad data', file=sys.stderr)\nsys.exit(1)\n");
    Cli.Result r = t.submit("--retries", "3", "fail.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("exit code 1").doesNotContain("trying again");
    assertThat(t.allRuns())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.status()).isEqualTo(RunStatus.FAILED);
              assertThat(run.exitCode()).isEqualTo(1);
            });
  }

  @Test
  void aRunPastItsTimeoutEndsFailedWithItsProcessGoneAndIsNotRetried() throws Exception {
    t.script("sleep.py", SLEEPER);
    Cli.Result r =
        t.sweep("sleep.py", "--positional", "--grid", "x=1", "--timeout", "2s", "--retries", "2");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    Run run = t.runs(TargetFixture.sweepId(r.err())).get(0);
    assertThat(t.runs(run.sweepId())).as("a timeout is not retried").hasSize(1);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.statusDetail()).isEqualTo("timeout");
    assertThat(run.attributes()).containsEntry("timeout", "2s");
    t.assertStopped(run, t.shared().resolve("pid-1"));
  }

  @Test
  void theRunConfigurationsTimeoutAppliesToAPlainSubmit() throws Exception {
    t.script("sleep.py", SLEEPER);
    Files.writeString(
        t.project.resolve("aml_config/" + runConfiguration() + ".runconfig"),
        "\nTimeout: 2s\n",
        StandardOpenOption.APPEND);
    Cli.Result r = t.submit("sleep.py", "rc");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("Failed").contains("(timeout)");
    t.assertStopped(t.allRuns().get(0), t.shared().resolve("pid-rc"));
  }

  @Test
  void ctrlCNotOnATerminalLetsGoAndTheSweepGoesOnInTheBackground() throws Exception {
    t.script("sleep.py", SLEEPER);
    Files.writeString(t.shared().resolve("sleep"), "1");
    Cli.Running running =
        t.cli.start(
            t.project,
            "",
            t.withRunConfiguration("sweep", "sleep.py", "--grid", "x=1..3", "--positional"));
    // Running, and its script has got as far as writing its pid (Running alone says the supervisor
    // started).
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(t.shared().resolve("pid-1")));
    running.pressCtrlC();
    Cli.Result r = running.await(Duration.ofSeconds(90));
    assertThat(r.code()).as(r.toString()).isEqualTo(130);
    String sweepId = TargetFixture.sweepId(r.err());
    assertThat(r.err())
        .contains("stopped watching sweep " + sweepId)
        .contains("labrun experiment cancel --sweep " + sweepId);
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(t.runs(sweepId))
                    .hasSize(3)
                    .extracting(Run::status)
                    .containsOnly(RunStatus.COMPLETED));
  }

  @Test
  void cancelSweepStopsItsRunsGoingAndCancelsTheOthers() throws Exception {
    t.script("sleep.py", SLEEPER);
    Cli.Result r =
        t.sweep("sleep.py", "--grid", "x=1..4", "--positional", "--parallel", "2", "--detach");
    assertThat(r.code()).as(r.toString()).isZero();
    String sweepId = r.out().strip();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                t.runs(sweepId).stream().filter(run -> run.status() == RunStatus.RUNNING).count()
                    == 2);
    // Both scripts have got as far as writing their pids (Running alone says their supervisors
    // started).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                Files.exists(t.shared().resolve("pid-1"))
                    && Files.exists(t.shared().resolve("pid-2")));
    Cli.Result c = t.cli.in(t.project, "experiment", "cancel", "--sweep", sweepId);
    assertThat(c.code()).as(c.toString()).isZero();
    // The other two are canceled by this command or, if a slot freed meanwhile, by the sweep's
    // driver.
    assertThat(c.out()).contains("2 runs stopped");
    assertThat(t.runs(sweepId)).extracting(Run::status).containsOnly(RunStatus.CANCELED);
    t.assertStopped(t.runs(sweepId).get(0), t.shared().resolve("pid-1"));
    t.assertStopped(t.runs(sweepId).get(1), t.shared().resolve("pid-2"));
    assertThat(t.shared().resolve("pid-3")).as("never started").doesNotExist();
  }

  @Test
  void ctrlCOnATerminalOffersToCancelTheRuns() throws Exception {
    t.script("sleep.py", SLEEPER);
    t.cli.interactive(true);
    Cli.Running running =
        t.cli.start(
            t.project,
            "y\n",
            t.withRunConfiguration("sweep", "sleep.py", "--grid", "x=1..3", "--positional"));
    // Running, and its script has got as far as writing its pid (Running alone says the supervisor
    // started).
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(t.shared().resolve("pid-1")));
    running.pressCtrlC();
    Cli.Result r = running.await(Duration.ofSeconds(60));
    assertThat(r.code()).as(r.toString()).isEqualTo(130);
    assertThat(r.err())
        .contains("Cancel the runs of sweep")
        .contains("\033[")
        .as("live lines redrawn in place");
    List<Run> runs = t.runs(TargetFixture.sweepId(r.err()));
    assertThat(runs).extracting(Run::status).containsOnly(RunStatus.CANCELED);
    t.assertStopped(runs.get(0), t.shared().resolve("pid-1"));
  }
}
