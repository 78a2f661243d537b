package io.labrun.compute.slurm;

import static org.awaitility.Awaitility.await;

import io.labrun.compute.testkit.KitRun;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The compute-target contract at the port, on a {@code slurm} target with an address: the test
 * OpenSSH server is the login node, its test user's home the shared file system.
 */
class SlurmLoginNodeKitIT extends SlurmTargetKitIT {
  static final TestSshd SSHD = TestSshd.get();

  @Override
  protected ComputeTargetSpec spec() {
    return ComputeTargetSpec.of("hpc", SlurmTargetProvider.SLURM)
        .withConnection(SSHD.host, SSHD.port, SSHD.keyUser)
        .withSshKeyFile(SSHD.key.toString())
        .withHostKeyFingerprint(SSHD.fingerprint());
  }

  @Override
  protected void assertNothingLeft(KitRun run) throws Exception {
    super.assertNothingLeft(run);
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", run.id());
    await("the canceled run's folder on the login node is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
  }
}
