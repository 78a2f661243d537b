package io.labrun.app;

import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.finish.Cancellation;
import io.labrun.core.finish.RunRemoval;
import io.labrun.core.follow.RunFollower;
import io.labrun.core.follow.TargetQueue;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.Assets;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunBrowser;
import io.labrun.core.history.RunComparison;
import io.labrun.core.history.RunEdit;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunView;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.Execution;
import io.labrun.core.launch.Submitter;
import io.labrun.core.project.Project;
import io.labrun.core.retry.RunAttempts;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.RunFilter;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.sweep.SweepRecords;
import io.labrun.core.sweep.SweepRuns;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link Runs} on a history and the targets of this machine: the CLI's without a server, and the
 * server's own, which its REST handlers call. Each run is brought up to date first ({@link
 * Parts#current}), then shown, stopped or deleted by the core ({@link RunView}, {@link
 * Cancellation}, {@link RunRemoval}).
 */
public final class LocalRuns implements Runs {
  /** The largest {@code history list -n}. */
  public static final int LARGEST_PAGE = 10_000;

  /** The most runs compared at once. */
  public static final int MOST_COMPARED = 500;

  private final Parts parts;
  private final boolean showAttributes;

  /** The runs of the command line's {@link Assembly}: their attributes are shown (it ran them). */
  public LocalRuns(Assembly assembly) {
    this(assembly, true);
  }

  /**
   * {@code showAttributes}: whether a run's attributes (process ids, folders on this machine) are
   * shown; a server never shows them.
   */
  public LocalRuns(Parts parts, boolean showAttributes) {
    this.parts = parts;
    this.showAttributes = showAttributes;
  }

  /**
   * What {@link LocalRuns} works on: the run pipeline with its history, objects and folders. {@link
   * Assembly} is one; a server adds how it keeps runs up to date and collects unused objects.
   */
  public interface Parts extends RunPipeline {
    RunStore store();

    /** The history as a person browses it: the runs table's pages, metrics downsampled. */
    RunBrowser browser();

    ObjectStore objects();

    LabrunPaths paths();

    Clock clock();

    ProjectConfigs configs(Project project);

    Snapshotter snapshotter();

    RunRemoval runRemoval();

    /** Who edits runs here ({@code history tag|note}): this machine's user. */
    default String user() {
      return System.getProperty("user.name");
    }

    /** The sweeps of this history: each as it started, and whether it was canceled. */
    SweepRecords sweeps();

    /** A run brought up to date: by the Reconciler, unless something else keeps it so. */
    default Run current(Run run) {
      return reconciler().reconcile(run).orElse(run);
    }

    /** Every run not ended brought up to date before a listing: by the Reconciler. */
    default void currentAll() {
      reconciler().reconcileAll();
    }

    /** Collects the objects only deleted runs used: now, before a command ends. */
    default void collectUnused(RunRemoval removal) throws IOException {
      removal.collectNow();
    }

    default Cancellation cancellation() {
      return new Cancellation(store(), clock());
    }

    /** A recorded run's execution, found again on its target. */
    default Optional<Execution> reattach(Run run) {
      return targetOf(run).map(t -> t.reattach(run, paths().runState(run.id())));
    }

    /** Attempts of runs (retries included) through this pipeline. */
    default RunAttempts runAttempts(Submitter submitter) {
      return new RunAttempts(submitter, finisher(), store(), this::reattach, clock());
    }
  }

  /** A recorded run by id, after bringing its state up to date; not found says how to list them. */
  public Run find(String id) {
    Run run =
        parts
            .store()
            .find(id)
            .orElseThrow(
                () ->
                    LabrunException.notFound(
                        "no run '"
                            + id
                            + "' in the history; list runs with 'labrun history list'"));
    return parts.current(run);
  }

  /**
   * Started on its target here; attached, each attempt is followed to its end and one killed from
   * outside is tried again as the submission's policy says.
   */
  @Override
  public String submit(Submission submission, SubmitWatch watch) {
    var request = submission.request();
    Submitter submitter = parts.submitter(parts.configs(request.project()), watch.events());
    if (submission.detach()) {
      return submitter.submit(request, watch.events()).run().id();
    }
    RunAttempts.Outcome outcome =
        parts.runAttempts(submitter).run(submitter.queue(request), submission.policy(), watch);
    if (outcome.error() != null) {
      throw outcome.error();
    }
    return outcome.run().id();
  }

  /** Read from the run's state folder through its target; a followed run is finished here. */
  @Override
  public Optional<Ended> logs(String runId, boolean follow, RunEvents events) {
    Run run = find(runId);
    // a run waiting in its target's queue is recorded Running when its target starts it
    Execution execution =
        new TargetQueue(parts.store(), parts.clock()).watching(run, reattach(run, ""), r -> {});
    RunFollower follower = new RunFollower(execution, 0);
    if (!follow || run.status().isFinal()) {
      follower.drain(events);
      return Optional.empty();
    }
    Optional<ExitRecord> exit = follower.follow(events, () -> false);
    return exit.map(
        e -> {
          Run done = parts.finisher().finish(run.id(), execution, e);
          return new Ended(done.id(), done.status().display(), done.statusDetail());
        });
  }

  /** Each run brought up to date first, as {@link #find} does one. */
  @Override
  public List<Map<String, Object>> list(RunQuery query, String filter) {
    parts.currentAll();
    Instant now = parts.clock().instant();
    return parts.store().list(query).stream().map(r -> RunView.row(r, now)).toList();
  }

  /**
   * Each run brought up to date first, as {@link #list} does; {@code after} pages as {@link #list}
   * does, the rest through the history's {@link RunBrowser}.
   */
  @Override
  public RunsPage page(RunsPage.Query query) {
    parts.currentAll();
    RunPage page =
        query.pagesAfter()
            ? new RunPage(parts.store().list(query.listed()), Map.of(), null)
            : parts.browser().page(query.table());
    Instant now = parts.clock().instant();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Run r : page.runs()) {
      Map<String, Object> row = RunView.row(r, now);
      row.put("metrics", page.metrics().getOrDefault(r.id(), Map.of()));
      query.columns().addNamed(row, r.id(), parts.store());
      rows.add(row);
    }
    return new RunsPage(rows, page.nextCursor());
  }

  @Override
  public int largestPage() {
    return LARGEST_PAGE;
  }

  @Override
  public Map<String, Object> info(String runId) {
    // this machine ran it: its attributes (process ids, folders, a Spark application's id) are
    // shown too
    return RunView.info(find(runId), parts.store(), parts.clock().instant(), showAttributes);
  }

  /** Signed by this machine's user. */
  @Override
  public Map<String, Object> edit(String runId, RunEdit edit) {
    return edit(runId, edit, parts.user());
  }

  /** The edit signed by {@code by} (a server: the name of the caller's token). */
  public Map<String, Object> edit(String runId, RunEdit edit, String by) {
    Run run = find(runId);
    edit.applyTo(parts.store(), run.id(), by, parts.clock().instant());
    return info(run.id());
  }

  /**
   * The runs to compare: those named, each once and in that order, or the first {@code limit} that
   * {@code filter} finds (null: runs named); at most {@link #MOST_COMPARED}.
   */
  public List<Run> compared(List<String> runIds, RunFilter filter, int limit) {
    if (runIds.isEmpty() == (filter == null)) {
      throw LabrunException.badInput(
          "name the runs to compare: runs=ID,ID,... or filter=... (a run filter), one of them");
    }
    if (filter != null) {
      return parts
          .store()
          .list(RunQuery.all().withRunFilter(filter).withLimit(Math.min(limit, MOST_COMPARED)));
    }
    Set<String> unique = new LinkedHashSet<>(runIds);
    if (unique.size() > MOST_COMPARED) {
      throw LabrunException.badInput(
          "at most " + MOST_COMPARED + " runs can be compared at once, got " + unique.size());
    }
    return unique.stream().map(this::find).toList();
  }

  /** The runs named, each once and in that order ({@link #compared}), side by side. */
  @Override
  public RunComparison.Compared compare(List<String> runIds, boolean onlyDifferences) {
    return compareRuns(compared(runIds, null, MOST_COMPARED), onlyDifferences);
  }

  /** Runs side by side, field by field: all fields, or only those in which the runs differ. */
  public RunComparison.Compared compareRuns(List<Run> runs, boolean onlyDifferences) {
    return RunComparison.of(runs, parts.store(), parts.clock().instant(), onlyDifferences);
  }

  /**
   * Each metric of {@code names} of the runs, to overlay on a chart per metric: by step, or by
   * seconds since each run started; at most {@code maxPoints} points per run, downsampled in the
   * database. A metric is one read for all the runs.
   */
  public List<RunComparison.Overlay> overlays(
      List<Run> runs, List<String> names, boolean byTime, int maxPoints) {
    return names.stream()
        .distinct()
        .map(n -> RunComparison.overlay(runs, parts.browser(), n, byTime, maxPoints))
        .toList();
  }

  @Override
  public Map<String, Object> status(String runId) {
    return RunView.status(find(runId), parts.clock().instant());
  }

  @Override
  public Canceled cancel(String runId) {
    Run run = find(runId);
    if (run.status().isFinal()) {
      return new Canceled(run.id(), run.status().display(), false, true);
    }
    if (parts.cancellation().notStarted(run).isPresent()) {
      return new Canceled(run.id(), "Canceled", true, false);
    }
    Run current = find(runId);
    Execution execution = reattach(current, " to cancel it");
    Cancellation.stop(execution);
    Run done =
        Cancellation.awaitEnd(
            parts.finisher(), current, execution, System.nanoTime() + Cancellation.WAIT.toNanos());
    return new Canceled(done.id(), done.status().display(), false, false);
  }

  /** The run's execution on its target; unreachable says so ({@code why}: what it was for). */
  private Execution reattach(Run run, String why) {
    return parts
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
  public SweepCanceled cancelSweep(String sweepId) {
    List<Run> runs = SweepRuns.all(parts.store(), sweepId);
    if (runs.isEmpty()) {
      throw LabrunException.notFound(
          "no sweep '"
              + sweepId
              + "' in the history; its id is printed when it starts (see 'labrun history list')");
    }
    parts.sweeps().markCanceled(sweepId);
    Cancellation cancellation = parts.cancellation();
    Map<Run, Execution> stopping = new LinkedHashMap<>();
    int notStarted = 0;
    int ended = 0;
    for (Run listed : runs) {
      Run run = parts.current(listed);
      // A run may move on while we look (its driver starts it): look again until it is settled.
      while (true) {
        if (run.status().isFinal()) {
          ended++;
        } else if (cancellation.notStarted(run).isPresent()) {
          notStarted++;
        } else if (run.status() == RunStatus.RUNNING || run.queuedAtTarget()) {
          Run current = run;
          parts
              .reattach(current)
              .ifPresent(
                  e -> {
                    Cancellation.stop(e);
                    stopping.put(current, e);
                  });
        } else {
          run = parts.store().find(run.id()).orElse(run);
          continue;
        }
        break;
      }
    }
    long deadline = System.nanoTime() + Cancellation.WAIT.toNanos();
    stopping.forEach(
        (run, execution) -> Cancellation.awaitEnd(parts.finisher(), run, execution, deadline));
    return new SweepCanceled(sweepId, stopping.size(), notStarted, ended);
  }

  @Override
  public String promote(String runId, String artifactPath, String name) {
    Run run = find(runId);
    Assets.promote(parts.store(), run.id(), artifactPath, name);
    return run.id();
  }

  @Override
  public void download(String runId, String artifact, Path dir, Consumer<Path> written) {
    Run run = find(runId);
    for (Artifact a : Downloads.chosen(run.id(), parts.store().artifacts(run.id()), artifact)) {
      Path target = Downloads.inside(dir, a.path(), run.id());
      try {
        parts.objects().copyTo(a.sha256(), target);
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
    Snapshot snapshot = Snapshot.load(parts.objects(), run.snapshotId());
    parts.snapshotter().materialize(snapshot, dir);
    return new Restored(run.id(), snapshot.entries().size());
  }

  @Override
  public void delete(List<String> runIds, Consumer<String> deleted) {
    RunRemoval removal = parts.runRemoval();
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
        parts.collectUnused(removal);
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
