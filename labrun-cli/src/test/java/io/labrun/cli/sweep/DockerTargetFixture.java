package io.labrun.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.DockerTestEngine;
import io.labrun.core.run.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The project on the {@code docker} target of the test engine ({@code DOCKER_HOST}, containers
 * without a network): the snapshot copied into each run's container, and {@code
 * nativeSharedDirectory} a folder of the test's mounted at {@code /azureml-share/}. Pids the
 * scripts write are the container's, so whether a run is gone is asked of the engine.
 */
class DockerTargetFixture extends TargetFixture {
  static final String RUN_CONFIGURATION = "docker";

  DockerTargetFixture(Path home) {
    super(home, RUN_CONFIGURATION, DockerTestEngine.cli(home));
    try {
      Files.writeString(
          project.resolve("aml_config/docker.compute"),
          "type: docker\nbaseDockerImage: "
              + DockerTestEngine.BASE_IMAGE
              + "\nnativeSharedDirectory: "
              + home.resolve("share")
              + "\n");
      Files.writeString(
          project.resolve("aml_config/docker.runconfig"),
          "Target: docker\nPrepareEnvironment: true\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  Path sharedDirectory() {
    return home.resolve("share/iris");
  }

  /** The run's container is stopped and removed (the pid in the file is the container's own). */
  @Override
  void assertStopped(Run run, Path pidFile) {
    assertThat(pidFile).as("the script had started").exists();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(DockerTestEngine.containersOf(run.id()))
                    .as("containers of run " + run.id())
                    .isEmpty());
  }

  /** Removes the containers of every run of the project a failed test left behind. */
  @Override
  void stopLeftovers() {
    if (!Files.exists(home.resolve("labrun/data/labrun.db"))) {
      return;
    }
    List<String> ids = new ArrayList<>();
    allRuns().forEach(run -> ids.addAll(DockerTestEngine.containersOf(run.id())));
    if (!ids.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(ids);
      DockerTestEngine.docker(rm.toArray(String[]::new));
    }
  }
}
