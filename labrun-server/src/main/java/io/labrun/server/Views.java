package io.labrun.server;

import io.labrun.core.history.Artifact;
import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.history.ShownRun;
import io.labrun.core.run.Run;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.LogRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How runs look in the API: the field names of the CLI's JSON output ({@code run_id}, {@code
 * status}, {@code script_name}, {@code created_utc}...). A run's target attributes (process ids,
 * paths on the server) are never shown, and what {@link Redaction} hides is {@code ***}.
 */
final class Views {
  private Views() {}

  static Map<String, Object> row(Run run, Instant now) {
    Run r = Redaction.run(run);
    return fields(
        "run_id", r.id(),
        "experiment", r.experiment(),
        "status", r.status().display(),
        "run_configuration", r.runConfiguration(),
        "target", r.target(),
        "script_name", r.script(),
        "arguments", r.arguments(),
        "created_utc", text(r.created()),
        "start_time_utc", text(r.started()),
        "end_time_utc", text(r.ended()),
        "duration", duration(r.duration(now)),
        "duration_ms", r.duration(now) == null ? null : r.duration(now).toMillis(),
        "exit_code", r.exitCode(),
        "sweep_id", r.sweepId());
  }

  static Map<String, Object> info(Run run, RunStore store, Instant now) {
    ShownRun shown = ShownRun.of(run, store);
    Run r = shown.run();
    Map<String, Object> m = row(r, now);
    m.putAll(fields(
        "name", r.experiment(),
        "user_id", r.user(),
        "submitted_by", r.submittedBy(),
        "host", r.host(),
        "status_detail", r.statusDetail(),
        "target_type", r.targetType(),
        "git_commit", r.gitCommit(),
        "git_dirty", r.gitDirty(),
        "snapshot_id", r.snapshotId(),
        "attempt", r.attempt(),
        "environment_variables", r.environment(),
        "params", shown.params(),
        "tags", shown.tags()));
    m.put("metrics", metrics(store.metricSummaries(r.id())));
    m.put("attachments", artifacts(store.artifacts(r.id())));
    m.put("assets", store.assetsOf(r.id()));
    return m;
  }

  static List<Map<String, Object>> metrics(Map<String, MetricSummary> summaries) {
    List<Map<String, Object>> out = new ArrayList<>();
    summaries.forEach((name, s) -> out.add(fields(
        "name", name, "count", s.count(), "last", s.last().isScalar() ? s.last().value() : s.last().json(),
        "scalar", s.last().isScalar(), "last_step", s.last().step(), "min", s.min(), "max", s.max())));
    return out;
  }

  static List<Map<String, Object>> artifacts(List<Artifact> artifacts) {
    return artifacts.stream().map(a -> fields("path", a.path(), "size", a.size(), "sha256", a.sha256())).toList();
  }

  static Map<String, Object> series(MetricSeries s) {
    List<Object[]> points = new ArrayList<>(s.points().size());
    for (MetricSeries.Bucket b : s.points()) {
      points.add(new Object[] {b.step(), b.time() == null ? null : b.time().toEpochMilli(), b.last(), b.min(), b.max(), b.count(), b.json()});
    }
    Map<String, Object> m = fields("name", s.name(), "count", s.count(), "downsampled", s.downsampled());
    m.put("columns", List.of("step", "time_ms", "last", "min", "max", "count", "json"));
    m.put("points", points);
    return m;
  }

  static Map<String, Object> record(LogRecord r) {
    return fields(
        "offset", r.offset(),
        "next_offset", r.nextOffset(),
        "time_ms", r.time().toEpochMilli(),
        "stream", r.stream().name().toLowerCase(Locale.ROOT),
        "text", r.text(),
        "ends_line", r.endsLine());
  }

  static Map<String, Object> status(Run r, Instant now) {
    return fields(
        "run_id", r.id(),
        "status", r.status().display(),
        "final", r.status().isFinal(),
        "status_detail", r.statusDetail(),
        "exit_code", r.exitCode(),
        "start_time_utc", text(r.started()),
        "end_time_utc", text(r.ended()),
        "duration", duration(r.duration(now)));
  }

  /** An ordered map of the pairs whose value is not null. */
  static Map<String, Object> fields(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        m.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return m;
  }

  static String text(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  static String duration(Duration d) {
    if (d == null) {
      return null;
    }
    long ms = d.toMillis();
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
        : String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
  }

  static boolean same(Object a, Object b) {
    return Objects.equals(a, b);
  }
}
