package io.labrun.core.sweep;

import io.labrun.core.launch.Submitter;
import io.labrun.core.project.Project;
import io.labrun.core.run.RunIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records a new sweep before any of its runs starts: one snapshot of the project for all of them
 * (they run the same code), every run Queued with its params and the sweep id, and then, next to
 * them in the history, the sweep itself ({@link SweepRecords}). From then on {@code history list
 * --sweep ID} shows every run of it, and any driver can start them.
 */
public final class SweepRecorder {
  private SweepRecorder() {}

  /** A new sweep id: {@code <experiment>-sweep_<time>_<random>}, sortable by time like run ids. */
  public static String newId(String experiment, Instant now) {
    return RunIds.next(experiment + "-sweep", now);
  }

  /** Records {@code plan} (a sweep without points) with one Queued run per point. */
  public static Sweep record(
      Sweep plan, List<Map<String, String>> points, Submitter submitter, SweepRecords records) {
    Submitter.Source source = submitter.source(new Project(plan.projectRoot()));
    List<Sweep.Point> recorded = new ArrayList<>();
    for (Map<String, String> params : points) {
      Submitter.Pending pending = submitter.queue(plan.request(params), source);
      recorded.add(new Sweep.Point(recorded.size(), pending.run().id(), params));
    }
    Sweep sweep = plan.withPoints(recorded);
    records.write(sweep);
    return sweep;
  }
}
