package io.labrun.core.submit;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.execution.ComputeTarget;
import io.labrun.core.execution.Execution;
import io.labrun.core.execution.RunPlan;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunIds;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.SecretNames;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.tracking.RunEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The submit use case: resolve the request, snapshot the project, record the run, materialize its
 * working folder, prepare the environment and start it on its target. Returns as soon as the run is
 * going; following its output and recording its end are {@link RunFollower} and {@link
 * RunFinisher}'s work. A failure at any step leaves the run recorded as Failed, never stuck.
 */
public final class Submitter {
  private final RunPlanner planner;
  private final RunStore store;
  private final Snapshotter snapshots;
  private final ComputeTargets targets;
  private final LabrunPaths paths;
  private final Clock clock;
  private final String user;
  private final String host;

  public Submitter(RunPlanner planner, RunStore store, Snapshotter snapshots, ComputeTargets targets, LabrunPaths paths, Clock clock, String user, String host) {
    this.planner = planner;
    this.store = store;
    this.snapshots = snapshots;
    this.targets = targets;
    this.paths = paths;
    this.clock = clock;
    this.user = user;
    this.host = host;
  }

  /** A started run. */
  public record Submission(Run run, RunPlan plan, Execution execution) {}

  public Submission submit(SubmitRequest request, RunEvents events) {
    RunPlanner.Resolved r = planner.resolve(request);
    ComputeTarget target = targets.forSpec(r.target());
    if (!r.configuration().tracked()) {
      throw new IllegalArgumentException("untracked runs are started by UntrackedRun");
    }
    Instant created = clock.instant();
    String runId = RunIds.next(r.project().name(), created);
    Snapshot snapshot = snapshots.take(r.project());
    GitInfo git = GitInfo.of(r.project().root());
    Map<String, String> env = new LinkedHashMap<>(r.configuration().environment());
    Run run = new Run(runId, r.project().name(), r.configuration().name(), r.target().name(), r.target().type().configName(),
        r.script(), r.scriptArguments().subList(r.scriptArguments().indexOf(r.script()) + 1, r.scriptArguments().size()), SecretNames.redact(env), user, host,
        git.commit(), git.dirty(), snapshot.id(), created, null, null, RunStatus.QUEUED, null, null, request.sweepId(), 1,
        Map.of("project_root", r.project().root().toString(),
            Reconciler.SUBMITTER_PID, Long.toString(ProcessHandle.current().pid()),
            Reconciler.SUBMITTER_HOST, host));
    store.create(run);
    if (!request.params().isEmpty()) {
      store.putParams(runId, request.params());
    }
    events.status(run);
    Path stateDir = paths.runState(runId);
    try {
      Path workDir = stateDir.resolve("work");
      Files.createDirectories(stateDir);
      if (target.needsLocalWorkDir()) {
        snapshots.materialize(snapshot, workDir);
      }
      RunPlan plan = new RunPlan(run, r.project(), r.configuration(), r.target(), r.scriptArguments(), env, r.conda(), r.spark(),
          stateDir, workDir, request.timeout());
      run = move(run, RunStatus.PREPARING);
      events.status(run);
      target.prepare(plan, events);
      Execution execution = target.launch(plan);
      Run running = run.withStatus(RunStatus.RUNNING, clock.instant());
      for (Map.Entry<String, String> a : execution.attributes().entrySet()) {
        running = running.withAttribute(a.getKey(), a.getValue());
      }
      if (!store.update(running, RunStatus.PREPARING)) {
        // Canceled while we were preparing: stop what we just started.
        execution.cancel();
        return new Submission(store.find(runId).orElse(running), plan, execution);
      }
      events.status(running);
      return new Submission(running, new RunPlan(running, plan.project(), plan.configuration(), plan.target(), plan.scriptArguments(),
          plan.environment(), plan.conda(), plan.spark(), plan.stateDir(), plan.workDir(), plan.timeout()), execution);
    } catch (LabrunException e) {
      fail(run, e.getMessage());
      throw e;
    } catch (IOException e) {
      fail(run, "could not prepare the run's working folder: " + e.getMessage());
      throw new LabrunException(ExitCode.STORE, "could not prepare the working folder of run " + runId + " in " + stateDir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      fail(run, "labrun failed to start the run: " + e);
      throw e;
    }
  }

  private Run move(Run run, RunStatus next) {
    Run moved = run.withStatus(next, clock.instant());
    if (!store.update(moved, run.status())) {
      throw new LabrunException(ExitCode.RUN_FAILED, "run " + run.id() + " was changed by another labrun process (canceled?) before it started");
    }
    return moved;
  }

  private void fail(Run run, String why) {
    Run current = store.find(run.id()).orElse(run);
    if (!current.status().isFinal()) {
      store.update(current.withExit(null, why).withStatus(RunStatus.FAILED, clock.instant()), current.status());
    }
  }
}
