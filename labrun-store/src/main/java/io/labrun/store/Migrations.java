package io.labrun.store;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a database to the schema this labrun knows, from the numbered scripts in {@code
 * db/migration/}. The version lives in table {@code schema_version}. Several processes may open a
 * new or old history at once: the upgrade runs in one transaction that first takes the write lock
 * and then reads the version again, so exactly one process applies each script.
 */
final class Migrations {
  /** In order; script {@code i} (from 0) takes the schema to version {@code i + 1}. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__init.sql",
          "V2__tokens.sql",
          "V3__metric_rollups.sql",
          "V4__token_roles.sql",
          "V5__run_filters.sql",
          "V6__run_notes.sql",
          "V7__sorted_filters.sql",
          "V8__attribute_order_experiment_counts.sql",
          "V9__sweeps.sql");

  private Migrations() {}

  static int latest() {
    return SCRIPTS.size();
  }

  static void apply(Database db) {
    // The common case, an up-to-date schema, needs no write lock: a busy writer does not hold up
    // every process that merely opens the history.
    int seen = db.run("read the run history schema version", Migrations::versionIfPresent);
    if (seen == latest()) {
      return;
    }
    db.transaction(
        "upgrade the run history schema",
        c -> {
          db.dialect().lockForMigration(c);
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    + " description TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
          }
          int current = version(c);
          if (current > latest()) {
            throw new LabrunException(
                ExitCode.STORE,
                "the run history "
                    + db.location()
                    + " has schema version "
                    + current
                    + " from a newer labrun; this one knows up to "
                    + latest()
                    + ": upgrade labrun");
          }
          for (int v = current + 1; v <= latest(); v++) {
            String name = SCRIPTS.get(v - 1);
            if (!name.startsWith("V" + v + "__")) {
              throw new IllegalStateException("migration " + name + " is listed as version " + v);
            }
            for (String statement : statements(db.dialect().script(read(name)))) {
              try (Statement s = c.createStatement()) {
                s.execute(statement);
              }
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO schema_version (version, description, applied_ms) VALUES (?,"
                        + " ?, ?)")) {
              ps.setInt(1, v);
              ps.setString(
                  2, name.substring(name.indexOf("__") + 2, name.length() - ".sql".length()));
              ps.setLong(3, System.currentTimeMillis());
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  private static int versionIfPresent(Connection c) {
    try {
      return version(c);
    } catch (SQLException e) {
      // No schema_version table yet (or an unreadable file): the locked path below finds out which.
      return -1;
    }
  }

  private static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static String read(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "migration script db/migration/" + name + " is missing from the labrun jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a script at the semicolons that end a line, dropping {@code --} comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (t.endsWith(";")) {
        String s = current.toString().strip();
        out.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
