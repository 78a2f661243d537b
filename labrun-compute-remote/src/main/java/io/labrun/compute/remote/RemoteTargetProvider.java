package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.CleanRequest;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetCleaner;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.secret.TargetPasswords;
import io.labrun.ssh.HostSessions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code remote} and {@code remotedocker} targets: hosts over SSH, one connection per host and
 * assembly.
 */
public final class RemoteTargetProvider implements ComputeTargetProvider {
  @Override
  public List<TargetType> types() {
    return List.of(TargetType.REMOTE, TargetType.REMOTE_DOCKER);
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    return sshTargets(context).forSpec(spec);
  }

  /** A server refuses a run at once when it lacks the password the host wants. */
  @Override
  public String cannotLogIn(ComputeTargetSpec spec, TargetPasswords passwords) {
    return passwords.missing(spec);
  }

  /**
   * {@code experiment clean}: labrun's caches, finished run folders and ({@code remotedocker})
   * images on the host of each of the project's targets, each login visited once; a host that
   * cannot be reached is a warning.
   */
  @Override
  public TargetCleaner cleaner(TargetContext context) {
    return request -> clean(sshTargets(context), request);
  }

  private CleanReport clean(SshTargets targets, CleanRequest request) {
    CleanReport report = CleanReport.empty();
    Set<String> visited = new HashSet<>();
    for (ComputeTargetSpec spec : request.targets()) {
      if (!types().contains(spec.type())
          || spec.address() == null
          || !visited.add(
              spec.type() + " " + spec.username() + "@" + spec.address() + ":" + spec.port())) {
        continue;
      }
      try {
        report = report.plus(targets.clean(spec, request.endRecorded()));
      } catch (LabrunException e) {
        request.warn().accept(e.getMessage() + " (" + spec.address() + " was not cleaned)");
      }
    }
    return report;
  }

  /**
   * The SSH targets of this assembly, on its connections; the runs of a parallel sweep share them.
   */
  public static SshTargets sshTargets(TargetContext context) {
    return context.shared(
        SshTargets.class,
        c ->
            new SshTargets(
                new SshTargets.Settings(
                    c.objects(),
                    () -> c.python().pythonPath(),
                    c.dataDir().resolve("envs"),
                    c.env(),
                    c.logLimitBytes()),
                HostSessions.of(c)));
  }
}
