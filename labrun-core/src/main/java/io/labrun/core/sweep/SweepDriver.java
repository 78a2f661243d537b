package io.labrun.core.sweep;

import io.labrun.core.finish.Cancellation;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.Submitter;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.retry.RetryPolicy;
import io.labrun.core.retry.RunAttempts;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sweep's points with at most {@code parallel} of them going at once: one thread per slot,
 * each taking the next point in order through {@link RunAttempts} (start, wait, record, retry). A
 * run that ended cleanly is recorded on a recorder thread while its slot starts the next one,
 * unless the sweep has a stop condition (which must see each run's metrics before the next starts).
 * Each run is independent: one failing does not stop the others. The sweep ends when every point
 * has ended; it can also be stopped early (its stop condition was met: runs not yet started are
 * recorded Canceled, runs going finish), canceled (every run of it stops) or let go (nothing more
 * is started here; runs going go on, and another process can drive the sweep on).
 */
public final class SweepDriver implements AutoCloseable {
  private static final Duration LIVE_METRICS_EVERY = Duration.ofMillis(500);

  /** What a driver tells whoever shows the sweep; called from the slots' threads. */
  public interface Listener {
    default void changed(PointView view) {}

    default void note(String message) {}
  }

  /** A point and its latest attempt, with the last metric value it logged ({@code name=value}). */
  public record PointView(Sweep.Point point, Run run, String lastMetric) {}

  private enum Mode {
    DRIVING,
    STOPPING,
    CANCELING,
    LETTING_GO
  }

  private final Sweep sweep;
  private final RunAttempts attempts;
  private final RunStore store;
  private final SweepRecords records;
  private final LabrunPaths paths;
  private final Listener listener;
  private final Clock clock;
  private final ThreadPoolExecutor slots;

  /** Records clean ends off the slots' threads; null when the sweep has a stop condition. */
  private final ExecutorService recorder;

  private final CountDownLatch wake = new CountDownLatch(1);
  private final Map<Integer, PointView> views = new ConcurrentHashMap<>();
  private final Map<String, Execution> going = new ConcurrentHashMap<>();
  private final AtomicInteger slotNames = new AtomicInteger();
  private volatile Mode mode = Mode.DRIVING;
  private volatile String stopReason;

  public SweepDriver(
      Sweep sweep,
      RunAttempts attempts,
      RunStore store,
      SweepRecords records,
      LabrunPaths paths,
      Listener listener,
      Clock clock) {
    this.clock = clock;
    this.sweep = sweep;
    this.attempts = attempts;
    this.store = store;
    this.records = records;
    this.paths = paths;
    this.listener = listener;
    this.slots =
        new ThreadPoolExecutor(
            sweep.parallel(),
            sweep.parallel(),
            0L,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "sweep-slot-" + slotNames.incrementAndGet());
              t.setDaemon(
                  true); // a slot never keeps the JVM alive: the runs themselves are detached
              return t;
            });
    this.recorder =
        sweep.stopWhen() != null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "sweep-recorder");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * Starts driving every point whose run has not ended for good, in point order. When the sweep's
   * target launches batches ({@link io.labrun.core.launch.BatchLaunch}: a Slurm job array), the
   * points not launched yet are launched first as one batch, which the target itself runs at most
   * {@code parallel} at once; each then has a slot that follows it (and retries it on its own).
   * Runs already launched (by this driver or one before it) are followed each by a slot of its own
   * too, since their target starts them whether or not labrun watches.
   */
  public void start() {
    Map<String, Run> latest = SweepRuns.latestAttempts(SweepRuns.all(store, sweep.id()));
    List<Sweep.Point> todo = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    int launched = 0;
    for (Sweep.Point p : sweep.points()) {
      Run run = latest.get(p.firstRunId());
      if (run == null) {
        continue; // deleted from the history meanwhile
      }
      views.put(p.index(), new PointView(p, run, null));
      if (!run.status().isFinal()
          || RetryPolicy.retryable(run) && run.attempt() < sweep.retryPolicy().maxAttempts()) {
        todo.add(p);
        runs.add(run);
        launched += run.queuedAtTarget() || run.status() == RunStatus.RUNNING ? 1 : 0;
      }
    }
    Map<String, Submitter.Submission> batch = launchTogether(todo, runs);
    int followers = Math.max(sweep.parallel(), launched + batch.size());
    if (followers > slots.getMaximumPoolSize()) {
      slots.setMaximumPoolSize(followers);
      slots.setCorePoolSize(followers);
    }
    for (int i = 0; i < todo.size(); i++) {
      Sweep.Point p = todo.get(i);
      Run run = runs.get(i);
      Submitter.Submission s = batch.get(run.id());
      slots.execute(() -> drive(p, run, s));
    }
    slots.shutdown();
  }

  /**
   * Launches the runs of {@code points} not launched yet as one batch when there are two or more
   * and their target offers batches; by run id, what each became (empty: each starts on its own
   * slot).
   */
  private Map<String, Submitter.Submission> launchTogether(
      List<Sweep.Point> points, List<Run> runs) {
    List<Run> queued = new ArrayList<>();
    List<SubmitRequest> requests = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      Run run = runs.get(i);
      if (run.status() == RunStatus.QUEUED && !run.queuedAtTarget()) {
        queued.add(run);
        requests.add(request(points.get(i), run));
      }
    }
    if (queued.size() < 2 || mode != Mode.DRIVING || records.canceled(sweep.id())) {
      return Map.of();
    }
    List<Submitter.Submission> started =
        attempts.startBatch(queued, requests, sweep.parallel(), noting());
    Map<String, Submitter.Submission> out = new HashMap<>();
    for (Submitter.Submission s : started) {
      out.put(s.run().id(), s);
      if (s.execution() != null) {
        going.put(s.run().id(), s.execution()); // a stop or cancel reaches it from now on
      }
    }
    return out;
  }

  private SubmitRequest request(Sweep.Point p, Run latest) {
    return sweep
        .request(p.params())
        .attempt(latest.attempt(), latest.attempt() == 1 ? null : SweepRuns.firstId(latest));
  }

  private RunEvents noting() {
    return new RunEvents() {
      @Override
      public void progress(String message) {
        listener.note(message);
      }
    };
  }

  /** Waits up to {@code max} for the sweep to end (every run recorded); true when it has. */
  public boolean awaitDone(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    if (!slots.awaitTermination(max.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    if (recorder == null) {
      return true;
    }
    recorder.shutdown(); // the slots are done: nothing more comes
    return recorder.awaitTermination(
        Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** The latest state of every point, in point order. */
  public List<PointView> views() {
    List<PointView> out = new ArrayList<>();
    for (Sweep.Point p : sweep.points()) {
      PointView v = views.get(p.index());
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  /** Why the sweep stopped early, or null. */
  public String stopReason() {
    return stopReason;
  }

  /** Stops early: runs not started are recorded Canceled ("not started"), runs going finish. */
  public void stop(String reason) {
    synchronized (this) {
      if (mode != Mode.DRIVING) {
        return;
      }
      mode = Mode.STOPPING;
      stopReason = reason;
    }
    wake.countDown();
    listener.note(
        "stopping the sweep: " + reason + "; runs not started yet are canceled, runs going finish");
    cancelQueued("not started: " + reason);
  }

  /** Cancels the sweep: runs not started are recorded Canceled, runs going are stopped. */
  public void cancel() {
    mode = Mode.CANCELING;
    records.markCanceled(sweep.id());
    wake.countDown();
    cancelQueued(Cancellation.DETAIL);
    for (Map.Entry<String, Execution> e : going.entrySet()) {
      // a run still waiting at its target was just taken off its queue: once is enough
      if (!store.find(e.getKey()).map(r -> r.status().isFinal()).orElse(false)) {
        cancel(e.getValue());
      }
    }
  }

  /**
   * Lets go: starts nothing more; runs going go on unwatched. Returns once every slot has let go (a
   * run being started is started first), or after {@code max}.
   */
  public void letGo(Duration max) throws InterruptedException {
    mode = Mode.LETTING_GO;
    wake.countDown();
    awaitDone(max); // runs that ended are recorded before letting go
  }

  /** True when some run of the sweep has not ended for good (the sweep needs a driver). */
  public boolean unfinished() {
    for (PointView v : views.values()) {
      Run r = v.run();
      if (!r.status().isFinal()
          || mode == Mode.LETTING_GO
              && RetryPolicy.retryable(r)
              && r.attempt() < sweep.retryPolicy().maxAttempts()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    slots.shutdownNow();
    if (recorder != null) {
      recorder.shutdownNow();
    }
  }

  /**
   * Drives point {@code p} from its latest run: started on this slot, or, when {@code launched} is
   * not null, launched with the sweep's batch and followed here.
   */
  private void drive(Sweep.Point p, Run latest, Submitter.Submission launched) {
    if (mode == Mode.LETTING_GO) {
      return;
    }
    if (mode == Mode.DRIVING && records.canceled(sweep.id())) {
      mode =
          Mode.CANCELING; // 'experiment cancel --sweep' from another process: it cancels the runs
      wake.countDown();
    }
    try {
      if (mode != Mode.DRIVING && latest.notLaunched() && launched == null) {
        cancelQueued(
            latest, mode == Mode.CANCELING ? Cancellation.DETAIL : "not started: " + stopReason);
        return;
      }
      SubmitRequest request = request(p, latest);
      RunAttempts.Outcome outcome =
          launched != null
              ? attempts.follow(launched, request, sweep.retryPolicy(), new Slot(p))
              : attempts.resume(latest, request, sweep.retryPolicy(), new Slot(p));
      if (outcome.error() != null) {
        listener.note(
            "run " + outcome.run().id() + " could not start: " + outcome.error().getMessage());
      }
    } catch (RuntimeException e) {
      // One run's trouble is not the sweep's: record it and go on with the next point.
      noteTrouble(p, e);
      store.find(latest.id()).ifPresent(r -> views.put(p.index(), new PointView(p, r, null)));
    }
  }

  private void noteTrouble(Sweep.Point p, RuntimeException e) {
    listener.note("point " + (p.index() + 1) + " (" + p.params() + "): " + e.getMessage());
  }

  private void cancelQueued(String detail) {
    for (PointView v : views.values()) {
      Run current = store.find(v.run().id()).orElse(v.run());
      if (current.queuedAtTarget()) {
        // launched but still waiting in its target's queue (a pending Slurm job): not started
        // either, so it is recorded so and taken off that queue
        Execution e = going.get(current.id());
        if (e != null) {
          new Cancellation(store, clock)
              .atTarget(current, e, detail)
              .ifPresent(canceled -> update(pointOf(current), canceled));
        }
      } else if (current.status() == RunStatus.QUEUED) {
        cancelQueued(current, detail);
      }
    }
  }

  private void cancelQueued(Run run, String detail) {
    new Cancellation(store, clock)
        .notStarted(run, detail)
        .ifPresent(canceled -> update(pointOf(run), canceled));
  }

  private Sweep.Point pointOf(Run run) {
    String first = SweepRuns.firstId(run);
    return sweep.points().stream()
        .filter(p -> p.firstRunId().equals(first))
        .findFirst()
        .orElseThrow();
  }

  private void update(Sweep.Point p, Run run) {
    PointView old = views.get(p.index());
    String metric = old != null && old.run().id().equals(run.id()) ? old.lastMetric() : null;
    if (run.status().isFinal()) {
      metric =
          LiveMetrics.lastOf(store.metricSummaries(run.id()), sweep.rankingMetric()).orElse(metric);
    }
    PointView v = new PointView(p, run, metric);
    views.put(p.index(), v);
    listener.changed(v);
  }

  private static void cancel(Execution e) {
    try {
      e.cancel();
    } catch (IOException | RuntimeException ignored) {
      // its target is unreachable: the run is recorded when it is reached again
    }
  }

  /** One slot's view of the attempts of one point. */
  private final class Slot implements RunAttempts.Watch {
    private final Sweep.Point point;

    Slot(Sweep.Point point) {
      this.point = point;
    }

    @Override
    public RunEvents events() {
      return noting();
    }

    @Override
    public void changed(Run run) {
      update(point, run);
      if (run.status() == RunStatus.COMPLETED
          && sweep.stopWhen() != null
          && sweep.stopWhen().metBy(store.metricSummaries(run.id()))) {
        stop("'" + sweep.stopWhen() + "' met by run " + run.id());
      }
    }

    @Override
    public Optional<ExitRecord> await(Run run, Execution execution) {
      going.put(run.id(), execution);
      try {
        if (mode == Mode.CANCELING) {
          cancel(execution);
        }
        LiveMetrics live =
            new LiveMetrics(
                paths.runState(run.id()).resolve(StateFolder.METRICS),
                sweep.rankingMetric(),
                LIVE_METRICS_EVERY);
        return new RunFollower(execution, Long.MAX_VALUE)
            .follow(
                RunEvents.NONE,
                () -> {
                  live.poll()
                      .ifPresent(
                          m -> {
                            views.put(point.index(), new PointView(point, run, m));
                            listener.changed(views.get(point.index()));
                          });
                  return mode == Mode.LETTING_GO;
                });
      } finally {
        going.remove(run.id());
      }
    }

    @Override
    public Executor recorder() {
      if (recorder == null) {
        return null;
      }
      return task ->
          recorder.execute(
              () -> {
                try {
                  task.run();
                } catch (RuntimeException e) {
                  noteTrouble(point, e);
                }
              });
    }

    @Override
    public boolean mayStart() {
      return mode == Mode.DRIVING && !records.canceled(sweep.id());
    }

    @Override
    public boolean pause(Duration delay, Run failed, int nextAttempt) {
      if (failed.status().isFinal()) {
        listener.note(
            "run "
                + failed.id()
                + " "
                + failed.status().display()
                + " ("
                + failed.statusDetail()
                + "); trying again in "
                + delay.toMillis() / 1000.0
                + " s (attempt "
                + nextAttempt
                + " of "
                + sweep.retryPolicy().maxAttempts()
                + ")");
      }
      try {
        return !wake.await(delay.toMillis(), TimeUnit.MILLISECONDS) && mayStart();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
