package io.labrun.compute.docker;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the Docker target needs from this machine.
 *
 * @param engine the Docker Engine runs and builds go to
 * @param pythonDir labrun's Python folder (supervisor, logging packages), mounted read-only
 * @param environments where environment locks and build logs of {@code experiment prepare} go
 * @param sharedRoot where {@code nativeSharedDirectory} folders go when the target names none
 * @param env labrun's environment: {@code PIP_*} options, {@code LABRUN_DOCKER_NETWORK}, {@code
 *     HOME}
 * @param tidyInBackground remove a recorded run's container and working folder after the command
 *     has answered (in a resident labrun, which outlives the command), not before
 * @param owner the user and labrun home that label every image and container made here
 */
public record DockerRuntime(
    DockerEngine engine,
    Path pythonDir,
    Path environments,
    Path sharedRoot,
    Map<String, String> env,
    long logLimitBytes,
    int killGraceSeconds,
    boolean tidyInBackground,
    Owner owner) {
  private static final ExecutorService TIDYING =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "labrun-docker-tidying");
            t.setDaemon(true);
            return t;
          });

  /** Runs {@code work} now, or off the command's path when {@link #tidyInBackground()}. */
  void tidy(Runnable work) {
    if (tidyInBackground) {
      TIDYING.execute(work);
    } else {
      work.run();
    }
  }

  /**
   * The network mode of containers and builds: {@code LABRUN_DOCKER_NETWORK}, else the engine's
   * default.
   */
  public String network() {
    String n = env.get("LABRUN_DOCKER_NETWORK");
    return n == null || n.isBlank() ? null : n.trim();
  }
}
