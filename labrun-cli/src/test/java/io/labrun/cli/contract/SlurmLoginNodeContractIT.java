package io.labrun.cli.contract;

import static org.awaitility.Awaitility.await;

import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The compute-target contract on a {@code slurm} target with an address: the test OpenSSH server is
 * the cluster's login node, where labrun runs sbatch, scontrol and scancel as the test user; the
 * run's folder is in that user's home, which the (same machine's) compute node shares.
 */
class SlurmLoginNodeContractIT extends SlurmTargetContractIT {
  static final TestSshd SSHD = TestSshd.get();

  @Override
  protected List<String> attachOptions() {
    return List.of(
        "--address",
        SSHD.host + ":" + SSHD.port,
        "--username",
        SSHD.keyUser,
        "--ssh-key",
        SSHD.key.toString(),
        "--accept-new-host-key");
  }

  @Override
  protected void assertNothingLeft(String runId) {
    super.assertNothingLeft(runId);
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", runId);
    await("the canceled run's folder on the login node is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
  }
}
