package io.labrun.store;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepRecords;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@link SweepRecords} in table {@code sweeps} of the run history database (migration V9): one row
 * per sweep, its definition as JSON and when it was canceled. Each change is one statement (an
 * upsert), so two processes writing one sweep at once cannot lose either change.
 */
final class SqlSweepRecords implements SweepRecords {
  private final Database db;
  private final Clock clock;
  private final String writeDefinition;
  private final String writeCanceled;

  SqlSweepRecords(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.writeDefinition = db.dialect().upsert("sweeps", List.of("id"), List.of("definition"));
    // the first cancel's time is kept
    this.writeCanceled =
        "INSERT INTO sweeps (id, canceled_ms) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " canceled_ms = COALESCE(sweeps.canceled_ms, excluded.canceled_ms)";
  }

  @Override
  public void write(Sweep sweep) {
    String json = sweep.toJson();
    db.run(
        "record sweep " + sweep.id(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(writeDefinition)) {
            ps.setString(1, sweep.id());
            ps.setString(2, json);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public Optional<Sweep> read(String id) {
    String json =
        db.run(
            "read sweep " + id,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT definition FROM sweeps WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getString(1) : null;
                }
              }
            });
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Sweep.fromJson(json));
    } catch (RuntimeException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "sweep "
              + id
              + " in the run history "
              + db.location()
              + " cannot be read ("
              + e.getMessage()
              + "); it was written by another labrun: upgrade this one",
          e);
    }
  }

  @Override
  public void markCanceled(String id) {
    long now = clock.millis();
    db.run(
        "mark sweep " + id + " canceled",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(writeCanceled)) {
            ps.setString(1, id);
            ps.setLong(2, now);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public boolean canceled(String id) {
    return db.run(
        "read whether sweep " + id + " was canceled",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM sweeps WHERE id = ? AND canceled_ms IS NOT NULL")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }
}
