package io.labrun.cli.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.cli.DockerTestEngine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The compute-target contract on the {@code docker} target, against the real engine of {@code
 * DOCKER_HOST}.
 */
class DockerTargetContractIT extends ComputeTargetContract {
  @Override
  protected Cli newCli(Path home) {
    return DockerTestEngine.cli(home);
  }

  @Override
  protected String target(Path project) throws Exception {
    Files.writeString(
        project.resolve("aml_config/docker.compute"),
        "type: docker\nbaseDockerImage: " + DockerTestEngine.BASE_IMAGE + "\n");
    return "docker";
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
  }
}
