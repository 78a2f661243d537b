package io.labrun.core.launch;

import io.labrun.core.config.Durations;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.Folders;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.plan.GitInfo;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.plan.RunPlanner;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.project.Project;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunIds;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.snapshot.WorkFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The submit use case: resolve the request, snapshot the project, record the run (Queued), then
 * start it: materialize its working folder, prepare the environment and launch it on its target. A
 * sweep records all its runs first ({@link #queue}) and starts them as slots free up. Returns as
 * soon as the run is going; following its output and recording its end are {@link RunFollower} and
 * {@link RunFinisher}'s work. A failure at any step leaves the run recorded as Failed, never stuck.
 */
public final class Submitter {
  /** Attributes every run gets at submit: who is preparing it, so a dead preparer is noticed. */
  public static final String SUBMITTER_PID = "submitter_pid";

  public static final String SUBMITTER_HOST = "submitter_host";

  private final RunPlanner planner;
  private final RunStore store;
  private final Snapshotter snapshots;
  private final ComputeTargets targets;
  private final LabrunPaths paths;
  private final Clock clock;
  private final String user;
  private final String host;
  private final Map<String, String> environment;
  private final WorkFolders workFolders;
  // The runs of a sweep share their files: resolved and loaded once, not once per run.
  private volatile Remembered<List<Object>, RunPlanner.Resolved> lastResolved;
  private volatile Remembered<String, Snapshot> lastSnapshot;

  private record Remembered<K, V>(K key, V value) {}

  // Runs recorded here get increasing creation times, a millisecond apart at least: history (which
  // keeps milliseconds) lists a sweep's runs in the order they were recorded.
  private final AtomicReference<Instant> lastCreated = new AtomicReference<>(Instant.EPOCH);

  public Submitter(
      RunPlanner planner,
      RunStore store,
      Snapshotter snapshots,
      ComputeTargets targets,
      LabrunPaths paths,
      Clock clock,
      String user,
      String host) {
    this(planner, store, snapshots, targets, paths, clock, user, host, null);
  }

  /**
   * As above, with {@code environment} for the tools it calls ({@code git}); null for this
   * process's.
   */
  public Submitter(
      RunPlanner planner,
      RunStore store,
      Snapshotter snapshots,
      ComputeTargets targets,
      LabrunPaths paths,
      Clock clock,
      String user,
      String host,
      Map<String, String> environment) {
    this(planner, store, snapshots, targets, paths, clock, user, host, environment, null);
  }

  /**
   * As above, with the {@code workFolders} that write runs' working folders (and hand on those of
   * ended runs; null: written from the snapshot every time).
   */
  public Submitter(
      RunPlanner planner,
      RunStore store,
      Snapshotter snapshots,
      ComputeTargets targets,
      LabrunPaths paths,
      Clock clock,
      String user,
      String host,
      Map<String, String> environment,
      WorkFolders workFolders) {
    this.environment = environment;
    this.workFolders = workFolders;
    this.planner = planner;
    this.store = store;
    this.snapshots = snapshots;
    this.targets = targets;
    this.paths = paths;
    this.clock = clock;
    this.user = user;
    this.host = host;
  }

  /** A started run; {@code execution} is null when the run was canceled before it started. */
  public record Submission(Run run, RunPlan plan, Execution execution) {}

  /**
   * What runs start from: the project's snapshot and git state. A sweep takes it once for all of
   * its runs (they run the same code), a submit once for its run.
   */
  public record Source(Snapshot snapshot, GitInfo git) {}

  /** A run recorded as Queued, with its request resolved against the project's files. */
  public record Pending(
      Run run, SubmitRequest request, RunPlanner.Resolved resolved, Snapshot snapshot) {}

  public Submission submit(SubmitRequest request, RunEvents events) {
    Pending pending = queue(request);
    events.status(pending.run());
    return start(pending, events);
  }

  /** Checks the request, snapshots the project and records the run as Queued. */
  public Pending queue(SubmitRequest request) {
    RunPlanner.Resolved r = resolveTracked(request);
    return record(request, r, source(r.project()));
  }

  public Source source(Project project) {
    return new Source(snapshots.take(project), GitInfo.of(project.root(), environment));
  }

  /** What a recorded run started from: for its retries, which run the same code again. */
  public Source sourceOf(Run run) {
    return new Source(snapshot(run.snapshotId()), new GitInfo(run.gitCommit(), run.gitDirty()));
  }

  /**
   * Checks a request against the project's files without recording anything; throws what submit
   * would.
   */
  public void check(SubmitRequest request) {
    resolveTracked(request);
  }

  /** Records a run as Queued, to be started later with {@link #start}. */
  public Pending queue(SubmitRequest request, Source source) {
    return record(request, resolveTracked(request), source);
  }

  /**
   * A run recorded Queued earlier (maybe by another labrun process), resolved again to start it.
   */
  public Pending pending(Run queued, SubmitRequest request) {
    return new Pending(queued, request, resolveTracked(request), snapshot(queued.snapshotId()));
  }

  private Snapshot snapshot(String id) {
    Remembered<String, Snapshot> last = lastSnapshot;
    if (last != null && last.key().equals(id)) {
      return last.value();
    }
    Snapshot loaded = snapshots.load(id);
    lastSnapshot = new Remembered<>(id, loaded);
    return loaded;
  }

  /** Resolves the request's files (the same for every run of a sweep) and expands its arguments. */
  private RunPlanner.Resolved resolveTracked(SubmitRequest request) {
    List<Object> key =
        List.of(
            request.project().root(),
            request.runConfiguration(),
            String.valueOf(request.script()),
            String.valueOf(request.target()));
    Remembered<List<Object>, RunPlanner.Resolved> last = lastResolved;
    RunPlanner.Resolved files;
    if (last != null && last.key().equals(key)) {
      files = last.value();
    } else {
      files = planner.resolve(request);
      targets.forSpec(
          files.target()); // a target that cannot be made (no address) is refused before a run is
      // recorded
      lastResolved = new Remembered<>(key, files);
    }
    if (!files.configuration().tracked()) {
      throw new IllegalArgumentException("untracked runs are started by UntrackedRun");
    }
    return new RunPlanner.Resolved(
        files.project(),
        files.configuration(),
        files.target(),
        files.script(),
        files.configuration().expandArguments(files.script(), request.arguments()),
        files.conda(),
        files.spark());
  }

  /**
   * Records a run of {@code snapshot} (uploaded to a server) as Queued for a queue to {@link
   * #start(Run, SubmitRequest, Snapshot, RunEvents)} later. No process owns it yet, so the {@link
   * Reconciler} leaves it queued however long it waits, across restarts of the queue.
   */
  public Run enqueue(SubmitRequest request, Snapshot snapshot, Map<String, String> attributes) {
    RunPlanner.Resolved r = resolveTracked(request);
    return record(
            request,
            r,
            new Source(snapshot, GitInfo.of(r.project().root(), environment)),
            false,
            attributes)
        .run();
  }

  /**
   * Starts a run {@link #enqueue} recorded, owned from now on by this process. A run that is no
   * longer Queued (canceled meanwhile) is not started: the submission then has no execution.
   */
  public Submission start(Run queued, SubmitRequest request, Snapshot snapshot, RunEvents events) {
    Run owned =
        queued
            .withAttribute(SUBMITTER_PID, Long.toString(ProcessHandle.current().pid()))
            .withAttribute(SUBMITTER_HOST, host);
    if (!store.update(owned, RunStatus.QUEUED)) {
      return new Submission(store.find(queued.id()).orElse(queued), null, null);
    }
    return start(new Pending(owned, request, resolveTracked(request), snapshot), events);
  }

  private Pending record(SubmitRequest request, RunPlanner.Resolved r, Source source) {
    return record(request, r, source, true, Map.of());
  }

  private Pending record(
      SubmitRequest request,
      RunPlanner.Resolved r,
      Source source,
      boolean owned,
      Map<String, String> extra) {
    Instant created =
        lastCreated.updateAndGet(
            previous -> {
              Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
              return now.isAfter(previous) ? now : previous.plusMillis(1);
            });
    String runId = RunIds.next(r.project().name(), created);
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("project_root", r.project().root().toString());
    if (owned) {
      attributes.put(SUBMITTER_PID, Long.toString(ProcessHandle.current().pid()));
      attributes.put(SUBMITTER_HOST, host);
    }
    attributes.putAll(extra);
    if (request.retryOf() != null) {
      attributes.put(SubmitRequest.RETRY_OF, request.retryOf());
    }
    Duration timeout = timeout(request, r);
    if (timeout != null) {
      attributes.put("timeout", Durations.format(timeout));
    }
    Run run =
        new Run(
            runId,
            r.project().name(),
            r.configuration().name(),
            r.target().name(),
            r.target().type().configName(),
            r.script(),
            r.scriptArguments()
                .subList(r.scriptArguments().indexOf(r.script()) + 1, r.scriptArguments().size()),
            Redaction.named(r.configuration().environment()),
            user,
            host,
            source.git().commit(),
            source.git().dirty(),
            source.snapshot().id(),
            created,
            null,
            null,
            RunStatus.QUEUED,
            null,
            null,
            request.sweepId(),
            request.attempt(),
            attributes);
    store.create(run);
    if (!request.params().isEmpty()) {
      store.putParams(runId, request.params());
    }
    return new Pending(run, request, r, source.snapshot());
  }

  private static Duration timeout(SubmitRequest request, RunPlanner.Resolved r) {
    return request.timeout() != null ? request.timeout() : r.configuration().timeout();
  }

  /**
   * Materializes the run's working folder, prepares its environment and starts it. A run canceled
   * while it waited (another process moved it on) is returned as it is, without an execution.
   */
  public Submission start(Pending pending, RunEvents events) {
    Run run = pending.run();
    ComputeTarget target;
    try {
      target = targets.forSpec(pending.resolved().target());
    } catch (RuntimeException e) {
      // every run recorded and then not started ends Failed with the reason, never Queued for good
      fail(run, startFailure(e));
      throw e;
    }
    Run preparing = run.withStatus(RunStatus.PREPARING, clock.instant());
    if (!store.update(preparing, RunStatus.QUEUED)) {
      return new Submission(store.find(run.id()).orElse(run), null, null);
    }
    return prepareAndLaunch(pending, target, preparing, events);
  }

  private Submission prepareAndLaunch(
      Pending pending, ComputeTarget target, Run preparing, RunEvents events) {
    RunPlan plan = prepare(pending, target, preparing, events);
    Execution execution;
    try {
      execution = target.launch(plan);
    } catch (RuntimeException e) {
      fail(preparing, startFailure(e));
      throw e;
    }
    return launched(plan, execution, events);
  }

  /**
   * Starts runs recorded Queued together, as one batch on their target ({@link BatchLaunch}: a
   * sweep's points as one Slurm job array) of which at most {@code parallel} run at once. Returns
   * one submission per run, in order; a run canceled meanwhile has no execution, and one that could
   * not be prepared or launched is recorded Failed with the reason and has none either. Empty when
   * their target has no batches: each is then started on its own ({@link #start(Pending,
   * RunEvents)}).
   */
  public List<Submission> startBatch(List<Pending> pendings, int parallel, RunEvents events) {
    if (pendings.isEmpty()) {
      return List.of();
    }
    ComputeTarget target;
    try {
      target = targets.forSpec(pendings.get(0).resolved().target());
    } catch (RuntimeException e) {
      return List.of(); // started one by one, each failing with the reason
    }
    Optional<BatchLaunch> batch = target.batchLaunch();
    if (batch.isEmpty() || pendings.size() > batch.get().maxRuns()) {
      return List.of();
    }
    Submission[] out = new Submission[pendings.size()];
    List<Integer> prepared = new ArrayList<>();
    List<RunPlan> plans = new ArrayList<>();
    String failure = null;
    for (int i = 0; i < pendings.size(); i++) {
      Run run = pendings.get(i).run();
      Run preparing = run.withStatus(RunStatus.PREPARING, clock.instant());
      if (!store.update(preparing, RunStatus.QUEUED)) {
        out[i] = new Submission(store.find(run.id()).orElse(run), null, null);
        continue;
      }
      if (failure != null) {
        out[i] = new Submission(fail(preparing, failure), null, null);
        continue;
      }
      try {
        plans.add(prepare(pendings.get(i), target, preparing, events));
        prepared.add(i);
      } catch (LabrunException e) {
        failure = e.getMessage(); // the same target and environment: the others would fail alike
        out[i] = new Submission(store.find(run.id()).orElse(preparing), null, null);
      }
    }
    if (!plans.isEmpty()) {
      List<Execution> executions = null;
      try {
        executions = batch.get().launch(plans, parallel);
      } catch (RuntimeException e) {
        String why = startFailure(e);
        for (int k = 0; k < plans.size(); k++) {
          out[prepared.get(k)] = new Submission(fail(plans.get(k).run(), why), null, null);
        }
      }
      for (int k = 0; executions != null && k < plans.size(); k++) {
        out[prepared.get(k)] = launched(plans.get(k), executions.get(k), events);
      }
    }
    return List.of(out);
  }

  /**
   * Materializes the working folder of a run recorded Preparing and prepares its environment; a
   * failure is recorded (Failed, with the reason) and thrown.
   */
  private RunPlan prepare(Pending pending, ComputeTarget target, Run run, RunEvents events) {
    RunPlanner.Resolved r = pending.resolved();
    String runId = run.id();
    events.status(run);
    Path stateDir = paths.runState(runId);
    try {
      Path workDir = stateDir.resolve("work");
      Folders.createPrivate(stateDir);
      if (target.needsLocalWorkDir()) {
        if (workFolders != null) {
          workFolders.materialize(pending.snapshot(), workDir);
        } else {
          snapshots.materialize(pending.snapshot(), workDir);
        }
      }
      Map<String, String> env = new LinkedHashMap<>(r.configuration().environment());
      RunPlan plan =
          new RunPlan(
              run,
              r.project(),
              r.configuration(),
              r.target(),
              r.scriptArguments(),
              env,
              r.conda(),
              r.spark(),
              stateDir,
              workDir,
              timeout(pending.request(), r));
      target.prepare(plan, events);
      return plan;
    } catch (IOException e) {
      fail(run, "could not prepare the run's working folder: " + e.getMessage());
      throw new LabrunException(
          ExitCode.STORE,
          "could not prepare the working folder of run "
              + runId
              + " in "
              + stateDir
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      fail(run, startFailure(e));
      throw e;
    }
  }

  /**
   * The reason recorded for a run that failed to start: labrun's own one-line message, or the
   * unexpected exception named as such.
   */
  private static String startFailure(RuntimeException e) {
    return e instanceof LabrunException ? e.getMessage() : "labrun failed to start the run: " + e;
  }

  /**
   * Records a launched run: Running, or Queued while its target holds it in its own queue (a Slurm
   * job PENDING; it becomes Running when the target starts it: {@code follow.TargetQueue} records
   * that). A run canceled while it was prepared is stopped again at once.
   */
  private Submission launched(RunPlan plan, Execution execution, RunEvents events) {
    Run run = plan.run();
    try {
      Optional<String> queued = execution.queued();
      Run running =
          queued.isPresent()
              ? run.withStatus(RunStatus.QUEUED, clock.instant()).waitingAtTarget(queued.get())
              : run.withStatus(RunStatus.RUNNING, clock.instant());
      for (Map.Entry<String, String> a : execution.attributes().entrySet()) {
        running = running.withAttribute(a.getKey(), a.getValue());
      }
      if (!store.update(running, RunStatus.PREPARING)) {
        // Canceled while we were preparing: stop what we just started.
        execution.cancel();
        return new Submission(store.find(run.id()).orElse(running), plan, execution);
      }
      events.status(running);
      return new Submission(
          running,
          new RunPlan(
              running,
              plan.project(),
              plan.configuration(),
              plan.target(),
              plan.scriptArguments(),
              plan.environment(),
              plan.conda(),
              plan.spark(),
              plan.stateDir(),
              plan.workDir(),
              plan.timeout()),
          execution);
    } catch (IOException e) {
      fail(run, "labrun failed to start the run: " + e.getMessage());
      throw new LabrunException(
          ExitCode.TARGET_UNAVAILABLE, "cannot reach the run's target: " + e.getMessage(), e);
    }
  }

  /** Records the run Failed with {@code why} unless it has ended; returns it as recorded. */
  private Run fail(Run run, String why) {
    Run current = store.find(run.id()).orElse(run);
    if (!current.status().isFinal()) {
      store.update(
          current.withExit(null, why).withStatus(RunStatus.FAILED, clock.instant()),
          current.status());
    }
    return store.find(run.id()).orElse(current);
  }
}
