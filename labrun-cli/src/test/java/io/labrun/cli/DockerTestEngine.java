package io.labrun.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Docker engine the Docker tests run against: {@code DOCKER_HOST} as {@code scripts/test.sh}
 * exports it, with the base image {@code labrun-test/python:bookworm}. Tests never skip when it is
 * missing: they fail and say how to get it. Also runs the {@code docker} client for checks that
 * must not go through the code under test.
 */
public final class DockerTestEngine {
  public static final String BASE_IMAGE = "labrun-test/python:bookworm";
  private static volatile boolean checked;

  private DockerTestEngine() {}

  /** {@code DOCKER_HOST}, after checking the engine answers and has the base image. */
  public static String host() {
    String host = System.getenv("DOCKER_HOST");
    if (host == null || host.isBlank()) {
      fail(
          "DOCKER_HOST is not set: the Docker tests need the test engine; run scripts/test.sh (it"
              + " starts dockerd and builds "
              + BASE_IMAGE
              + ", then exports DOCKER_HOST), or eval \"$(scripts/test-env/base-image.sh)\" before"
              + " Maven");
    }
    if (!checked) {
      Result info = docker("version", "--format", "{{.Server.Version}}");
      if (info.code() != 0) {
        fail(
            "the Docker engine at DOCKER_HOST="
                + host
                + " does not answer ("
                + info.output().strip()
                + "); run scripts/test.sh, which starts it");
      }
      if (docker("image", "inspect", BASE_IMAGE).code() != 0) {
        fail(
            "the Docker engine at "
                + host
                + " has no "
                + BASE_IMAGE
                + "; run scripts/test.sh (scripts/test-env/base-image.sh builds it)");
      }
      checked = true;
    }
    return host;
  }

  /**
   * A Cli talking to the test engine, containers without a network (the test engine has no bridge).
   */
  public static Cli cli(Path home) {
    return new Cli(home).env("DOCKER_HOST", host()).env("LABRUN_DOCKER_NETWORK", "none");
  }

  /** What a {@code docker} command printed (stdout and stderr together) and returned. */
  public record Result(int code, String output) {}

  public static Result docker(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, out + " (timed out)");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, "cannot run docker: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Ids of the containers (running or not) labelled with run {@code runId}. */
  public static List<String> containersOf(String runId) {
    String out = docker("ps", "-aq", "--filter", "label=io.labrun.run=" + runId).output().strip();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }
}
