package io.labrun.cli.run;

import static io.labrun.cli.output.Output.fields;

import io.labrun.core.history.Artifact;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.ShownRun;
import io.labrun.core.run.Redaction;
import io.labrun.core.run.Run;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How runs look in command output: the original's field names, in snake_case, redacted as {@link ShownRun} says. */
public final class Runs {
  private Runs() {}

  static Map<String, Object> row(Run run, Instant now) {
    Run r = Redaction.run(run);
    return fields(
        "run_id", r.id(),
        "status", r.status().display(),
        "run_configuration", r.runConfiguration(),
        "target", r.target(),
        "script_name", r.script(),
        "created_utc", text(r.created()),
        "duration", duration(r.duration(now)));
  }

  static Map<String, Object> info(Run run, RunStore store, Instant now) {
    ShownRun shown = ShownRun.of(run, store);
    Run r = shown.run();
    Map<String, Object> m = fields(
        "run_id", r.id(),
        "name", r.experiment(),
        "user_id", r.user(),
        "submitted_by", r.submittedBy(),
        "host", r.host(),
        "status", r.status().display(),
        "status_detail", r.statusDetail(),
        "exit_code", r.exitCode(),
        "run_configuration", r.runConfiguration(),
        "target", r.target(),
        "target_type", r.targetType(),
        "script_name", r.script(),
        "arguments", r.arguments(),
        "created_utc", text(r.created()),
        "start_time_utc", text(r.started()),
        "end_time_utc", text(r.ended()),
        "duration", duration(r.duration(now)),
        "git_commit", r.gitCommit(),
        "git_dirty", r.gitDirty(),
        "snapshot_id", r.snapshotId(),
        "sweep_id", r.sweepId(),
        "attempt", r.attempt(),
        "retry_of", r.attributes().get(io.labrun.core.plan.SubmitRequest.RETRY_OF),
        "environment_variables", new LinkedHashMap<>(r.environment()),
        "params", new LinkedHashMap<>(shown.params()),
        "tags", new LinkedHashMap<>(shown.tags()),
        "attributes", new LinkedHashMap<>(r.attributes()));
    Map<String, Object> metrics = new LinkedHashMap<>();
    store.metricSummaries(r.id()).forEach((name, s) -> metrics.put(name, fields(
        "last", s.last().plain(), "count", s.count(), "min", s.min(), "max", s.max())));
    m.put("metrics", metrics);
    List<Artifact> artifacts = store.artifacts(r.id());
    m.put("attachments", artifacts.stream().map(a -> fields("path", a.path(), "size", a.size(), "sha256", a.sha256())).toList());
    m.put("assets", new LinkedHashMap<>(store.assetsOf(r.id())));
    m.values().removeIf(java.util.Objects::isNull);
    return m;
  }

  static String text(Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
  }

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
    return s < 3600 ? s / 60 + "m" + twoDigits(s % 60) + "s" : s / 3600 + "h" + twoDigits((s % 3600) / 60) + "m" + twoDigits(s % 60) + "s";
  }

  private static String twoDigits(long n) {
    return n < 10 ? "0" + n : Long.toString(n);
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"kB", "MB", "GB", "TB"};
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
