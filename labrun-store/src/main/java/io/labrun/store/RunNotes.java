package io.labrun.store;

import io.labrun.core.history.RunStore.Note;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code run_notes} table: at most one note per run, replaced whole by each edit. */
final class RunNotes {
  private RunNotes() {}

  static Optional<Note> read(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT note, edited_by, edited_ms FROM run_notes WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Note(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
      }
    }
  }

  /** Replaces the run's note (delete, then insert: the same SQL on both databases). */
  static void write(Connection c, String runId, Note note) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM run_notes WHERE run_id = ?")) {
      ps.setString(1, runId);
      ps.executeUpdate();
    }
    if (note.text().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO run_notes (run_id, note, edited_ms, edited_by) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, runId);
      ps.setString(2, note.text());
      ps.setLong(3, note.at().toEpochMilli());
      ps.setString(4, note.by());
      ps.executeUpdate();
    }
  }
}
