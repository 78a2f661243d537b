package io.labrun.compute.slurm;

import static org.awaitility.Awaitility.await;

import io.labrun.compute.testkit.ComputeTargetKit;
import io.labrun.compute.testkit.KitRun;
import io.labrun.core.config.ComputeTargetSpec;
import java.time.Duration;

/**
 * The compute-target contract at the port, on a {@code slurm} target without an address: each run a
 * batch job of the real Slurm of scripts/test-env/slurm.sh, its folder in the kit's data folder.
 */
class SlurmTargetKitIT extends ComputeTargetKit {
  static final TestSlurm SLURM = TestSlurm.get();

  @Override
  protected ComputeTargetSpec spec() {
    return ComputeTargetSpec.of("hpc", SlurmTargetProvider.SLURM);
  }

  @Override
  protected void assertNothingLeft(KitRun run) throws Exception {
    await("Slurm has no job of the canceled run left")
        .atMost(Duration.ofSeconds(30))
        .until(() -> SLURM.jobsOf(run.id()).isEmpty());
  }
}
