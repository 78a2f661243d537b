package io.labrun.store;

import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** A {@link Run} as a row of table {@code runs}, and back. */
final class RunRows {
  /** In binding order; {@code id} first. */
  private static final List<String> COLUMNS =
      List.of(
          "id",
          "experiment",
          "run_configuration",
          "target",
          "target_type",
          "script",
          "arguments",
          "environment",
          "user_name",
          "host",
          "git_commit",
          "git_dirty",
          "snapshot_id",
          "created_ms",
          "started_ms",
          "ended_ms",
          "status",
          "exit_code",
          "status_detail",
          "sweep_id",
          "attempt",
          "attributes");

  static final String SELECT = "SELECT " + String.join(", ", COLUMNS) + " FROM runs";

  static final String INSERT =
      "INSERT INTO runs ("
          + String.join(", ", COLUMNS)
          + ") VALUES ("
          + COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", "))
          + ")";

  /** Every column but the id, then {@code id = ?} and the expected {@code status = ?}. */
  static final String COMPARE_AND_SET =
      "UPDATE runs SET "
          + COLUMNS.subList(1, COLUMNS.size()).stream()
              .map(c -> c + " = ?")
              .collect(Collectors.joining(", "))
          + " WHERE id = ? AND status = ?";

  private RunRows() {}

  /** Binds {@code args} to the statement's parameters, in order. */
  static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      ps.setObject(i + 1, args.get(i));
    }
  }

  static void bindInsert(PreparedStatement ps, Run run) throws SQLException {
    ps.setString(1, run.id());
    bindFields(ps, run, 2);
  }

  static void bindCompareAndSet(PreparedStatement ps, Run run, RunStatus expected)
      throws SQLException {
    int next = bindFields(ps, run, 1);
    ps.setString(next, run.id());
    ps.setString(next + 1, expected.name());
  }

  /** Binds every field but the id from parameter {@code i} on; returns the next free parameter. */
  private static int bindFields(PreparedStatement ps, Run run, int i) throws SQLException {
    if (run.created() == null) {
      throw new IllegalArgumentException("run " + run.id() + " has no creation time");
    }
    ps.setString(i++, run.experiment());
    ps.setString(i++, run.runConfiguration());
    ps.setString(i++, run.target());
    ps.setString(i++, run.targetType());
    ps.setString(i++, run.script());
    ps.setString(i++, JsonColumns.writeList(run.arguments()));
    ps.setString(i++, JsonColumns.writeMap(run.environment()));
    ps.setString(i++, run.user());
    ps.setString(i++, run.host());
    ps.setString(i++, run.gitCommit());
    if (run.gitDirty() == null) {
      ps.setNull(i++, Types.BOOLEAN);
    } else {
      ps.setBoolean(i++, run.gitDirty());
    }
    ps.setString(i++, run.snapshotId());
    setMillis(ps, i++, run.created());
    setMillis(ps, i++, run.started());
    setMillis(ps, i++, run.ended());
    ps.setString(i++, run.status().name());
    if (run.exitCode() == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setInt(i++, run.exitCode());
    }
    ps.setString(i++, run.statusDetail());
    ps.setString(i++, run.sweepId());
    ps.setInt(i++, run.attempt());
    ps.setString(i++, JsonColumns.writeMap(run.attributes()));
    return i;
  }

  static Run read(ResultSet rs) throws SQLException {
    boolean dirty = rs.getBoolean("git_dirty");
    Boolean gitDirty = rs.wasNull() ? null : dirty;
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    return new Run(
        rs.getString("id"),
        rs.getString("experiment"),
        rs.getString("run_configuration"),
        rs.getString("target"),
        rs.getString("target_type"),
        rs.getString("script"),
        JsonColumns.readList(rs.getString("arguments")),
        JsonColumns.readMap(rs.getString("environment")),
        rs.getString("user_name"),
        rs.getString("host"),
        rs.getString("git_commit"),
        gitDirty,
        rs.getString("snapshot_id"),
        instant(rs, "created_ms"),
        instant(rs, "started_ms"),
        instant(rs, "ended_ms"),
        RunStatus.valueOf(rs.getString("status")),
        exitCode,
        rs.getString("status_detail"),
        rs.getString("sweep_id"),
        rs.getInt("attempt"),
        JsonColumns.readMap(rs.getString("attributes")));
  }

  /** Times are kept to the millisecond, like every other time in labrun. */
  static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long ms = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
  }
}
