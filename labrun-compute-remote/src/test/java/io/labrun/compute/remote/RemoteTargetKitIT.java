package io.labrun.compute.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.compute.testkit.ComputeTargetKit;
import io.labrun.compute.testkit.KitRun;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The compute-target contract at the port, on the {@code remote} target: the test OpenSSH server's
 * own Python.
 */
class RemoteTargetKitIT extends ComputeTargetKit {
  static final TestSshd SSHD = TestSshd.get();

  @Override
  protected ComputeTargetSpec spec() {
    return ComputeTargetSpec.of("remote1", TargetType.REMOTE)
        .withConnection(SSHD.host, SSHD.port, SSHD.keyUser)
        .withSshKeyFile(SSHD.key.toString())
        .withHostKeyFingerprint(SSHD.fingerprint());
  }

  @Override
  protected void assertNothingLeft(KitRun run) {
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", run.id());
    await("the canceled run's folder on the host is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
    assertThat(
            ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(run.id())))
        .as("no process of the run is left on the host")
        .isEmpty();
  }
}
