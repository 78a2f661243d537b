package io.labrun.cli.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cluster does to a job from outside that the shared test cluster must not be made to do: a
 * node that fails under a running job ({@code NODE_FAIL}), and a job killed for going over its
 * memory. Against a real Slurm of the test's own ({@link PrivateSlurm}), through labrun's CLI.
 */
class SlurmNodeFailureIT {
  @TempDir Path tmp;
  Cli cli;
  Path project;
  PrivateSlurm slurm;

  @BeforeEach
  void cluster() throws Exception {
    slurm = PrivateSlurm.start(tmp.resolve("slurm"));
    cli = new Cli(tmp).env("SLURM_CONF", slurm.conf.toString());
    project = tmp.resolve("proj");
    assertThat(cli.in(tmp, "project", "init", "proj").code()).isZero();
    Cli.Result r = cli.in(project, "computetarget", "attach", "--name", "priv", "--type", "slurm");
    assertThat(r.code()).as(r.toString()).isZero();
  }

  @AfterEach
  void stop() throws Exception {
    slurm.close();
  }

  @Test
  void aNodeThatFailsUnderARunEndsItLostAndARetryRunsItAgainAsANewJob() throws Exception {
    Files.writeString(
        project.resolve("aml_config/priv.compute"),
        "type: slurm\npartition: " + PrivateSlurm.PARTITION + "\n");
    Path once = tmp.resolve("ran-once");
    Files.writeString(
        project.resolve("long.py"),
        """
        import os, time
        print("job", os.environ["SLURM_JOB_ID"], flush=True)
        if not os.path.exists("%s"):
            open("%s", "w").close()
            time.sleep(120)
        print("finished")
        """
            .formatted(once, once));
    Cli.Running running =
        cli.start(project, "", "experiment", "submit", "-c", "priv", "--retries", "1", "long.py");
    await("the first attempt runs").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(once));
    slurm.killNode();
    await("Slurm ends the job NODE_FAIL and labrun records the run Lost")
        .atMost(Duration.ofSeconds(120))
        .until(() -> !runs().isEmpty() && runs().get(0).status() == RunStatus.LOST);
    slurm.startNode(); // the retry's job waits for a node
    Cli.Result r = running.await(Duration.ofSeconds(120));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("finished");
    List<Run> runs = runs();
    assertThat(runs).extracting(Run::status).containsExactly(RunStatus.LOST, RunStatus.COMPLETED);
    String job = runs.get(0).attributes().get("slurm_job_id");
    assertThat(runs.get(0).statusDetail())
        .isEqualTo("lost: the node of Slurm job " + job + " failed (NODE_FAIL)");
    assertThat(runs.get(0).attributes()).containsEntry("slurm_state", "NODE_FAIL");
    assertThat(runs.get(1).attributes())
        .containsEntry("retry_of", runs.get(0).id())
        .doesNotContainEntry("slurm_job_id", job);
  }

  @Test
  void aJobOverItsMemoryIsKilledBySlurmAndTheRunSaysSo() throws Exception {
    Files.writeString(
        project.resolve("aml_config/priv.compute"),
        "type: slurm\npartition: " + PrivateSlurm.PARTITION + "\nmemory: 100M\n");
    Files.writeString(
        project.resolve("hog.py"),
        """
        import time
        held = []
        print("allocating", flush=True)
        for i in range(60):
            held.append(bytearray(20 * 1024 * 1024))
            time.sleep(0.1)
        print("survived 1.2 GB")
        """);
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "priv", "hog.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("allocating").doesNotContain("survived");
    Run run = runs().get(0);
    String job = run.attributes().get("slurm_job_id");
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.statusDetail())
        .startsWith("killed by signal 9: Slurm killed job " + job + " (FAILED, signal 9");
    assertThat(run.attributes()).containsEntry("slurm_state", "FAILED");
    assertThat(Path.of(run.attributes().get("state_dir"), "slurm-" + job + ".out"))
        .content()
        .contains("exceeded memory limit");
  }

  private List<Run> runs() {
    try (RunStore store = SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      return store.list(RunQuery.all()).stream()
          .sorted(Comparator.comparing(Run::created))
          .toList();
    }
  }
}
