package io.labrun.compute.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a host's failing {@code docker version} means, from what the real Docker CLI and shell of
 * this machine print in each case (the test sshd's users all reach Docker, so these cases are made
 * here: no such command, a socket the user may not open, an engine that is not there).
 */
class DockerProblemsTest {
  @Test
  void dockerMissing() throws Exception {
    Run r =
        run(
            "sh",
            "-c",
            "id -u; id -g; docker-not-installed version --format '{{.Server.Version}}'");
    assertThat(problem(r))
        .isEqualTo(
            "Docker is not installed on gpu1.lab (no 'docker' command for me); install Docker"
                + " there, or use a remote target to run with the host's Python");
  }

  @Test
  void dockerNotAllowed() throws Exception {
    // nobody is not in the group of the test engine's socket (0660)
    Run r =
        run(
            "runuser",
            "-u",
            "nobody",
            "--",
            "sh",
            "-c",
            "id -u; id -g; docker -H unix:///run/labrun-test/docker.sock version --format"
                + " '{{.Server.Version}}'");
    assertThat(r.err).containsIgnoringCase("permission denied");
    assertThat(problem(r))
        .startsWith(
            "me may not use Docker on gpu1.lab (permission denied on its socket); add the user to"
                + " the docker group");
  }

  @Test
  void dockerNotRunning() throws Exception {
    Run r =
        run(
            "sh",
            "-c",
            "id -u; id -g; docker -H unix:///run/labrun-test/no-such.sock version --format"
                + " '{{.Server.Version}}'");
    assertThat(problem(r))
        .startsWith("the Docker engine on gpu1.lab does not answer (")
        .endsWith("); start Docker there");
  }

  private static String problem(Run r) {
    LabrunException e =
        RemoteDocker.problem(r.code, r.err, r.out.lines().count() >= 3, "me", "gpu1.lab")
            .orElseThrow();
    assertThat(e.exitCode()).isEqualTo(ExitCode.TARGET_UNAVAILABLE);
    assertThat(e.getMessage()).doesNotContain("\n");
    return e.getMessage();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... argv) throws Exception {
    Process p = new ProcessBuilder(List.of(argv)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out, err);
  }
}
