package io.labrun.compute.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.ImageLabels;
import io.labrun.core.environment.ImageRecipe;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.supervisor.LaunchSpec;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code docker} ({@code localdocker}) compute target: runs the script in a container of the
 * run's environment image, under labrun's supervisor. The supervisor's state folder and labrun's
 * Python folder are mounted from this machine, so output, metrics and the exit record are read as
 * for a local run; the snapshot goes in by copy (or by a mount with {@code sharedVolumes: true})
 * and {@code ./outputs} comes out by copy. Every container is labelled with its run's id, and holds
 * to the target's {@code memoryLimit}, if it has one.
 */
public final class DockerTarget implements ComputeTarget {
  static final String LIB = "/labrun/lib";
  static final String STATE = "/labrun/state";
  static final String WORK = "/labrun/work";
  static final String SNAPSHOT = "/labrun/snapshot";
  static final String SHARE = "/azureml-share/";
  private final ComputeTargetSpec spec;
  private final DockerRuntime runtime;
  private final EnvironmentImages images;
  private final Map<String, PreparedEnvironment> prepared = new ConcurrentHashMap<>();

  public DockerTarget(ComputeTargetSpec spec, DockerRuntime runtime) {
    this.spec = spec;
    this.runtime = runtime;
    this.images = new EnvironmentImages(runtime);
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    MemoryLimit.of(spec); // a limit that is no size stops the run before its environment is built
    PreparedEnvironment env = environment(EnvironmentRequest.of(plan), events);
    if (!env.cached()) {
      events.progress(
          "environment " + env.id() + " built in " + env.took().toMillis() / 1000.0 + " s");
    }
    prepared.put(plan.runId(), env);
  }

  @Override
  public PreparedEnvironment prepareEnvironment(EnvironmentRequest request, RunEvents events) {
    return environment(request, events);
  }

  /**
   * The run's image: the base image as it is when the run configuration says so, else one built
   * from the conda file.
   */
  private PreparedEnvironment environment(EnvironmentRequest request, RunEvents events) {
    return request.configuration().interpreterAsIs()
        ? images.asIs(spec, events)
        : images.prepare(spec, request, events);
  }

  /**
   * The interpreter in the container: the environment's, or the run configuration's own as it is.
   */
  private String python(RunPlan plan) {
    return plan.configuration().interpreterAsIs() ? spec.python() : ImageRecipe.PYTHON;
  }

  @Override
  public Execution launch(RunPlan plan) {
    PreparedEnvironment env = prepared.remove(plan.runId());
    if (env == null) {
      env = environment(EnvironmentRequest.of(plan), RunEvents.NONE);
    }
    Path state = plan.stateDir();
    try {
      Files.createDirectories(state.resolve(StateFolder.METRICS));
      LaunchSpec.write(state, launchJson(plan));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot write the run's launch file in " + state + ": " + e.getMessage(),
          e);
    }
    DockerEngine engine = runtime.engine();
    String image = env.reference();
    String id =
        engine.call("creating the run's container", () -> container(plan, image).exec().getId());
    boolean started = false;
    try {
      start(engine, id);
      started = true;
      return DockerExecution.started(
          runtime, id, env.id(), state, plan.workDir(), spec.sharesVolumes());
    } finally {
      if (!started) {
        DockerExecution.remove(engine, id);
      }
    }
  }

  private void start(DockerEngine engine, String id) {
    try {
      engine.run(
          "starting the run's container", () -> engine.client().startContainerCmd(id).exec());
    } catch (LabrunException e) {
      String m = DockerEngine.message(e.getCause() == null ? e : e.getCause());
      if (spec.wantsGpu() && m.contains("could not select device driver")) {
        throw new LabrunException(
            ExitCode.ENVIRONMENT,
            "nvidiaDocker: true in aml_config/"
                + spec.name()
                + ".compute, but this Docker engine has no GPU support ("
                + m
                + "); install the NVIDIA Container Toolkit and restart Docker, or set nvidiaDocker:"
                + " false",
            e.getCause());
      }
      throw e;
    }
  }

  private CreateContainerCmd container(RunPlan plan, String image) {
    List<Bind> binds = new ArrayList<>();
    binds.add(new Bind(runtime.pythonDir().toString(), new Volume(LIB), AccessMode.ro));
    binds.add(new Bind(plan.stateDir().toString(), new Volume(STATE), AccessMode.rw));
    if (spec.sharesVolumes()) {
      binds.add(new Bind(plan.workDir().toString(), new Volume(WORK), AccessMode.rw));
    } else {
      // sharedVolumes: false copies the project into the container: the supervisor copies it from
      // this read-only mount into the container's own working folder before the script starts
      // (quicker than the engine's archive upload, which must mount the container's file system).
      binds.add(new Bind(plan.workDir().toString(), new Volume(SNAPSHOT), AccessMode.ro));
    }
    sharedDirectory(plan)
        .ifPresent(dir -> binds.add(new Bind(dir.toString(), new Volume(SHARE), AccessMode.rw)));
    HostConfig host = HostConfig.newHostConfig().withBinds(binds);
    if (runtime.network() != null) {
      host.withNetworkMode(runtime.network());
    }
    MemoryLimit.of(spec)
        .ifPresent(limit -> host.withMemory(limit.bytes()).withMemorySwap(limit.bytes()));
    if (spec.wantsGpu()) {
      host.withDeviceRequests(
          List.of(new DeviceRequest().withCount(-1).withCapabilities(List.of(List.of("gpu")))));
    }
    Map<String, String> labels = new LinkedHashMap<>(runtime.owner().labels());
    labels.put(ImageLabels.LABEL_RUN, plan.runId());
    labels.put("io.labrun.state", plan.stateDir().toString());
    return runtime
        .engine()
        .client()
        .createContainerCmd(image)
        .withName(containerName(plan.runId()))
        .withLabels(labels)
        // -S -E: the supervisor needs the standard library only (as the local zygote runs it)
        .withCmd(python(plan), "-S", "-E", LIB + "/labrun_supervisor.py", STATE)
        .withWorkingDir(WORK)
        .withTty(false)
        .withStdinOpen(false)
        .withAttachStdin(false)
        .withHostConfig(host);
  }

  static String containerName(String runId) {
    return "labrun-" + runId.replaceAll("[^A-Za-z0-9_.-]", "-");
  }

  /** The launch record; without shared volumes it also names the mount to copy the project from. */
  private String launchJson(RunPlan plan) {
    return launchSpec(plan).toJson(spec.sharesVolumes() ? Map.of() : Map.of("copy_from", SNAPSHOT));
  }

  LaunchSpec launchSpec(RunPlan plan) {
    List<String> argv = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>(plan.environment());
    if (plan.configuration().frameworkOrDefault() == Framework.PYSPARK) {
      argv.add(spec.sparkSubmit());
      // No sparkMaster: the image's spark-submit default, local[*] inside the container.
      argv.addAll(plan.spark().sparkSubmitArguments(spec.sparkMaster()));
      env.put("PYSPARK_PYTHON", python(plan));
    } else {
      argv.add(python(plan));
    }
    argv.addAll(plan.scriptArguments());
    env.put("LABRUN_METRICS_DIR", STATE + "/" + StateFolder.METRICS);
    env.put("LABRUN_RUN_ID", plan.runId());
    env.put("AZUREML_RUN_ID", plan.runId());
    env.put("LABRUN_EXPERIMENT", plan.project().name());
    if (sharedDirectory(plan).isPresent()) {
      env.put("AZUREML_NATIVE_SHARE_DIRECTORY", SHARE);
    }
    // No parent pid and no finalizer: the CLI cannot be called back from inside the container;
    // the next labrun command that looks at the run records its end (see the Reconciler).
    return new LaunchSpec(
        argv,
        WORK,
        env,
        runtime.logLimitBytes(),
        plan.timeout() == null ? null : Math.max(1, plan.timeout().toSeconds()),
        runtime.killGraceSeconds(),
        0,
        null);
  }

  /** The project's folder under {@code nativeSharedDirectory} on this machine, created. */
  private Optional<Path> sharedDirectory(RunPlan plan) {
    String configured = spec.nativeSharedDirectory();
    if (configured == null || configured.isBlank()) {
      return Optional.empty();
    }
    Path base =
        configured.startsWith("~/") || configured.equals("~")
            ? Path.of(runtime.env().getOrDefault("HOME", System.getProperty("user.home")))
                .resolve(configured.substring(Math.min(2, configured.length())))
            : plan.project().root().resolve(configured);
    Path dir = base.resolve(plan.project().name());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot create the shared folder "
              + dir
              + " (nativeSharedDirectory in aml_config/"
              + spec.name()
              + ".compute): "
              + e.getMessage(),
          e);
    }
    return Optional.of(dir);
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    String id = run.attributes().get(DockerExecution.CONTAINER_ID);
    if (id == null) {
      DockerEngine engine = runtime.engine();
      List<Container> found =
          engine.call(
              "looking for the container of run " + run.id(),
              () ->
                  engine
                      .client()
                      .listContainersCmd()
                      .withShowAll(true)
                      .withLabelFilter(Map.of(ImageLabels.LABEL_RUN, run.id()))
                      .exec());
      id = found.isEmpty() ? null : found.get(0).getId();
    }
    boolean shared = "true".equals(run.attributes().get(DockerExecution.SHARED));
    return DockerExecution.reattached(
        runtime,
        id,
        run.attributes().get(DockerExecution.ENVIRONMENT),
        stateDir,
        stateDir.resolve("work"),
        shared);
  }
}
