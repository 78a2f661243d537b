package io.labrun.compute.docker;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.environment.BuildFolder;
import io.labrun.core.environment.EnvironmentLock;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.EnvironmentSpec;
import io.labrun.core.environment.ImageLabels;
import io.labrun.core.environment.ImageRecipe;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Environment images: {@code labrun-env:<id>} built from the base image and the conda file,
 * labelled with the environment's full hash, found again by it. A missing one is built under the
 * environment's lock, so concurrent runs build it once.
 */
public final class EnvironmentImages {
  private final DockerRuntime runtime;
  private final DockerEngine engine;

  EnvironmentImages(DockerRuntime runtime) {
    this.runtime = runtime;
    this.engine = runtime.engine();
  }

  /** The spec of the environment {@code request} needs on {@code target}'s base image. */
  EnvironmentSpec spec(ComputeTargetSpec target, EnvironmentRequest request, RunEvents events) {
    InspectImageResponse image = baseImage(target, events);
    return EnvironmentSpec.of(
        "docker-image " + image.getId(),
        request.conda(),
        request.project().root(),
        List.of(request.variables(), runtime.env()));
  }

  /**
   * The base image as it is, pulled if missing, for runs whose interpreter is used as it is (the
   * 2018 format's {@code userManagedDependencies: true}): nothing is built or installed.
   */
  PreparedEnvironment asIs(ComputeTargetSpec target, RunEvents events) {
    long t0 = System.nanoTime();
    String id = baseImage(target, events).getId();
    return new PreparedEnvironment(
        id.substring(id.indexOf(':') + 1).substring(0, 16), id, true, since(t0));
  }

  private InspectImageResponse baseImage(ComputeTargetSpec target, RunEvents events) {
    String base = target.baseDockerImage();
    if (base == null || base.isBlank()) {
      throw LabrunException.badInput(
          "aml_config/"
              + target.name()
              + ".compute has no baseDockerImage; set it to an image with Python 3 or conda");
    }
    return baseImage(base.trim(), target, events);
  }

  PreparedEnvironment prepare(
      ComputeTargetSpec target, EnvironmentRequest request, RunEvents events) {
    long t0 = System.nanoTime();
    EnvironmentSpec spec = spec(target, request, events);
    String tag = tag(spec);
    if (exists(tag, spec)) {
      return new PreparedEnvironment(spec.id(), tag, true, since(t0));
    }
    if (!request.mayBuild()) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          request.missingMessage(spec.id(), "the Docker image " + tag + " of environment"));
    }
    try (EnvironmentLock lock =
        EnvironmentLock.acquire(runtime.environments().resolve("locks"), spec.id(), events)) {
      if (exists(tag, spec)) {
        events.progress("environment " + spec.id() + " was built by another labrun meanwhile");
        return new PreparedEnvironment(spec.id(), tag, true, since(t0));
      }
      Path log =
          request.buildLog() != null
              ? request.buildLog()
              : runtime.environments().resolve("logs").resolve(spec.id() + ".log");
      build(target, spec, tag, log, events);
      return new PreparedEnvironment(spec.id(), tag, false, since(t0));
    }
  }

  static String tag(EnvironmentSpec spec) {
    return ImageLabels.REPOSITORY + ":" + spec.id();
  }

  private boolean exists(String tag, EnvironmentSpec spec) {
    try {
      InspectImageResponse image =
          engine.call(
              "looking for image " + tag, () -> engine.client().inspectImageCmd(tag).exec());
      Map<String, String> labels = image.getConfig() == null ? null : image.getConfig().getLabels();
      return labels != null && spec.hash().equals(labels.get(ImageLabels.LABEL_ENV));
    } catch (LabrunException e) {
      if (e.getCause() instanceof NotFoundException) {
        return false;
      }
      throw e;
    }
  }

  /** The base image, pulled if this engine lacks it; a clear error when it cannot be had. */
  private InspectImageResponse baseImage(String name, ComputeTargetSpec target, RunEvents events) {
    try {
      return engine.call(
          "looking for the base image " + name, () -> engine.client().inspectImageCmd(name).exec());
    } catch (LabrunException e) {
      if (!(e.getCause() instanceof NotFoundException)) {
        throw e;
      }
    }
    events.progress("pulling the base image " + name);
    try {
      engine
          .client()
          .pullImageCmd(name)
          .exec(new PullImageResultCallback())
          .awaitCompletion(30, TimeUnit.MINUTES);
      return engine.call(
          "looking for the base image " + name, () -> engine.client().inspectImageCmd(name).exec());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabrunException(
          ExitCode.ENVIRONMENT, "interrupted while pulling the base image " + name, e);
    } catch (RuntimeException e) {
      if (DockerEngine.unreachable(e)) {
        throw engine.translate("pulling " + name, e);
      }
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "the base image "
              + name
              + " (baseDockerImage in aml_config/"
              + target.name()
              + ".compute) is not on this Docker engine and cannot be pulled: "
              + DockerEngine.message(e)
              + "; fix: 'docker pull "
              + name
              + "' where the engine can reach its registry (or docker load it), or use an image it"
              + " has: 'labrun computetarget set "
              + target.name()
              + " baseDockerImage=IMAGE'",
          e);
    }
  }

  private void build(
      ComputeTargetSpec target, EnvironmentSpec spec, String tag, Path log, RunEvents events) {
    String baseId = spec.base().substring(spec.base().indexOf(' ') + 1);
    Path envScript = runtime.pythonDir().resolve("labrun_env.py");
    ImageRecipe recipe = ImageRecipe.of(spec, baseId, envScript);
    Path context;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      context = BuildFolder.tar(recipe, runtime.environments().resolve("tmp"));
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot write the build folder of environment " + spec.id() + ": " + e.getMessage(),
          e);
    }
    events.progress(
        "building environment "
            + spec.id()
            + " on "
            + target.baseDockerImage()
            + " (log: "
            + log
            + ")");
    try {
      ImageBuild build = new ImageBuild(log, events);
      Map<String, String> labels = new LinkedHashMap<>(runtime.owner().labels());
      labels.putAll(
          Map.of(
              ImageLabels.LABEL_ENV,
              spec.hash(),
              ImageLabels.LABEL_BASE,
              target.baseDockerImage().trim(),
              ImageLabels.LABEL_BASE_ID,
              baseId));
      build.run(engine, context, tag, labels, runtime.network());
    } finally {
      try {
        Files.deleteIfExists(context);
      } catch (IOException ignored) {
        // a leftover context in environments/tmp is harmless
      }
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
