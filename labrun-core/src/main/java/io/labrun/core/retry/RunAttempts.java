package io.labrun.core.retry;

import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.follow.TargetQueue;
import io.labrun.core.history.RunStore;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.Submitter;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One run and its retries, through the submit pipeline: start an attempt (or take up one another
 * labrun process started), wait for its end as the {@link Watch} says, record it with the {@link
 * RunFinisher}, and try again while the {@link RetryPolicy} allows. Every attempt is a run record
 * of its own: {@code attempt} 1, 2, ... and, from the second on, the first attempt's id in the
 * {@code retry_of} attribute. Used by {@code experiment submit} and by each slot of a sweep.
 */
public final class RunAttempts {
  private static final Duration PREPARING_POLL = Duration.ofMillis(200);
  private final Submitter submitter;
  private final RunFinisher finisher;
  private final RunStore store;
  private final Function<Run, Optional<Execution>> reattach;
  private final Clock clock;

  public RunAttempts(
      Submitter submitter,
      RunFinisher finisher,
      RunStore store,
      Function<Run, Optional<Execution>> reattach,
      Clock clock) {
    this.submitter = submitter;
    this.finisher = finisher;
    this.store = store;
    this.reattach = reattach;
    this.clock = clock;
  }

  /** What the caller does while the attempts go. */
  public interface Watch {
    /** Where the pipeline reports progress (preparing an environment, warnings). */
    default RunEvents events() {
      return RunEvents.NONE;
    }

    /** An attempt moved: recorded, started, ended. */
    default void changed(Run run) {}

    /** Waits for a started attempt to end; empty when the watcher lets go (the run goes on). */
    Optional<ExitRecord> await(Run run, Execution execution);

    /** False once no further attempt may start (the sweep stopped, was canceled, or let go). */
    boolean mayStart();

    /**
     * Waits {@code delay} before the next attempt of {@code failed}; false when told to stop
     * meanwhile.
     */
    boolean pause(Duration delay, Run failed, int nextAttempt);

    /**
     * Where an attempt that ended cleanly (exit code 0: nothing to retry) is recorded, {@link
     * #changed} included, so that the caller can start its next run meanwhile; null: recorded at
     * once, before the attempts return.
     */
    default Executor recorder() {
      return null;
    }
  }

  /**
   * How the attempts ended: the last attempt; {@code error} when it could not be started; {@code
   * letGo} when the watcher stopped watching while it went on.
   */
  public record Outcome(Run run, LabrunException error, boolean letGo) {}

  private record Step(Run run, boolean retryable, LabrunException error, boolean letGo) {
    static Step ended(Run run, boolean retryable) {
      return new Step(run, retryable, null, false);
    }
  }

  /** Attempts of a run whose first attempt was just recorded ({@link Submitter#queue}). */
  public Outcome run(Submitter.Pending first, RetryPolicy policy, Watch watch) {
    return loop(startAndWait(first, watch), first.request(), policy, watch);
  }

  /**
   * Attempts of a run from its latest recorded attempt, in whatever state: Queued (start it),
   * Preparing or Running (wait for it), ended (retry it if the policy allows).
   */
  public Outcome resume(Run latest, SubmitRequest request, RetryPolicy policy, Watch watch) {
    return loop(takeUp(latest, request, watch), request, policy, watch);
  }

  /**
   * Starts the first attempts of runs recorded Queued together, as one batch on their target, when
   * it offers batches ({@link Submitter#startBatch}); empty when it does not (each is then started
   * on its own by {@link #resume}). Each submission is then followed by {@link #follow}.
   */
  public List<Submitter.Submission> startBatch(
      List<Run> queued, List<SubmitRequest> requests, int parallel, RunEvents events) {
    List<Submitter.Pending> pendings = new ArrayList<>();
    try {
      for (int i = 0; i < queued.size(); i++) {
        pendings.add(submitter.pending(queued.get(i), requests.get(i)));
      }
    } catch (LabrunException e) {
      return List.of(); // started one by one, each failing with the reason
    }
    return submitter.startBatch(pendings, parallel, events);
  }

  /**
   * Attempts of a run {@link #startBatch} launched: waits for it, then retries it (on its own) as
   * the policy allows.
   */
  public Outcome follow(
      Submitter.Submission launched, SubmitRequest request, RetryPolicy policy, Watch watch) {
    return loop(afterStart(launched, watch), request, policy, watch);
  }

  private Outcome loop(Step step, SubmitRequest request, RetryPolicy policy, Watch watch) {
    while (true) {
      if (step.letGo()) {
        return new Outcome(step.run(), step.error(), true);
      }
      Run ended = step.run();
      if (!step.retryable() || ended.attempt() >= policy.maxAttempts() || !watch.mayStart()) {
        return new Outcome(ended, step.error(), false);
      }
      int next = ended.attempt() + 1;
      if (!watch.pause(policy.delayBefore(next), ended, next)) {
        return new Outcome(ended, step.error(), false);
      }
      String firstId = ended.attributes().getOrDefault(SubmitRequest.RETRY_OF, ended.id());
      SubmitRequest retry = request.attempt(next, firstId);
      Submitter.Pending pending = submitter.queue(retry, submitter.sourceOf(ended));
      watch.changed(pending.run());
      step = startAndWait(pending, watch);
    }
  }

  private Step takeUp(Run latest, SubmitRequest request, Watch watch) {
    Run run = latest;
    while (run.status() == RunStatus.PREPARING) {
      // another process is starting it: wait until it is going (or gone: then it is Lost)
      if (!watch.mayStart() || !watch.pause(PREPARING_POLL, run, run.attempt())) {
        return new Step(run, false, null, true);
      }
      run = store.find(run.id()).orElse(run);
    }
    return switch (run.status()) {
      // not started yet: start it, unless meanwhile told to start nothing (whoever said so cancels
      // it)
      case QUEUED ->
          run.queuedAtTarget()
              ? awaitReattached(run, watch)
              : watch.mayStart()
                  ? startAndWait(submitter.pending(run, request), watch)
                  : new Step(run, false, null, true);
      case RUNNING -> awaitReattached(run, watch);
      default -> Step.ended(run, RetryPolicy.retryable(run));
    };
  }

  private Step awaitReattached(Run run, Watch watch) {
    Optional<Execution> execution = reattach.apply(run);
    return execution.isPresent()
        ? await(run, execution.get(), watch)
        : new Step(run, false, null, true);
  }

  private Step startAndWait(Submitter.Pending pending, Watch watch) {
    Submitter.Submission s;
    try {
      s = submitter.start(pending, watch.events());
    } catch (LabrunException e) {
      Run failed = store.find(pending.run().id()).orElse(pending.run());
      watch.changed(failed);
      return new Step(failed, RetryPolicy.retryable(e), e, false);
    }
    return afterStart(s, watch);
  }

  private Step afterStart(Submitter.Submission s, Watch watch) {
    watch.changed(s.run());
    if (s.execution() == null || s.run().status().isFinal()) {
      return Step.ended(s.run(), false); // canceled before or while it started, or not launched
    }
    return await(s.run(), s.execution(), watch);
  }

  private Step await(Run run, Execution execution, Watch watch) {
    Optional<ExitRecord> exit;
    try {
      exit =
          watch.await(run, new TargetQueue(store, clock).watching(run, execution, watch::changed));
    } catch (LabrunException e) {
      if (!RetryPolicy.retryable(e)) {
        throw e;
      }
      Run lost = markLost(run, e.getMessage());
      watch.changed(lost);
      return Step.ended(lost, true);
    }
    if (exit.isEmpty()) {
      return new Step(run, false, null, true);
    }
    ExitRecord end = exit.get();
    Executor recorder = watch.recorder();
    if (recorder != null && end.exitCode() == 0 && !RetryPolicy.retryable(end)) {
      recorder.execute(() -> watch.changed(finisher.finish(run.id(), execution, end)));
      return Step.ended(run, false); // recorded meanwhile
    }
    Run done = finisher.finish(run.id(), execution, end);
    watch.changed(done);
    boolean retryable = RetryPolicy.retryable(end) && done.status() != RunStatus.COMPLETED;
    if (retryable && end.lost()) {
      stopLeftovers(
          execution); // a lost run's script may live on: it must not run next to its retry
    }
    return Step.ended(done, retryable);
  }

  private Run markLost(Run run, String why) {
    Run current = store.find(run.id()).orElse(run);
    if (current.status().isFinal()) {
      return current;
    }
    Run lost = current.withExit(null, "lost: " + why).withStatus(RunStatus.LOST, clock.instant());
    return store.update(lost, current.status()) ? lost : store.find(run.id()).orElse(lost);
  }

  private static void stopLeftovers(Execution execution) {
    try {
      execution.cancel();
    } catch (IOException | RuntimeException ignored) {
      // best effort: the target is unreachable or the processes are gone already
    }
  }
}
