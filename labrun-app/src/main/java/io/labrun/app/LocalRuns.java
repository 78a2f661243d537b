package io.labrun.app;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.Cancellation;
import io.labrun.core.finish.RunRemoval;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.Assets;
import io.labrun.core.history.RunView;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.Submitter;
import io.labrun.core.retry.RunAttempts;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunQuery;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link Runs} on this machine's history and targets: each run brought up to date first (the
 * Reconciler), then shown, stopped or deleted by the core ({@link RunView}, {@link Cancellation},
 * {@link RunRemoval}).
 */
public final class LocalRuns implements Runs {
  /** The largest {@code history list -n}. */
  public static final int LARGEST_PAGE = 10_000;

  private final Assembly assembly;

  public LocalRuns(Assembly assembly) {
    this.assembly = assembly;
  }

  /** A recorded run by id, after bringing its state up to date; not found says how to list them. */
  public Run find(String id) {
    Run run =
        assembly
            .store()
            .find(id)
            .orElseThrow(
                () ->
                    LabrunException.notFound(
                        "no run '"
                            + id
                            + "' in the history; list runs with 'labrun history list'"));
    return assembly.reconciler().reconcile(run).orElse(run);
  }

  /**
   * Started on its target here; attached, each attempt is followed to its end and one killed from
   * outside is tried again as the submission's policy says.
   */
  @Override
  public String submit(Submission submission, SubmitWatch watch) {
    var request = submission.request();
    Submitter submitter = assembly.submitter(assembly.configs(request.project()), watch.events());
    if (submission.detach()) {
      return submitter.submit(request, watch.events()).run().id();
    }
    RunAttempts.Outcome outcome =
        assembly.runAttempts(submitter).run(submitter.queue(request), submission.policy(), watch);
    if (outcome.error() != null) {
      throw outcome.error();
    }
    return outcome.run().id();
  }

  /** Read from the run's state folder through its target; a followed run is finished here. */
  @Override
  public Optional<Ended> logs(String runId, boolean follow, RunEvents events) {
    Run run = find(runId);
    Execution execution = reattach(run, "");
    RunFollower follower = new RunFollower(execution, 0);
    if (!follow || run.status().isFinal()) {
      follower.drain(events);
      return Optional.empty();
    }
    Optional<ExitRecord> exit = follower.follow(events, () -> false);
    return exit.map(
        e -> {
          Run done = assembly.finisher().finish(run.id(), execution, e);
          return new Ended(done.id(), done.status().display(), done.statusDetail());
        });
  }

  /** Each run brought up to date first, as {@link #find} does one. */
  @Override
  public List<Map<String, Object>> list(RunQuery query, String filter) {
    assembly.reconciler().reconcileAll();
    Instant now = assembly.clock().instant();
    return assembly.store().list(query).stream().map(r -> RunView.row(r, now)).toList();
  }

  @Override
  public int largestPage() {
    return LARGEST_PAGE;
  }

  @Override
  public Map<String, Object> info(String runId) {
    // this machine ran it: its attributes (process ids, folders, a Spark application's id) are
    // shown too
    return RunView.info(find(runId), assembly.store(), assembly.clock().instant(), true);
  }

  @Override
  public Map<String, Object> status(String runId) {
    return RunView.status(find(runId), assembly.clock().instant());
  }

  @Override
  public Canceled cancel(String runId) {
    Run run = find(runId);
    if (run.status().isFinal()) {
      return new Canceled(run.id(), run.status().display(), false, true);
    }
    if (assembly.cancellation().notStarted(run).isPresent()) {
      return new Canceled(run.id(), "Canceled", true, false);
    }
    Run current = find(runId);
    Execution execution = reattach(current, " to cancel it");
    Cancellation.stop(execution);
    Run done =
        Cancellation.awaitEnd(
            assembly.finisher(),
            current,
            execution,
            System.nanoTime() + Cancellation.WAIT.toNanos());
    return new Canceled(done.id(), done.status().display(), false, false);
  }

  /** The run's execution on its target; unreachable says so ({@code why}: what it was for). */
  private Execution reattach(Run run, String why) {
    return assembly
        .reattach(run)
        .orElseThrow(
            () ->
                new LabrunException(
                    ExitCode.TARGET_UNAVAILABLE,
                    "cannot reach the target of run "
                        + run.id()
                        + " ("
                        + run.target()
                        + ")"
                        + why));
  }

  @Override
  public String promote(String runId, String artifactPath, String name) {
    Run run = find(runId);
    Assets.promote(assembly.store(), run.id(), artifactPath, name);
    return run.id();
  }

  @Override
  public void download(String runId, String artifact, Path dir, Consumer<Path> written) {
    Run run = find(runId);
    for (Artifact a : Downloads.chosen(run.id(), assembly.store().artifacts(run.id()), artifact)) {
      Path target = Downloads.inside(dir, a.path(), run.id());
      try {
        assembly.objects().copyTo(a.sha256(), target);
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.STORE, "cannot write " + target + ": " + e.getMessage(), e);
      }
      written.accept(target);
    }
  }

  @Override
  public Restored restore(String runId, Path dir) {
    Run run = find(runId);
    if (run.snapshotId() == null) {
      throw LabrunException.notFound("run " + run.id() + " has no snapshot");
    }
    Snapshot snapshot = Snapshot.load(assembly.objects(), run.snapshotId());
    assembly.snapshotter().materialize(snapshot, dir);
    return new Restored(run.id(), snapshot.entries().size());
  }

  @Override
  public void delete(List<String> runIds, Consumer<String> deleted) {
    RunRemoval removal = assembly.runRemoval();
    try {
      for (String id : runIds) {
        Run run = find(id);
        removal.delete(run);
        deleted.accept(run.id());
      }
    } finally {
      // what the deleted runs alone used goes too, as on a server (objects named within the grace
      // stay)
      try {
        removal.collectNow();
      } catch (IOException e) {
        throw new LabrunException(
            ExitCode.STORE,
            "the runs were deleted, but the objects only they used could not be removed: "
                + e.getMessage(),
            e);
      }
    }
  }
}
