package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.DockerTestEngine;
import io.labrun.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The compute-target contract on the {@code remotedocker} target: the test OpenSSH server, whose
 * users reach the test Docker engine, so containers and images are checked on that engine.
 */
class RemoteDockerTargetContractIT extends ComputeTargetContract {
  static final TestSshd SSHD = TestSshd.get();

  @Override
  protected Cli newCli(Path home) {
    return DockerTestEngine.cli(home); // LABRUN_DOCKER_NETWORK=none, and the engine checked once
  }

  @Override
  protected String target(Path project) {
    Cli.Result r =
        cli.in(
            project,
            "computetarget",
            "attach",
            "--name",
            "gpu1",
            "--type",
            "remotedocker",
            "--address",
            SSHD.host + ":" + SSHD.port,
            "--username",
            SSHD.keyUser,
            "--ssh-key",
            SSHD.key.toString(),
            "--accept-new-host-key",
            "--base-docker-image",
            DockerTestEngine.BASE_IMAGE);
    assertThat(r.code()).as(r.toString()).isZero();
    return "gpu1";
  }

  @Override
  protected String runConfigurationExtra() {
    return "PrepareEnvironment: true";
  }

  @Override
  protected void assertNothingLeft(String runId) {
    assertThat(DockerTestEngine.containersOf(runId))
        .as("the canceled run's container is removed")
        .isEmpty();
    Path runDir = Path.of("/home", SSHD.keyUser, ".labrun/runs", runId);
    await("the canceled run's folder on the host is removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(runDir));
  }
}
