package io.labrun.compute.remote;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.environment.BuildFolder;
import io.labrun.core.environment.EnvironmentLock;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.EnvironmentSpec;
import io.labrun.core.environment.ImageLabels;
import io.labrun.core.environment.ImageRecipe;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.supervisor.LaunchSpec;
import io.labrun.core.supervisor.StateFolder;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.HostSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code remotedocker} compute target: the run's environment image is built and cached on the
 * host's Docker engine under the same environment hash and labels as the local Docker target, and
 * the supervisor runs in a container there, with the run's folder on the host (written from the
 * snapshot, as for {@code remote}) mounted as its state folder. Docker is driven over the target's
 * one SSH connection with the {@code docker} command.
 */
final class RemoteDockerTarget implements ComputeTarget {
  private static final String LIB = "/labrun/lib";
  private static final String STATE = "/labrun/state";
  private final ComputeTargetSpec spec;
  private final HostSession host;
  private final ObjectStore objects;
  private final SshTargets.Settings settings;
  private final Map<String, PreparedEnvironment> prepared = new ConcurrentHashMap<>();

  /** uid:gid on the host, once Docker was found usable there by this target's prepare step. */
  private volatile String dockerUser;

  RemoteDockerTarget(
      ComputeTargetSpec spec, HostSession host, ObjectStore objects, SshTargets.Settings settings) {
    this.spec = spec;
    this.host = host;
    this.objects = objects;
    this.settings = settings;
  }

  @Override
  public boolean needsLocalWorkDir() {
    return false;
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    if (plan.configuration().frameworkOrDefault() == Framework.PYSPARK) {
      throw LabrunException.badInput(
          "a remotedocker target runs Python scripts; for PySpark use a cluster target");
    }
    PreparedEnvironment env = prepareEnvironment(EnvironmentRequest.of(plan), events);
    if (!env.cached()) {
      events.progress(
          "environment "
              + env.id()
              + " built on "
              + host.settings().where()
              + " in "
              + env.took().toMillis() / 1000.0
              + " s");
    }
    prepared.put(plan.runId(), env);
  }

  @Override
  public PreparedEnvironment prepareEnvironment(EnvironmentRequest request, RunEvents events) {
    long t0 = System.nanoTime();
    String base = spec.baseDockerImage();
    if (base == null || base.isBlank()) {
      throw LabrunException.badInput(
          "aml_config/"
              + spec.name()
              + ".compute has no baseDockerImage; set it to an image with Python 3 or conda");
    }
    try {
      return host.call(
          (ssh, cache, lib) -> {
            RemoteDocker docker = new RemoteDocker(ssh);
            RemoteDocker.Engine engine = docker.check(base.trim());
            dockerUser = engine.user();
            String baseId = engine.baseImageId().orElse(null);
            if (baseId == null) {
              baseId = docker.pull(base.trim(), spec.name(), events);
            }
            EnvironmentSpec env =
                EnvironmentSpec.of(
                    "docker-image " + baseId,
                    request.conda(),
                    request.project().root(),
                    List.of(request.variables(), settings.env()));
            String tag = ImageLabels.REPOSITORY + ":" + env.id();
            if (docker
                .imageLabel(tag, ImageLabels.LABEL_ENV)
                .filter(env.hash()::equals)
                .isPresent()) {
              return new PreparedEnvironment(
                  env.id(), tag, true, Duration.ofNanos(System.nanoTime() - t0));
            }
            if (!request.mayBuild()) {
              throw new LabrunException(
                  ExitCode.ENVIRONMENT,
                  request.missingMessage(
                      env.id(),
                      "the Docker image "
                          + tag
                          + " (on "
                          + host.settings().where()
                          + ") of environment"));
            }
            Path locks =
                settings
                    .environments()
                    .resolve("locks")
                    .resolve(host.settings().where().replaceAll("[^A-Za-z0-9._-]", "_"));
            try (EnvironmentLock lock = EnvironmentLock.acquire(locks, env.id(), events)) {
              if (docker
                  .imageLabel(tag, ImageLabels.LABEL_ENV)
                  .filter(env.hash()::equals)
                  .isEmpty()) {
                build(docker, env, baseId, tag, request, events);
              }
            }
            return new PreparedEnvironment(
                env.id(), tag, false, Duration.ofNanos(System.nanoTime() - t0));
          });
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  private void build(
      RemoteDocker docker,
      EnvironmentSpec env,
      String baseId,
      String tag,
      EnvironmentRequest request,
      RunEvents events)
      throws IOException {
    Path log =
        request.buildLog() != null
            ? request.buildLog()
            : settings.environments().resolve("logs").resolve(env.id() + ".log");
    Files.createDirectories(log.toAbsolutePath().getParent());
    ImageRecipe recipe =
        ImageRecipe.of(env, baseId, settings.pythonDir().get().resolve("labrun_env.py"));
    Path context = BuildFolder.tar(recipe, settings.environments().resolve("tmp"));
    events.progress(
        "building environment "
            + env.id()
            + " on "
            + spec.baseDockerImage()
            + " at "
            + host.settings().where()
            + " (log: "
            + log
            + ")");
    try {
      docker.build(
          context,
          HostCache.ROOT + "/build/" + env.id(),
          tag,
          List.of(
              ImageLabels.LABEL_MANAGED + "=true",
              ImageLabels.LABEL_ENV + "=" + env.hash(),
              ImageLabels.LABEL_BASE + "=" + spec.baseDockerImage().trim(),
              ImageLabels.LABEL_BASE_ID + "=" + baseId),
          settings.network(),
          log);
    } finally {
      Files.deleteIfExists(context);
    }
  }

  @Override
  public Execution launch(RunPlan plan) {
    PreparedEnvironment env = prepared.remove(plan.runId());
    if (env == null) {
      env = prepareEnvironment(EnvironmentRequest.of(plan), RunEvents.NONE);
    }
    String image = env.reference();
    String runDir = HostCache.runDir(plan.runId());
    String name = containerName(plan.runId());
    Snapshot snapshot = Snapshot.load(objects, plan.run().snapshotId());
    try {
      HostCache.SyncReport sent =
          host.call(
              (ssh, cache, lib) -> {
                RemoteDocker docker = new RemoteDocker(ssh);
                // Checked by this command's prepare a moment ago (on the same connection): not
                // asked again.
                String user = dockerUser != null ? dockerUser : docker.checkAndUser();
                String home = ssh.files().home();
                ssh.files().mkdirs(runDir + "/" + StateFolder.METRICS);
                ssh.files().makePrivate(runDir);
                List<String> mounts =
                    new ArrayList<>(
                        List.of(
                            "--volume",
                            home + "/" + lib + ":" + LIB + ":ro",
                            "--volume",
                            home + "/" + runDir + ":" + STATE));
                Map<String, String> vars = environment(plan);
                String shared = sharedDirectory(plan, home);
                if (shared != null) {
                  ssh.files().mkdirs(shared);
                  mounts.addAll(List.of("--volume", shared + ":" + "/azureml-share"));
                  vars.put("AZUREML_NATIVE_SHARE_DIRECTORY", "/azureml-share/");
                }
                LaunchSpec launch =
                    new LaunchSpec(
                        command(plan),
                        STATE + "/work",
                        vars,
                        settings.logLimitBytes(),
                        plan.timeout() == null ? null : Math.max(1, plan.timeout().toSeconds()),
                        LaunchSpec.DEFAULT_KILL_GRACE_SECONDS,
                        0,
                        null);
                ssh.files()
                    .writePrivate(
                        runDir + "/" + StateFolder.LAUNCH,
                        launch.toJson().getBytes(StandardCharsets.UTF_8));
                HostCache.SyncReport r = cache.sync(lib, snapshot, objects, runDir + "/work", null);
                List<String> options =
                    new ArrayList<>(
                        List.of(
                            "--name",
                            name,
                            "--label",
                            ImageLabels.LABEL_MANAGED + "=true",
                            "--label",
                            ImageLabels.LABEL_RUN + "=" + plan.runId(),
                            "--user",
                            user,
                            "--workdir",
                            STATE + "/work"));
                options.addAll(mounts);
                if (settings.network() != null) {
                  options.addAll(List.of("--network", settings.network()));
                }
                if (spec.wantsGpu()) {
                  options.addAll(List.of("--gpus", "all"));
                }
                docker.run(
                    options,
                    image,
                    List.of(ImageRecipe.PYTHON, LIB + "/labrun_supervisor.py", STATE));
                return r;
              });
      return new RemoteExecution(
          host, runDir, plan.stateDir(), sent, Supervision.container(runDir, name));
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    String runDir = HostCache.runDir(run.id());
    return new RemoteExecution(
        host, runDir, stateDir, null, Supervision.container(runDir, containerName(run.id())));
  }

  static String containerName(String runId) {
    return "labrun-"
        + runId.replaceAll("[^A-Za-z0-9_.-]", "-"); // as the Docker target names its containers
  }

  private static List<String> command(RunPlan plan) {
    List<String> argv = new ArrayList<>();
    argv.add(ImageRecipe.PYTHON);
    argv.addAll(plan.scriptArguments());
    return argv;
  }

  private static Map<String, String> environment(RunPlan plan) {
    Map<String, String> env = new LinkedHashMap<>(plan.environment());
    env.put("LABRUN_METRICS_DIR", STATE + "/" + StateFolder.METRICS);
    env.put("LABRUN_RUN_ID", plan.runId());
    env.put("AZUREML_RUN_ID", plan.runId());
    env.put("LABRUN_EXPERIMENT", plan.project().name());
    env.putIfAbsent(
        "HOME", STATE); // the container runs as the host user, who has no home in the image
    return env;
  }

  /** The project's folder under {@code nativeSharedDirectory} on the host (absolute), or null. */
  private String sharedDirectory(RunPlan plan, String home) {
    String shared = spec.nativeSharedDirectory();
    if (shared == null || shared.isBlank()) {
      return null;
    }
    String base =
        shared.startsWith("/")
            ? shared
            : home + "/" + (shared.startsWith("~/") ? shared.substring(2) : shared);
    return base.replaceAll("/+$", "") + "/" + plan.project().name();
  }
}
