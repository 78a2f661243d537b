package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.HostSession;
import io.labrun.ssh.HostSessions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Makes the SSH compute targets ({@code remote}, {@code remotedocker}) on the connections of one
 * labrun command ({@link HostSessions}: one per host, closed with the command).
 */
public final class SshTargets {
  /**
   * What the SSH targets need from this machine besides their connections.
   *
   * @param objects the local object store the snapshots are in
   * @param pythonDir gives the folder of labrun's Python files (supervisor, logging packages)
   * @param environments where environment locks and build logs go ({@code remotedocker})
   * @param env labrun's environment: {@code PIP_*} options and {@code LABRUN_DOCKER_NETWORK}
   */
  public record Settings(
      ObjectStore objects,
      Supplier<Path> pythonDir,
      Path environments,
      Map<String, String> env,
      long logLimitBytes) {
    /**
     * The network mode of containers and builds: {@code LABRUN_DOCKER_NETWORK}, else the engine's
     * default.
     */
    public String network() {
      String n = env.get("LABRUN_DOCKER_NETWORK");
      return n == null || n.isBlank() ? null : n.trim();
    }
  }

  private final Settings settings;
  private final HostSessions hosts;

  public SshTargets(Settings settings, HostSessions hosts) {
    this.settings = settings;
    this.hosts = hosts;
  }

  /**
   * The target of {@code spec} on its host: a {@code remotedocker} target runs its supervisor in a
   * container there, any other (a {@code remote} target, a cluster's head node) as a process.
   */
  public ComputeTarget forSpec(ComputeTargetSpec spec) {
    if (spec.address() == null || spec.address().isBlank()) {
      throw LabrunException.badInput(
          "aml_config/" + spec.name() + ".compute has no address: the host to reach over SSH");
    }
    HostSession host = hosts.session(spec);
    host.prefetch(); // connect while the project is snapshotted
    if (spec.type().equals(TargetType.REMOTE_DOCKER)) {
      return new RemoteDockerTarget(spec, host, settings.objects(), settings);
    }
    return new RemoteTarget(spec, host, settings.objects(), settings.logLimitBytes());
  }

  /**
   * Frees what labrun keeps on the host of {@code spec} ({@code labrun experiment clean}): its
   * object cache and the folders of runs that are over, and for {@code remotedocker} its stopped
   * run containers and environment images (found by their labrun label; images in use are kept). A
   * run folder goes only when {@code endRecorded} says the history records its run's end, or when
   * its supervisor, started on that host, died without an exit record: a Slurm job pending or
   * running, a run of another labrun home or login node on the same login keep theirs.
   */
  public CleanReport clean(ComputeTargetSpec spec, Predicate<String> endRecorded) {
    try {
      return hosts
          .session(spec)
          .call(
              (ssh, cache, lib) -> {
                String where = ssh.settings().where();
                CleanReport report = CleanReport.empty();
                if (spec.type().equals(TargetType.REMOTE_DOCKER)) {
                  report = report.plus(new RemoteDocker(ssh).clean());
                }
                var folders = cache.helper(lib, List.of("runs"), null);
                HostCache.check(folders, "list labrun's run folders");
                String over =
                    folders.out().lines().filter(endRecorded).collect(Collectors.joining("\n"));
                var r =
                    cache.helper(
                        lib,
                        List.of("gc"),
                        new ByteArrayInputStream(over.getBytes(StandardCharsets.UTF_8)));
                HostCache.check(r, "clean labrun's cache");
                String[] freed = r.out().strip().split(" ");
                return report.plus(
                    new CleanReport(
                        List.of(
                            "labrun's object cache and "
                                + freed[1]
                                + " finished run folders on "
                                + where),
                        List.of(),
                        Long.parseLong(freed[0])));
              });
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }
}
