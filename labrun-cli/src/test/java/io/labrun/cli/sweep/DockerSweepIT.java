package io.labrun.cli.sweep;

import java.nio.file.Path;

/**
 * The sweep contract on the {@code docker} target, against the real engine of {@code DOCKER_HOST}.
 */
class DockerSweepIT extends SweepContract {
  @Override
  String runConfiguration() {
    return DockerTargetFixture.RUN_CONFIGURATION;
  }

  @Override
  TargetFixture fixture(Path home) {
    return new DockerTargetFixture(home);
  }
}
