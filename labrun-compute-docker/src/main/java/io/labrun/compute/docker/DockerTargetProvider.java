package io.labrun.compute.docker;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetCleaner;
import io.labrun.core.launch.TargetContext;
import java.util.List;

/** The {@code docker} target: the engine of {@code DOCKER_HOST}, one client per assembly. */
public final class DockerTargetProvider implements ComputeTargetProvider {
  @Override
  public List<TargetType> types() {
    return List.of(TargetType.DOCKER);
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    return new DockerTarget(spec, runtime(context));
  }

  /**
   * The Docker engine of {@code DOCKER_HOST} (or the default socket) for this assembly, connected
   * on first use.
   */
  public static DockerRuntime runtime(TargetContext context) {
    return context.shared(
        DockerRuntime.class,
        c ->
            new DockerRuntime(
                c.shared(DockerEngine.class, e -> new DockerEngine(e.env())),
                c.python().pythonPath(),
                c.dataDir().resolve("envs"),
                c.paths().shared(),
                c.env(),
                c.logLimitBytes(),
                10,
                c.resident(),
                owner(c)));
  }

  /**
   * {@code experiment clean}: what labrun made on this machine's engine, unless told to leave it
   * alone; an engine that does not answer is a warning.
   */
  @Override
  public TargetCleaner cleaner(TargetContext context) {
    return request -> {
      if (!request.dockerEngine()) {
        return CleanReport.empty();
      }
      try {
        return new DockerCleaner(runtime(context).engine(), owner(context))
            .clean(request.runIsOver(), request.everyOwner());
      } catch (LabrunException e) {
        if (e.exitCode() != ExitCode.TARGET_UNAVAILABLE) {
          throw e;
        }
        request.warn().accept(e.getMessage() + " (Docker images were not cleaned)");
        return CleanReport.empty();
      }
    };
  }

  /** This user and this labrun home, as labels on what labrun makes on a Docker engine. */
  private static Owner owner(TargetContext context) {
    return new Owner(
        System.getProperty("user.name"), context.dataDir().toAbsolutePath().toString());
  }
}
