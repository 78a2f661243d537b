package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.DockerTestEngine;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retries, timeouts and letting go on the {@code docker} target, against the real engine of {@code
 * DOCKER_HOST}; and the failures only a container has: its out-of-memory kill under the target's
 * {@code memoryLimit}, and the container killed from outside.
 */
class DockerRunPolicyIT extends RunPolicyContract {
  @Override
  String runConfiguration() {
    return DockerTargetFixture.RUN_CONFIGURATION;
  }

  @Override
  TargetFixture fixture(Path home) {
    return new DockerTargetFixture(home);
  }

  /**
   * The first time, fills far more memory than the container may have; the second time, just works.
   */
  static final String GREEDY_ONCE =
      """
      import os
      marker = os.path.join(os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"], "greedy")
      if not os.path.exists(marker):
          open(marker, "w").close()
          print("taking 400 MiB", flush=True)
          hog = b"x" * (400 << 20)
          print("still here?", len(hog))
      print("fine this time")
      """;

  @Test
  void aScriptKilledForGoingPastTheMemoryLimitIsTriedAgain() throws Exception {
    Files.writeString(
        t.project.resolve("aml_config/docker.compute"),
        "memoryLimit: 96m\n",
        StandardOpenOption.APPEND);
    t.script("greedy.py", GREEDY_ONCE);
    Cli.Result r = t.submit("--retries", "1", "greedy.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("taking 400 MiB")
        .doesNotContain("still here?")
        .contains("fine this time");
    assertThat(r.err()).contains("trying again in 1.0 s (attempt 2 of 2)");
    List<Run> runs = t.allRuns();
    assertThat(runs).extracting(Run::status).containsExactly(RunStatus.FAILED, RunStatus.COMPLETED);
    assertThat(runs.get(0).statusDetail())
        .isEqualTo("killed by signal 9: out of memory (the container's memoryLimit is 96 MiB)");
    assertThat(runs.get(1).attributes()).containsEntry("retry_of", runs.get(0).id());
    runs.forEach(
        run ->
            assertThat(DockerTestEngine.containersOf(run.id()))
                .as("removed once recorded")
                .isEmpty());
  }

  @Test
  void aMemoryLimitThatIsNoSizeIsOneLineWithItsPositionBeforeAnythingRuns() throws Exception {
    Files.writeString(
        t.project.resolve("aml_config/docker.compute"),
        "memoryLimit: lots\n",
        StandardOpenOption.APPEND);
    t.script("x.py", "print(1)\n");
    Cli.Result r = t.submit("x.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().strip().lines().toList())
        .as(r.toString())
        .last()
        .asString()
        .matches(
            "labrun: aml_config/docker\\.compute:\\d+:14: 'memoryLimit' must be a size of at least"
                + " 6m, such as 512m or 2g, got \"lots\"");
    assertThat(t.allRuns())
        .as("the file is refused when it is read, before a run is recorded")
        .isEmpty();
  }

  /** The first time, says it is up and waits; the second time, just works. */
  static final String WAITS_ONCE =
      """
      import os, time
      marker = os.path.join(os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"], "up-first")
      if not os.path.exists(marker):
          open(marker, "w").close()
          time.sleep(300)
      print("second time")
      """;

  @Test
  void aContainerKilledFromOutsideIsTriedAgain() throws Exception {
    t.script("wait.py", WAITS_ONCE);
    Cli.Running running =
        t.cli.start(t.project, "", t.withRunConfiguration("submit", "--retries", "1", "wait.py"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(t.shared().resolve("up-first")));
    Run first = t.allRuns().get(0);
    List<String> containers = DockerTestEngine.containersOf(first.id());
    assertThat(containers).hasSize(1);
    DockerTestEngine.Result kill = DockerTestEngine.docker("kill", containers.get(0));
    assertThat(kill.code()).as(kill.output()).isZero();
    Cli.Result r = running.await(Duration.ofSeconds(90));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("second time");
    List<Run> runs = t.allRuns();
    assertThat(runs).extracting(Run::status).containsExactly(RunStatus.FAILED, RunStatus.COMPLETED);
    assertThat(runs.get(0).exitCode()).isEqualTo(137);
    assertThat(runs.get(0).statusDetail())
        .isEqualTo(
            "killed by signal 9: the run's container ended (exit code 137) without its supervisor"
                + " recording how the script ended");
    assertThat(runs.get(1).attributes()).containsEntry("retry_of", runs.get(0).id());
    runs.forEach(
        run ->
            assertThat(DockerTestEngine.containersOf(run.id()))
                .as("removed once recorded")
                .isEmpty());
  }
}
