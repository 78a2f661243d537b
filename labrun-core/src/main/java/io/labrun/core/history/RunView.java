package io.labrun.core.history;

import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.plan.SubmitRequest;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one view of a run, served alike by the CLI's {@code -o json} (and its tables), the REST API
 * and the web UI: the original's field names in snake_case ({@code run_id}, {@code status}, {@code
 * script_name}, {@code created_utc}...), one duration format, fields without a value left out, and
 * everything redacted by {@link Redaction} (through {@link ShownRun}). A run's attributes (process
 * ids, folders of the machine that ran it) are shown only by a view on that machine.
 */
public final class RunView {
  private RunView() {}

  /** A run's note: its text, who wrote it last and when. */
  public static Map<String, Object> note(RunStore.Note n) {
    return fields("text", n.text(), "edited_by", n.by(), "edited_utc", time(n.at()));
  }

  /** A run as a line of a list. */
  public static Map<String, Object> row(Run run, Instant now) {
    Run r = Redaction.run(run);
    Duration took = r.duration(now);
    return fields(
        "run_id", r.id(),
        "experiment", r.experiment(),
        "status", r.status().display(),
        "run_configuration", r.runConfiguration(),
        "target", r.target(),
        "script_name", r.script(),
        "arguments", r.arguments(),
        "created_utc", time(r.created()),
        "start_time_utc", time(r.started()),
        "end_time_utc", time(r.ended()),
        "duration", duration(took),
        "duration_ms", took == null ? null : took.toMillis(),
        "exit_code", r.exitCode(),
        "sweep_id", r.sweepId());
  }

  /** A run's state, as {@code experiment status} and the API's status event show it. */
  public static Map<String, Object> status(Run r, Instant now) {
    return fields(
        "run_id", r.id(),
        "status", r.status().display(),
        "final", r.status().isFinal(),
        "status_detail", Redaction.value(r.statusDetail()),
        "exit_code", r.exitCode(),
        "start_time_utc", time(r.started()),
        "end_time_utc", time(r.ended()),
        "duration", duration(r.duration(now)));
  }

  /**
   * Everything recorded about a run ({@code history info}, {@code GET /api/v1/runs/ID}); metrics by
   * name ({@link #metricsByName}).
   *
   * @param withAttributes whether the run's attributes are shown: by a view on the machine that ran
   *     it, not by a server
   */
  public static Map<String, Object> info(
      Run run, RunStore store, Instant now, boolean withAttributes) {
    ShownRun shown = ShownRun.of(run, store);
    Run r = shown.run();
    Map<String, Object> row = row(r, now);
    Map<String, Object> m =
        fields(
            "run_id", r.id(),
            "name", r.experiment(),
            "experiment", r.experiment(),
            "user_id", r.user(),
            "submitted_by", r.submittedBy(),
            "host", r.host(),
            "status", row.get("status"),
            "status_detail", r.statusDetail(),
            "exit_code", r.exitCode(),
            "run_configuration", r.runConfiguration(),
            "target", r.target(),
            "target_type", r.targetType(),
            "script_name", r.script(),
            "arguments", r.arguments(),
            "created_utc", row.get("created_utc"),
            "start_time_utc", row.get("start_time_utc"),
            "end_time_utc", row.get("end_time_utc"),
            "duration", row.get("duration"),
            "duration_ms", row.get("duration_ms"),
            "git_commit", r.gitCommit(),
            "git_dirty", r.gitDirty(),
            "snapshot_id", r.snapshotId(),
            "sweep_id", r.sweepId(),
            "attempt", r.attempt(),
            "retry_of", r.attributes().get(SubmitRequest.RETRY_OF),
            "environment_variables", new LinkedHashMap<>(r.environment()),
            "params", new LinkedHashMap<>(shown.params()),
            "tags", new LinkedHashMap<>(shown.tags()),
            "attributes", withAttributes ? new LinkedHashMap<>(r.attributes()) : null);
    m.put("note", store.note(r.id()).map(RunView::note).orElse(null));
    m.put("metrics", metricsByName(store.metricSummaries(r.id())));
    m.put("attachments", artifacts(store.artifacts(r.id())));
    m.put("assets", new LinkedHashMap<>(store.assetsOf(r.id())));
    return m;
  }

  /**
   * Metric summaries in the order logged: name, count, last value (a list or dict as its JSON text,
   * {@code scalar} false), min, max.
   */
  public static List<Map<String, Object>> metrics(Map<String, MetricSummary> summaries) {
    List<Map<String, Object>> out = new ArrayList<>();
    summaries.forEach(
        (name, s) ->
            out.add(
                fields(
                    "name",
                    name,
                    "count",
                    s.count(),
                    "last",
                    s.last().isScalar() ? s.last().value() : s.last().json(),
                    "scalar",
                    s.last().isScalar(),
                    "last_step",
                    s.last().step(),
                    "min",
                    s.min(),
                    "max",
                    s.max())));
    return out;
  }

  /**
   * A run's {@code metrics}, the same in {@code history info -o json}, the API and the UI:
   * summaries by name in the order logged ({@code metrics.accuracy.last}): last value (a list or
   * dict as the JSON value the script logged), count, min, max.
   */
  public static Map<String, Object> metricsByName(Map<String, MetricSummary> summaries) {
    Map<String, Object> byName = new LinkedHashMap<>();
    summaries.forEach(
        (name, s) ->
            byName.put(
                name,
                fields(
                    "last", s.last().plain(), "count", s.count(), "min", s.min(), "max", s.max())));
    return byName;
  }

  public static List<Map<String, Object>> artifacts(List<Artifact> artifacts) {
    return artifacts.stream()
        .map(a -> fields("path", a.path(), "size", a.size(), "sha256", a.sha256()))
        .toList();
  }

  /** An ordered map of the pairs whose value is not null. */
  public static Map<String, Object> fields(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        m.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return m;
  }

  /** A time as every view shows it: UTC, ISO-8601, to the millisecond. */
  public static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** A duration as every view shows it: {@code 4.2s}, {@code 3m07s}, {@code 2h05m09s}. */
  public static String duration(Duration d) {
    if (d == null) {
      return null;
    }
    // No String.format: a sweep shows a duration for every change of every run.
    long ms = Math.max(0, d.toMillis());
    if (ms < 60_000) {
      long tenths = (ms + 50) / 100; // rounded half up, as %.1f
      return tenths / 10 + "." + tenths % 10 + "s";
    }
    long s = ms / 1000;
    return s < 3600
        ? s / 60 + "m" + twoDigits(s % 60) + "s"
        : s / 3600 + "h" + twoDigits((s % 3600) / 60) + "m" + twoDigits(s % 60) + "s";
  }

  private static String twoDigits(long n) {
    return n < 10 ? "0" + n : Long.toString(n);
  }
}
