package io.labrun.server;

import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.RunView;
import io.labrun.core.run.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What only the API shows: a metric's chart points and a log record. A run itself is shown as
 * {@link RunView} shows it everywhere (the server never shows a run's attributes: process ids and
 * paths on the server).
 */
final class Views {
  private Views() {}

  static Map<String, Object> series(MetricSeries s) {
    List<Object[]> points = new ArrayList<>(s.points().size());
    for (MetricSeries.Bucket b : s.points()) {
      points.add(
          new Object[] {
            b.step(),
            b.time() == null ? null : b.time().toEpochMilli(),
            b.last(),
            b.min(),
            b.max(),
            b.count(),
            b.json()
          });
    }
    Map<String, Object> m =
        RunView.fields("name", s.name(), "count", s.count(), "downsampled", s.downsampled());
    m.put("columns", List.of("step", "time_ms", "last", "min", "max", "count", "json"));
    m.put("points", points);
    return m;
  }

  static Map<String, Object> record(LogRecord r) {
    return RunView.fields(
        "offset", r.offset(),
        "next_offset", r.nextOffset(),
        "time_ms", r.time().toEpochMilli(),
        "stream", r.stream().name().toLowerCase(Locale.ROOT),
        "text", r.text(),
        "ends_line", r.endsLine());
  }

  static boolean same(Object a, Object b) {
    return Objects.equals(a, b);
  }
}
