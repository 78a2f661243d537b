package io.labrun.compute.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.WaitResponse;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.Folders;
import io.labrun.core.launch.Execution;
import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.StateFolder;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A run in a container, seen through its mounted state folder. The container is asked about only
 * when the state folder cannot tell: whether the run still goes on, and how it ended when its
 * supervisor died without recording it (killed, out of memory).
 */
final class DockerExecution implements Execution {
  static final String CONTAINER_ID = "container_id";
  static final String CONTAINER_NAME = "container_name";
  static final String ENVIRONMENT = "environment";
  static final String SHARED = "shared_volumes";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ENDING_TIMEOUT = Duration.ofSeconds(10);
  private static final long INSPECT_EVERY_NANOS = Duration.ofMillis(500).toNanos();
  private static final long LOOK_EVERY_NANOS = Duration.ofMillis(250).toNanos();
  private final DockerRuntime runtime;
  private final String containerId;
  private final String environment;
  private final Path state;
  private final Path work;
  private final boolean shared;
  private long lastInspect;
  private ExitRecord explained;
  private CountDownLatch ended;
  private Closeable waiting;

  private DockerExecution(
      DockerRuntime runtime,
      String containerId,
      String environment,
      Path state,
      Path work,
      boolean shared) {
    this.runtime = runtime;
    this.containerId = containerId;
    this.environment = environment;
    this.state = state;
    this.work = work;
    this.shared = shared;
  }

  /** Waits until the supervisor has started the script (or recorded why it could not). */
  static DockerExecution started(
      DockerRuntime runtime, String id, String env, Path state, Path work, boolean shared) {
    DockerExecution e = new DockerExecution(runtime, id, env, state, work, shared);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    long pause = 2;
    long lastLook = System.nanoTime();
    try {
      while (System.nanoTime() < deadline) {
        if (StateFolder.has(state, StateFolder.SUPERVISOR)
            || StateFolder.has(state, StateFolder.EXIT)) {
          return e;
        }
        // The files are the news; the engine is asked (a round trip, and work for it) only now and
        // then, to notice a container that died before its supervisor could write anything.
        if (System.nanoTime() - lastLook < LOOK_EVERY_NANOS) {
          Thread.sleep(pause);
          pause = Math.min(pause * 2, 50);
          continue;
        }
        lastLook = System.nanoTime();
        InspectContainerResponse.ContainerState s =
            e.inspect().map(InspectContainerResponse::getState).orElse(null);
        if (s == null || !Boolean.TRUE.equals(s.getRunning())) {
          if (Files.exists(state.resolve(StateFolder.SUPERVISOR))
              || Files.exists(state.resolve(StateFolder.EXIT))) {
            return e;
          }
          throw new LabrunException(
              ExitCode.ENVIRONMENT,
              "the run's container stopped before its supervisor started the script"
                  + (s == null ? "" : " (exit code " + s.getExitCodeLong() + ")")
                  + ": "
                  + e.logTail());
        }
        Thread.sleep(pause);
        pause = Math.min(pause * 2, 50);
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    throw new LabrunException(
        ExitCode.ENVIRONMENT,
        "the run's supervisor did not start the script within "
            + START_TIMEOUT.toSeconds()
            + " s: "
            + e.logTail());
  }

  static DockerExecution reattached(
      DockerRuntime runtime, String id, String env, Path state, Path work, boolean shared) {
    return new DockerExecution(runtime, id, env, state, work, shared);
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(CONTAINER_ID, containerId);
    a.put(
        CONTAINER_NAME,
        state.getFileName() == null
            ? ""
            : DockerTarget.containerName(state.getFileName().toString()));
    if (environment != null) {
      a.put(ENVIRONMENT, environment);
    }
    a.put(SHARED, Boolean.toString(shared));
    a.put("state_dir", state.toString());
    return a;
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    return StateFolder.readOutput(state, offset, max);
  }

  @Override
  public Optional<ExitRecord> poll() throws IOException {
    Optional<ExitRecord> exit = StateFolder.readExit(state);
    if (exit.isPresent()) {
      return Optional.of(explained(exit.get()));
    }
    long now = System.nanoTime();
    if (lastInspect != 0 && now - lastInspect < INSPECT_EVERY_NANOS) {
      return Optional.empty();
    }
    lastInspect = now;
    Optional<InspectContainerResponse> c = inspect();
    if (c.isPresent() && Boolean.TRUE.equals(c.get().getState().getRunning())) {
      return Optional.empty();
    }
    exit = StateFolder.readExit(state); // it may have written the record just before ending
    if (exit.isPresent()) {
      return Optional.of(explained(exit.get()));
    }
    if (c.isEmpty()) {
      return Optional.of(
          ExitRecord.lost(
              Instant.now(),
              "the run's container "
                  + (containerId == null ? "" : shortId() + " ")
                  + "is gone without recording how the script ended"));
    }
    return Optional.of(fromContainer(c.get()));
  }

  /**
   * The supervisor's record, with the reason the engine knows for a script killed with SIGKILL: the
   * out-of-memory killer. The engine tells only once the container has ended, which it does as soon
   * as the supervisor has written its record.
   */
  private ExitRecord explained(ExitRecord exit) {
    if (explained != null) {
      return explained;
    }
    if (!killedFromOutside(exit) || containerId == null) {
      return exit;
    }
    Optional<InspectContainerResponse> c = inspectOnceEnded();
    explained =
        c.filter(i -> Boolean.TRUE.equals(i.getState().getOOMKilled()))
            .map(
                i ->
                    new ExitRecord(
                        exit.exitCode(),
                        exit.signal(),
                        exit.ended(),
                        false,
                        false,
                        false,
                        "killed by signal " + exit.signal() + ": " + outOfMemory(i),
                        exit.droppedOutputBytes()))
            .orElse(exit);
    return explained;
  }

  private static boolean killedFromOutside(ExitRecord exit) {
    return exit.signal() != null
        && exit.signal() == RetryPolicy.SIGKILL
        && !exit.canceled()
        && !exit.timedOut()
        && exit.error() == null;
  }

  /**
   * The container once it has stopped, waiting a little for its supervisor to finish; as it is
   * after that.
   */
  private Optional<InspectContainerResponse> inspectOnceEnded() {
    long deadline = System.nanoTime() + ENDING_TIMEOUT.toNanos();
    Optional<InspectContainerResponse> c = inspect();
    try {
      while (c.isPresent()
          && Boolean.TRUE.equals(c.get().getState().getRunning())
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
        c = inspect();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return c;
  }

  private static String outOfMemory(InspectContainerResponse c) {
    Long limit = c.getHostConfig() == null ? null : c.getHostConfig().getMemory();
    return "out of memory"
        + (limit == null || limit <= 0
            ? " (OOMKilled)"
            : " (the container's memoryLimit is " + (limit >> 20) + " MiB)");
  }

  /**
   * How a run ended whose supervisor was killed with its container (OOM, docker kill, a reboot). A
   * SIGKILL is worded as {@link ExitRecord#describe()} words one, so it is retried.
   */
  static ExitRecord fromContainer(InspectContainerResponse c) {
    InspectContainerResponse.ContainerState s = c.getState();
    long code = s.getExitCodeLong() == null ? -1 : s.getExitCodeLong();
    Integer signal = code > 128 ? (int) (code - 128) : null;
    Instant ended = parseTime(s.getFinishedAt());
    String why =
        Boolean.TRUE.equals(s.getOOMKilled())
            ? outOfMemory(c) + ", exit code " + code
            : "the run's container ended (exit code "
                + code
                + ") without its supervisor recording how the script ended";
    return new ExitRecord(
        (int) code,
        signal,
        ended,
        false,
        false,
        false,
        signal == null ? why : "killed by signal " + signal + ": " + why,
        0);
  }

  private static Instant parseTime(String t) {
    try {
      Instant i = t == null ? null : Instant.parse(t);
      return i == null || i.getEpochSecond() <= 0 ? Instant.now() : i;
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }

  /**
   * Waits until new output may be there, or at once when the container ends (the engine says so).
   */
  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    if (containerId != null && ended == null) {
      ended = new CountDownLatch(1);
      CountDownLatch latch = ended;
      try {
        waiting =
            runtime
                .engine()
                .client()
                .waitContainerCmd(containerId)
                .exec(
                    new ResultCallback.Adapter<WaitResponse>() {
                      @Override
                      public void onNext(WaitResponse r) {
                        latch.countDown();
                      }

                      @Override
                      public void onError(Throwable t) {
                        latch.countDown();
                      }

                      @Override
                      public void onComplete() {
                        latch.countDown();
                      }
                    });
      } catch (RuntimeException e) {
        latch.countDown(); // no engine to ask: plain waiting below
      }
    }
    if (ended == null || ended.getCount() == 0) {
      Thread.sleep(max.toMillis());
    } else if (ended.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
      lastInspect = 0; // it ended: ask the engine at once if the state folder does not say how
    }
  }

  @Override
  public void cancel() throws IOException {
    if (StateFolder.readExit(state).isPresent() || containerId == null) {
      return;
    }
    DockerEngine engine = runtime.engine();
    try {
      // TERM to the supervisor (the container's pid 1): it stops the script's process group and
      // records it.
      engine.run(
          "canceling the run",
          () -> engine.client().killContainerCmd(containerId).withSignal("TERM").exec());
    } catch (LabrunException e) {
      if (!(e.getCause() instanceof NotFoundException
          || e.getCause() instanceof ConflictException)) {
        throw e; // a container that is gone or no longer running needs no signal
      }
    }
  }

  @Override
  public Collected collect(Path scratch) throws IOException {
    Path metrics = state.resolve(StateFolder.METRICS);
    if (shared) {
      return new Collected(work.resolve(StateFolder.OUTPUTS), metrics);
    }
    Path outputs = scratch.resolve(StateFolder.OUTPUTS);
    if (containerId == null) {
      throw new IOException("the run's container is gone, so its ./outputs cannot be copied out");
    }
    if (StateFolder.reportsNoOutputs(state)) {
      return new Collected(
          outputs, metrics); // the supervisor saw no ./outputs: no archive to ask the engine for
    }
    DockerEngine engine = runtime.engine();
    try (InputStream tar =
        engine.call(
            "copying ./outputs out of the run's container",
            () ->
                engine
                    .client()
                    .copyArchiveFromContainerCmd(
                        containerId, DockerTarget.WORK + "/" + StateFolder.OUTPUTS)
                    .exec())) {
      Files.createDirectories(scratch);
      ContainerArchives.extract(tar, scratch);
    } catch (LabrunException e) {
      if (!(e.getCause() instanceof NotFoundException)) {
        throw new IOException(e.getMessage(), e);
      }
      // no ./outputs: nothing to collect (or the container is gone: a lost run collects nothing)
    }
    return new Collected(outputs, metrics);
  }

  @Override
  public void cleanUp() throws IOException {
    if (waiting != null) {
      waiting.close();
    }
    if (!runtime.tidyInBackground()) {
      if (containerId != null) {
        remove(runtime.engine(), containerId);
      }
      Folders.delete(work);
      return;
    }
    // The run is recorded: its container and folder go after the command has answered, with an
    // engine client of their own (the command's is closed with it). What a stopped labrun leaves
    // behind is found by its labels and removed by 'labrun experiment clean'.
    String id = containerId;
    Map<String, String> env = runtime.env();
    runtime.tidy(
        () -> {
          if (id != null) {
            try (DockerEngine engine = new DockerEngine(env)) {
              remove(engine, id);
            } catch (RuntimeException e) {
              // left for 'labrun experiment clean'
            }
          }
          try {
            Folders.delete(work);
          } catch (IOException e) {
            // left for 'labrun experiment clean'
          }
        });
  }

  /** Removes a container, whatever its state; one that is gone already is fine. */
  static void remove(DockerEngine engine, String id) {
    try {
      engine.run(
          "removing container " + id,
          () ->
              engine
                  .client()
                  .removeContainerCmd(id)
                  .withForce(true)
                  .withRemoveVolumes(true)
                  .exec());
    } catch (LabrunException e) {
      if (!(e.getCause() instanceof NotFoundException
          || e.getCause() instanceof ConflictException
          || e.getCause() instanceof NotModifiedException)) {
        throw e;
      }
    }
  }

  private Optional<InspectContainerResponse> inspect() {
    if (containerId == null) {
      return Optional.empty();
    }
    DockerEngine engine = runtime.engine();
    try {
      return Optional.of(
          engine.call(
              "looking at the run's container",
              () -> engine.client().inspectContainerCmd(containerId).exec()));
    } catch (LabrunException e) {
      if (e.getCause() instanceof NotFoundException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The last lines the container itself printed (the supervisor's own errors), on one line. */
  private String logTail() {
    StringBuilder text = new StringBuilder();
    try {
      runtime
          .engine()
          .client()
          .logContainerCmd(containerId)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(5)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                  text.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(5, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      return "(its output cannot be read: " + DockerEngine.message(e) + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String t = text.toString().strip().replaceAll("\\s*\\n\\s*", " | ");
    return t.isEmpty() ? "(no output)" : t;
  }

  private String shortId() {
    return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
  }
}
