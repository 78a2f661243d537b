package io.labrun.ssh;

import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.EnvironmentSpec;
import io.labrun.core.environment.ImageRecipe;
import io.labrun.core.environment.LocalPackage;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Cached environments on a host ({@code ~/.labrun/envs/<id>/}), built there by labrun's helper
 * under a lock per id: a conda environment when the host has micromamba, mamba or conda, else a
 * venv of the host's Python with the conda file's {@code pip:} list installed by {@code
 * labrun_env.py}, as for images without conda. Wheels and package folders the conda file names by
 * project path are uploaded next to it first. The base of the id is the host and its interpreter,
 * so another host or Python makes another environment.
 */
public final class RemoteEnvironments {
  private static final Duration BUILD_TIMEOUT = Duration.ofHours(1);
  private static final String READY = ".labrun-ready";

  private RemoteEnvironments() {}

  /**
   * The environment of {@code request} on the host of {@code host}, built when missing and allowed;
   * its reference is the environment's folder there (absolute).
   *
   * @param python the host's interpreter the venv is made from
   * @param pythonIdentity what identifies that interpreter (its real path and version)
   * @param labrunEnv labrun's environment, for the pip options the run configuration does not set
   * @param buildLogs where build logs go on this machine when the request names none
   */
  public static PreparedEnvironment prepare(
      HostSession host,
      String python,
      String pythonIdentity,
      EnvironmentRequest request,
      Map<String, String> labrunEnv,
      Path buildLogs,
      RunEvents events) {
    long t0 = System.nanoTime();
    try {
      return host.call(
          (ssh, cache, lib) -> {
            String where = ssh.settings().where();
            EnvironmentSpec env =
                EnvironmentSpec.of(
                    "host-python " + where + " " + pythonIdentity,
                    request.conda(),
                    request.project().root(),
                    List.of(request.variables(), labrunEnv));
            String home = ssh.files().home();
            String dir = HostCache.ROOT + "/envs/" + env.id();
            String prefix = home + "/" + dir;
            if (ssh.files().exists(dir + "/" + READY)) {
              return new PreparedEnvironment(
                  env.id(), prefix, true, Duration.ofNanos(System.nanoTime() - t0));
            }
            if (!request.mayBuild()) {
              throw new LabrunException(
                  ExitCode.ENVIRONMENT,
                  request.missingMessage(
                      env.id(), "the environment " + prefix + " on " + where + " of"));
            }
            Path log =
                request.buildLog() != null
                    ? request.buildLog()
                    : buildLogs.resolve(env.id() + ".log");
            events.progress(
                "building environment " + env.id() + " on " + where + " (log: " + log + ")");
            String packages = dir + "-packages";
            for (LocalPackage p : env.localPackages()) {
              upload(ssh.files(), p.source(), packages + "/" + p.contextPath());
            }
            Function<LocalPackage, String> at = p -> home + "/" + packages + "/" + p.contextPath();
            ssh.files().mkdirs(HostCache.ROOT + "/envs");
            ssh.files()
                .write(
                    dir + ".json",
                    ImageRecipe.venvSpec(env, prefix, env.pipInstallList(at))
                        .getBytes(StandardCharsets.UTF_8));
            ssh.files()
                .write(
                    dir + ".yml",
                    ImageRecipe.environmentYaml(env, at).getBytes(StandardCharsets.UTF_8));
            List<String> argv = new ArrayList<>(List.of("env"));
            env.pipOptions().forEach((k, v) -> argv.add(k + "=" + v));
            argv.addAll(
                List.of(
                    python,
                    lib + "/" + HostCache.HELPER,
                    "env",
                    env.id(),
                    dir + ".json",
                    dir + ".yml"));
            SshConnection.Result r = ssh.run(argv, null, BUILD_TIMEOUT);
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.write(log, (r.out() + r.err()).getBytes(StandardCharsets.UTF_8));
            if (r.exitCode() != 0) {
              throw failed(env.id(), where, r, log, events);
            }
            return new PreparedEnvironment(
                env.id(), prefix, false, Duration.ofNanos(System.nanoTime() - t0));
          });
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  private static LabrunException failed(
      String id, String where, SshConnection.Result r, Path log, RunEvents events) {
    String out = r.out();
    int at = out.lastIndexOf("LABRUN-ERROR: ");
    if (at >= 0) {
      String reason = out.substring(at + 14).lines().findFirst().orElse("").strip();
      return new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot build environment "
              + id
              + " on "
              + where
              + ": "
              + reason
              + " (build log: "
              + log
              + ")");
    }
    events.progress(
        "the build of environment " + id + " on " + where + " failed; the last lines of its log:");
    List<String> lines = (out + r.err()).lines().toList();
    lines
        .subList(Math.max(0, lines.size() - 15), lines.size())
        .forEach(l -> events.progress("  | " + l));
    return new LabrunException(
        ExitCode.ENVIRONMENT,
        "building environment "
            + id
            + " on "
            + where
            + " failed (exit code "
            + r.exitCode()
            + "; build log: "
            + log
            + ")");
  }

  /** A wheel file, or a package folder's regular files, to {@code target} on the host. */
  private static void upload(RemoteFiles files, Path source, String target) throws IOException {
    if (Files.isRegularFile(source)) {
      files.mkdirs(target.substring(0, target.lastIndexOf('/')));
      files.write(target, Files.readAllBytes(source));
      return;
    }
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        upload(files, f, target + "/" + source.relativize(f).toString().replace('\\', '/'));
      }
    }
  }
}
