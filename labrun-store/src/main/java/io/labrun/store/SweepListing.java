package io.labrun.store;

import io.labrun.core.history.RunBrowser.SweepSummary;
import io.labrun.core.run.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweeps of the history, from index runs_by_sweep: one grouped pass over the runs that have a
 * sweep id.
 */
final class SweepListing {
  private SweepListing() {}

  static List<SweepSummary> sweeps(Connection c) throws SQLException {
    Map<String, Acc> by = new LinkedHashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT sweep_id, MIN(experiment), status, COUNT(*), MIN(created_ms),"
                    + " MAX(created_ms) FROM runs WHERE sweep_id IS NOT NULL GROUP BY sweep_id,"
                    + " status");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Acc a = by.computeIfAbsent(rs.getString(1), k -> new Acc());
        a.experiment = a.experiment == null ? rs.getString(2) : a.experiment;
        a.statuses.merge(RunStatus.valueOf(rs.getString(3)), rs.getLong(4), Long::sum);
        a.first = Math.min(a.first, rs.getLong(5));
        a.last = Math.max(a.last, rs.getLong(6));
      }
    }
    List<SweepSummary> out = new ArrayList<>();
    by.forEach(
        (id, a) ->
            out.add(
                new SweepSummary(
                    id,
                    a.experiment,
                    Map.copyOf(a.statuses),
                    Instant.ofEpochMilli(a.first),
                    Instant.ofEpochMilli(a.last))));
    out.sort((x, y) -> y.lastRun().compareTo(x.lastRun()));
    return out;
  }

  private static final class Acc {
    String experiment;
    final Map<RunStatus, Long> statuses = new EnumMap<>(RunStatus.class);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
  }
}
