package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries, timeouts and letting go on the {@code local} target, and a run lost on it. */
class LocalRunPolicyIT extends RunPolicyContract {
  @Override
  String runConfiguration() {
    return "local";
  }

  /** The first time, waits to lose its supervisor; the second time, just works. */
  static final String LOSES_ITS_SUPERVISOR =
      """
      import os, time
      share = os.environ["AZUREML_NATIVE_SHARE_DIRECTORY"]
      if not os.path.exists(os.path.join(share, "pid-first")):
          with open(os.path.join(share, "supervisor"), "w") as f:
              f.write(str(os.getppid()))
          with open(os.path.join(share, "pid-first"), "w") as f:
              f.write(str(os.getpid()))
          time.sleep(300)
      print("second time")
      """;

  @Test
  void aRunWhoseSupervisorVanishesIsLostAndTriedAgainWithItsLeftoversStopped() throws Exception {
    t.script("lose.py", LOSES_ITS_SUPERVISOR);
    Cli.Running running =
        t.cli.start(t.project, "", t.withRunConfiguration("submit", "--retries", "1", "lose.py"));
    Path supervisorFile = t.shared().resolve("supervisor");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> Files.exists(t.shared().resolve("pid-first")) && Files.size(supervisorFile) > 0);
    long supervisor = Long.parseLong(Files.readString(supervisorFile).strip());
    ProcessHandle.of(supervisor)
        .ifPresent(ProcessHandle::destroyForcibly); // as if its machine or container went away
    Cli.Result r = running.await(Duration.ofSeconds(60));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("second time");
    List<Run> runs = t.allRuns();
    assertThat(runs).extracting(Run::status).containsExactly(RunStatus.LOST, RunStatus.COMPLETED);
    assertThat(runs.get(0).statusDetail()).startsWith("lost: ");
    assertThat(runs.get(1).attributes()).containsEntry("retry_of", runs.get(0).id());
    long first = Long.parseLong(Files.readString(t.shared().resolve("pid-first")).strip());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ProcessHandle.of(first).map(h -> !h.isAlive()).orElse(true));
  }
}
