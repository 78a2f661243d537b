package io.labrun.server;

import io.labrun.app.LocalRuns;
import io.labrun.app.Runs;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.KeptOutput;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.follow.TargetQueue;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.Submitter;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs submitted through the server: recorded Queued (the queue is the run history itself, so it
 * survives a restart), started in order of submission with at most {@code perTarget} executing per
 * target, followed to their end, which the core's finisher records. At start the queue takes back
 * its Queued runs, and the Reconciler settles runs that were Preparing or Running when the server
 * stopped; those still running are followed again. Every 10 s all unfinished runs are reconciled,
 * whoever started them.
 */
final class RunQueue implements AutoCloseable {
  /** Attribute that marks a run as this queue's; its value names who submitted it. */
  static final String QUEUED_BY = Run.SUBMITTED_BY;

  private final ServerSetup s;
  private final int perTarget;
  private final Workspaces workspaces;
  private final LocalRuns runs;
  private final List<Run> waiting = new ArrayList<>();
  private final Map<String, Integer> active = new HashMap<>();

  /** Runs a worker of this queue follows: the periodic reconcile leaves them to it. */
  private final Set<String> followed = ConcurrentHashMap.newKeySet();

  private final ExecutorService workers =
      Executors.newCachedThreadPool(r -> daemon(r, "labrun-run"));
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "labrun-reconcile"));
  private volatile boolean closing;

  RunQueue(ServerSetup setup, int perTarget, Workspaces workspaces, LocalRuns runs) {
    this.runs = runs;
    this.s = setup;
    this.perTarget = perTarget;
    this.workspaces = workspaces;
  }

  void start() {
    for (Run r : s.store().unfinished()) {
      if (!r.attributes().containsKey(QUEUED_BY)) {
        continue;
      }
      if (r.status() == RunStatus.QUEUED && !r.queuedAtTarget()) {
        synchronized (this) {
          waiting.add(r);
        }
      } else if (s.pipeline().reconciler().reconcile(r).isEmpty()
          && (r.status() == RunStatus.RUNNING || r.queuedAtTarget())) {
        adopt(r);
      }
    }
    dispatch();
    workspaces.tidy(null); // folders left by runs that ended while no server ran
    ticker.scheduleWithFixedDelay(this::reconcileAll, 10, 10, TimeUnit.SECONDS);
  }

  /** Records a submission as Queued and starts it when its target has room. */
  Run submit(Submitter submitter, SubmitRequest request, Snapshot snapshot, String user) {
    Run queued = submitter.enqueue(request, snapshot, Map.of(QUEUED_BY, user));
    synchronized (this) {
      waiting.add(queued);
    }
    dispatch();
    return queued;
  }

  /**
   * Cancels a run as the command line does ({@link LocalRuns#cancel}: one not started ends at once,
   * a running one is stopped and its end waited for, up to {@code Cancellation.WAIT}); a run that
   * was waiting here leaves the queue. Returns the run's state ({@code RunView.status}) and how the
   * cancel went ({@code before_start}, {@code already_ended}).
   */
  Map<String, Object> cancel(Run run) {
    Runs.Canceled c = runs.cancel(run.id());
    if (c.beforeStart()) {
      synchronized (this) {
        waiting.removeIf(w -> w.id().equals(run.id()));
      }
      workspaces.tidy(Set.of(String.valueOf(run.snapshotId())));
    }
    Map<String, Object> answer = new LinkedHashMap<>(runs.status(run.id()));
    answer.put("before_start", c.beforeStart());
    answer.put("already_ended", c.alreadyEnded());
    return answer;
  }

  synchronized int waitingCount() {
    return waiting.size();
  }

  private void dispatch() {
    List<Run> starting = new ArrayList<>();
    synchronized (this) {
      if (closing) {
        return;
      }
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Run r = it.next();
        if (active.getOrDefault(r.target(), 0) < perTarget) {
          it.remove();
          active.merge(r.target(), 1, Integer::sum);
          starting.add(r);
        }
      }
    }
    starting.forEach(r -> workers.execute(() -> execute(r)));
  }

  private void execute(Run queued) {
    try {
      Run current = s.store().find(queued.id()).orElse(null);
      if (current == null || current.status() != RunStatus.QUEUED) {
        return; // canceled or deleted while it waited
      }
      try (Workspaces.Lease lease = workspaces.use(current.snapshotId())) {
        Snapshot snapshot = workspaces.snapshot(current.snapshotId());
        Project project = workspaces.project(snapshot, current.experiment());
        SubmitRequest request =
            new SubmitRequest(
                project,
                current.runConfiguration(),
                current.script(),
                current.arguments(),
                Map.of(),
                current.sweepId(),
                null);
        Submitter submitter = s.pipeline().submitter(s.configs().apply(project), RunEvents.NONE);
        Submitter.Submission sub = submitter.start(current, request, snapshot, RunEvents.NONE);
        if (sub.execution() != null) {
          follow(sub.run(), sub.execution());
        }
      }
    } catch (LabrunException e) {
      // The submitter has recorded the run as Failed with this reason.
      System.err.println(
          "labrun server: run " + queued.id() + " could not start: " + e.getMessage());
    } catch (RuntimeException e) {
      System.err.println("labrun server: run " + queued.id() + " failed in the queue: " + e);
    } finally {
      release(queued.target());
    }
  }

  /** Follows a run this server did not start (or started before a restart) until it ends. */
  private void adopt(Run run) {
    Optional<ComputeTarget> target = s.pipeline().targetOf(run);
    if (target.isEmpty()) {
      return;
    }
    synchronized (this) {
      active.merge(run.target(), 1, Integer::sum);
    }
    workers.execute(
        () -> {
          try {
            follow(run, target.get().reattach(run, s.paths().runState(run.id())));
            workspaces.tidy(Set.of(String.valueOf(run.snapshotId())));
          } catch (RuntimeException e) {
            System.err.println(
                "labrun server: lost sight of run " + run.id() + ": " + e.getMessage());
          } finally {
            release(run.target());
          }
        });
  }

  private void follow(Run run, Execution execution) {
    followed.add(run.id());
    try {
      // A run on another host: its output is copied here as it comes, for the live-log streams.
      // Otherwise its supervisor writes the log here itself and following only waits for the end.
      // a run waiting in its target's queue is recorded Running when the target starts it
      Execution watched = new TargetQueue(s.store(), s.clock()).watching(run, execution, r -> {});
      long from = Long.MAX_VALUE;
      if (!execution.writesLocalOutput()) {
        MirroredOutput mirrored =
            new MirroredOutput(
                watched, s.paths().runState(run.id()).resolve(StateFolder.OUTPUT_LOG));
        watched = mirrored;
        from = mirrored.copied();
      }
      Optional<ExitRecord> exit =
          new RunFollower(watched, from).follow(RunEvents.NONE, () -> closing);
      exit.ifPresent(e -> keepOutput(s.pipeline().finisher().finish(run.id(), execution, e)));
    } finally {
      followed.remove(run.id());
    }
  }

  /** Keeps an ended run's output log with the objects, so a wiped disk does not lose it. */
  private void keepOutput(Run done) {
    try {
      KeptOutput.keep(s.store(), s.objects(), s.paths(), done);
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "labrun server: the output log of run "
              + done.id()
              + " stays on this server's disk only: "
              + e.getMessage());
    }
  }

  private void release(String target) {
    synchronized (this) {
      active.merge(target, -1, Integer::sum);
    }
    dispatch();
  }

  private void reconcileAll() {
    try {
      var reconciler = s.pipeline().reconciler();
      for (Run r : s.store().unfinished()) {
        // A run a worker follows is settled by it; reattaching to one that has just been launched
        // could find its supervisor's state file not written yet.
        if (!followed.contains(r.id())
            && !(r.notLaunched() && r.attributes().containsKey(QUEUED_BY))) {
          reconciler.reconcile(r);
        }
      }
    } catch (RuntimeException e) {
      System.err.println("labrun server: reconciling runs failed: " + e.getMessage());
    }
  }

  /**
   * Stops starting runs; runs already executing go on (their supervisors are detached) and are
   * followed again after a restart. Followers let go at their next look (a tenth of a second), and
   * one recording a run's end finishes first (its outputs, its output log kept with the objects),
   * for up to 10 s; what still works then is interrupted.
   */
  @Override
  public void close() {
    closing = true;
    ticker.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
