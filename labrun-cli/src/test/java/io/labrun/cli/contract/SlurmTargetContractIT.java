package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.compute.slurm.TestSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The compute-target contract on a {@code slurm} target without an address: Slurm's commands on
 * this machine, the run's folder in labrun's data folder (the one-node test cluster shares this
 * machine's file system), each run one batch job of the real Slurm of scripts/test-env/slurm.sh.
 */
class SlurmTargetContractIT extends ComputeTargetContract {
  static final TestSlurm SLURM = TestSlurm.get();

  @Override
  protected Cli newCli(Path home) {
    return new Cli(home);
  }

  /** The options of {@code computetarget attach} beyond its name and type. */
  protected List<String> attachOptions() {
    return List.of();
  }

  @Override
  protected String target(Path project) throws Exception {
    List<String> attach =
        new ArrayList<>(List.of("computetarget", "attach", "--name", "hpc", "--type", "slurm"));
    attach.addAll(attachOptions());
    Cli.Result r = cli.in(project, attach.toArray(String[]::new));
    assertThat(r.code()).as(r.toString()).isZero();
    Files.writeString(
        project.resolve("aml_config/hpc.compute"),
        "partition: " + SLURM.partition + "\n",
        StandardOpenOption.APPEND);
    return "hpc";
  }

  @Override
  protected void assertNothingLeft(String runId) {
    await("Slurm has no job of the canceled run left")
        .atMost(Duration.ofSeconds(30))
        .until(() -> SLURM.jobsOf(runId).isEmpty());
  }
}
