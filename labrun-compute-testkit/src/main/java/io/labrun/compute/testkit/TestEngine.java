package io.labrun.compute.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.environment.ImageLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The test Docker engine ({@code DOCKER_HOST}, started by {@code scripts/test.sh}) as the kits of
 * targets that run containers use it: here ({@code docker}) or through a host that reaches it
 * ({@code remotedocker}).
 */
public final class TestEngine {
  /** The base image {@code scripts/test-env/base-image.sh} builds: a Debian Python 3. */
  public static final String BASE_IMAGE = "labrun-test/python:bookworm";

  private TestEngine() {}

  /**
   * labrun's environment for the engine: its {@code DOCKER_HOST}, containers and builds without a
   * network.
   */
  public static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    assertThat(env.get("DOCKER_HOST"))
        .as("DOCKER_HOST: source /tmp/w/env.sh (scripts/test.sh starts the test engine)")
        .isNotBlank();
    env.put("LABRUN_DOCKER_NETWORK", "none");
    return env;
  }

  /** The containers of the engine labelled with {@code runId}, stopped ones too. */
  public static List<String> containersOf(String runId) throws IOException, InterruptedException {
    Process ps =
        new ProcessBuilder(
                "docker", "ps", "-aq", "--filter", "label=" + ImageLabels.LABEL_RUN + "=" + runId)
            .redirectErrorStream(true)
            .start();
    String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(ps.waitFor()).as(out).isZero();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }
}
