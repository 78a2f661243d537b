package io.labrun.compute.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.compute.testkit.ComputeTargetKit;
import io.labrun.compute.testkit.KitRun;
import io.labrun.compute.testkit.TestEngine;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The compute-target contract at the port, on the {@code remotedocker} target: the test OpenSSH
 * server, whose users reach the test Docker engine, so containers are checked on that engine.
 */
class RemoteDockerTargetKitIT extends ComputeTargetKit {
  static final TestSshd SSHD = TestSshd.get();

  @Override
  protected ComputeTargetSpec spec() {
    return ComputeTargetSpec.of("gpu1", TargetType.REMOTE_DOCKER)
        .withConnection(SSHD.host, SSHD.port, SSHD.keyUser)
        .withSshKeyFile(SSHD.key.toString())
        .withHostKeyFingerprint(SSHD.fingerprint())
        .withBaseDockerImage(TestEngine.BASE_IMAGE);
  }

  @Override
  protected Map<String, String> environment() {
    return TestEngine.environment();
  }

  @Override
  protected RunConfiguration configuration(RunConfiguration plain) {
    return preparing(plain);
  }

  @Override
  protected void assertNothingLeft(KitRun run) throws Exception {
    assertThat(TestEngine.containersOf(run.id()))
        .as("the canceled run's container is removed")
        .isEmpty();
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", run.id());
    await("the canceled run's folder on the host is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
  }
}
