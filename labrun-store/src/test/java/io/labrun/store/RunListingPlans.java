package io.labrun.store;

import io.labrun.core.run.RunQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQLite's query plans for the store's queries, one line per step. */
final class RunListingPlans {
  private RunListingPlans() {}

  static List<String> explain(Connection c, RunQuery q) throws SQLException {
    RunListing.Sql sql = RunListing.sql(c, Dialect.SQLITE, q);
    return plan(c, sql.text(), sql.args());
  }

  static List<String> explainMetric(Connection c) throws SQLException {
    return plan(c, MetricRows.POINTS, List.of("r1", "loss"));
  }

  static List<String> explainSummaries(Connection c) throws SQLException {
    return plan(c, MetricRollups.SUMMARIES, List.of("r1"));
  }

  private static List<String> plan(Connection c, String sql, List<Object> args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString("detail"));
        }
      }
      return out;
    }
  }
}
