package io.labrun.compute.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.compute.testkit.ComputeTargetKit;
import io.labrun.compute.testkit.KitRun;
import io.labrun.compute.testkit.TestEngine;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import java.util.Map;

/**
 * The compute-target contract at the port, on the {@code docker} target: the test engine of {@code
 * DOCKER_HOST} (scripts/test.sh), its environment image built from the test base image.
 */
class DockerTargetKitIT extends ComputeTargetKit {
  @Override
  protected ComputeTargetSpec spec() {
    return ComputeTargetSpec.of("docker", TargetType.DOCKER)
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
  }
}
