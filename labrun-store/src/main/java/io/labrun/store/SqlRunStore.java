package io.labrun.store;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.RunBrowser;
import io.labrun.core.history.RunBrowser.SweepSummary;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.SweepRecords;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Run history in a SQL database: an SQLite file next to the user's projects (the default, safe for
 * several labrun processes at once) or a PostgreSQL server shared by a team. Both get the same
 * schema from the versioned scripts in {@code db/migration/}, brought up to date when the store is
 * opened. Every failure reaches the caller as a {@link LabrunException} with exit code {@code
 * STORE} (or {@code NOT_FOUND} for a run that is not there) and a one-line message.
 */
public final class SqlRunStore implements RunStore, RunBrowser {
  /** How long a write waits for another process that holds the database. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

  private static final int BATCH = 5_000;
  private static final String[] UNFINISHED =
      Arrays.stream(RunStatus.values())
          .filter(s -> !s.isFinal())
          .map(Enum::name)
          .toArray(String[]::new);

  /**
   * One more run of an experiment (table {@code experiment_runs}, migration V8): an atomic upsert,
   * so runs recorded at once by several processes are all counted.
   */
  private static final String COUNT_RUN =
      "INSERT INTO experiment_runs (name, runs) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET"
          + " runs = experiment_runs.runs + 1";

  private final Database db;
  private final String upsertParam;
  private final String upsertTag;
  private final String upsertArtifact;
  private final String upsertAsset;
  private volatile RunJournal journal;

  private SqlRunStore(Database db) {
    this.db = db;
    Dialect d = db.dialect();
    this.upsertParam = d.upsert("params", List.of("run_id", "name"), List.of("value", "num"));
    this.upsertTag = d.upsert("tags", List.of("run_id", "name"), List.of("value", "num"));
    this.upsertArtifact =
        d.upsert("artifacts", List.of("run_id", "path"), List.of("size", "sha256"));
    this.upsertAsset = d.upsert("assets", List.of("name"), List.of("run_id", "path"));
  }

  /** Opens the history at a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL. */
  public static SqlRunStore open(String jdbcUrl) {
    return open(jdbcUrl, DEFAULT_LOCK_TIMEOUT);
  }

  public static SqlRunStore open(String jdbcUrl, Duration lockTimeout) {
    Database db = new Database(jdbcUrl, lockTimeout);
    try {
      Migrations.apply(db);
      db.keepPrivate();
      return new SqlRunStore(db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Opens (creating it and its folder if needed) the SQLite history in {@code file}. */
  public static SqlRunStore openFile(Path file) {
    return open("jdbc:sqlite:" + file.toAbsolutePath());
  }

  @Override
  public void create(Run run) {
    db.transaction(
        "record run " + run.id(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(RunRows.INSERT)) {
            RunRows.bindInsert(ps, run);
            ps.executeUpdate();
          }
          if (run.experiment() != null) {
            execute(c, COUNT_RUN, run.experiment());
          }
          return null;
        });
    keep(j -> j.run(run));
  }

  /**
   * Keeps a copy of every change to a run in its folder under {@code runs} (see {@link
   * RunJournal}).
   */
  void keepRecordsIn(Path runs) {
    journal = new RunJournal(runs);
  }

  private void keep(Consumer<RunJournal> change) {
    RunJournal j = journal;
    if (j != null) {
      change.accept(j);
    }
  }

  /** How many runs the history holds. */
  int runCount() {
    return db.run(
        "count runs",
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM runs");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        });
  }

  @Override
  public Optional<Run> find(String runId) {
    return db.run(
        "read run " + runId,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(RunRows.SELECT + " WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(RunRows.read(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean update(Run run, RunStatus expected) {
    // One statement: the database decides which of two racing processes wins.
    boolean updated =
        db.run(
            "update run " + run.id(),
            c -> {
              try (PreparedStatement ps = c.prepareStatement(RunRows.COMPARE_AND_SET)) {
                RunRows.bindCompareAndSet(ps, run, expected);
                return ps.executeUpdate() == 1;
              }
            });
    if (updated) {
      keep(j -> j.run(run));
    }
    return updated;
  }

  @Override
  public List<Run> list(RunQuery query) {
    return db.run("list runs", c -> RunListing.list(c, db.dialect(), query));
  }

  @Override
  public List<Run> unfinished() {
    String marks = String.join(", ", Collections.nCopies(UNFINISHED.length, "?"));
    return db.run(
        "list unfinished runs",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  RunRows.SELECT + " WHERE status IN (" + marks + ") ORDER BY created_ms, id")) {
            for (int i = 0; i < UNFINISHED.length; i++) {
              ps.setString(i + 1, UNFINISHED[i]);
            }
            return readRuns(ps);
          }
        });
  }

  /** Deletes the run and everything recorded about it; a run that is not there is no error. */
  @Override
  public void delete(String runId) {
    db.transaction(
        "delete run " + runId,
        c -> {
          for (String table :
              List.of("assets", "metrics", "params", "tags", "artifacts", "run_notes")) {
            execute(c, "DELETE FROM " + table + " WHERE run_id = ?", runId);
          }
          MetricRollups.delete(c, runId);
          String experiment = null;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT experiment FROM runs WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              experiment = rs.next() ? rs.getString(1) : null;
            }
          }
          // Counted down only by the transaction whose delete removed the run: of two deleting
          // it at once, the second deletes nothing (PostgreSQL: once the first has committed).
          int deleted = execute(c, "DELETE FROM runs WHERE id = ?", runId);
          if (deleted == 1 && experiment != null) {
            execute(c, "UPDATE experiment_runs SET runs = runs - 1 WHERE name = ?", experiment);
            execute(c, "DELETE FROM experiment_runs WHERE name = ? AND runs <= 0", experiment);
          }
          return deleted;
        });
  }

  @Override
  public void appendMetrics(String runId, List<MetricPoint> points) {
    if (points.isEmpty()) {
      return;
    }
    db.transaction(
        "record " + points.size() + " metric points of run " + runId,
        c -> {
          requireRun(c, runId);
          MetricRows.insert(c, runId, points, BATCH);
          MetricRollups.add(c, runId, points);
          return null;
        });
    keep(j -> j.metrics(runId, points));
  }

  @Override
  public List<MetricPoint> metric(String runId, String name) {
    return db.run(
        "read metric " + name + " of run " + runId, c -> MetricRows.points(c, runId, name));
  }

  @Override
  public Map<String, MetricSummary> metricSummaries(String runId) {
    return db.run("summarise the metrics of run " + runId, c -> MetricRows.summaries(c, runId));
  }

  @Override
  public void putParams(String runId, Map<String, String> params) {
    putNamed("params", upsertParam, runId, params);
    keep(j -> j.params(runId, params));
  }

  @Override
  public Map<String, String> params(String runId) {
    return named("params", runId);
  }

  @Override
  public void putTags(String runId, Map<String, String> tags) {
    putNamed("tags", upsertTag, runId, tags);
    keep(j -> j.tags(runId, tags));
  }

  @Override
  public Map<String, String> tags(String runId) {
    return named("tags", runId);
  }

  @Override
  public void removeTags(String runId, Set<String> names) {
    if (names.isEmpty()) {
      return;
    }
    db.transaction(
        "remove tags of run " + runId,
        c -> {
          requireRun(c, runId);
          for (String name : names) {
            execute(c, "DELETE FROM tags WHERE run_id = ? AND name = ?", runId, name);
          }
          return null;
        });
    keep(j -> j.untag(runId, names));
  }

  @Override
  public Optional<Note> note(String runId) {
    return db.run("read the note of run " + runId, c -> RunNotes.read(c, runId));
  }

  @Override
  public void putNote(String runId, Note note) {
    db.transaction(
        "write the note of run " + runId,
        c -> {
          requireRun(c, runId);
          RunNotes.write(c, runId, note);
          return null;
        });
    keep(j -> j.note(runId, note));
  }

  @Override
  public void addArtifacts(String runId, List<Artifact> artifacts) {
    if (artifacts.isEmpty()) {
      return;
    }
    db.transaction(
        "record the artifacts of run " + runId,
        c -> {
          requireRun(c, runId);
          try (PreparedStatement ps = c.prepareStatement(upsertArtifact)) {
            for (Artifact a : artifacts) {
              ps.setString(1, runId);
              ps.setString(2, a.path());
              ps.setLong(3, a.size());
              ps.setString(4, a.sha256());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
    keep(j -> j.artifacts(runId, artifacts));
  }

  @Override
  public ObjectsInUse objectsInUse() {
    return db.run(
        "read which objects runs use",
        c ->
            new ObjectsInUse(
                strings(c, "SELECT DISTINCT snapshot_id FROM runs WHERE snapshot_id IS NOT NULL"),
                withKeptLogs(c, strings(c, "SELECT DISTINCT sha256 FROM artifacts"))));
  }

  /** Adds the output logs a team server kept with the objects ({@link Run#OUTPUT_LOG}). */
  private static Set<String> withKeptLogs(Connection c, Set<String> objects) throws SQLException {
    for (String attributes :
        strings(
            c,
            "SELECT attributes FROM runs WHERE attributes LIKE '%\"" + Run.OUTPUT_LOG + "\"%'")) {
      String kept = JsonColumns.readMap(attributes).get(Run.OUTPUT_LOG);
      if (kept != null) {
        objects.add(kept);
      }
    }
    return objects;
  }

  private static Set<String> strings(Connection c, String sql) throws SQLException {
    Set<String> out = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public List<Artifact> artifacts(String runId) {
    return db.run(
        "read the artifacts of run " + runId,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT path, size, sha256 FROM artifacts WHERE run_id = ? ORDER BY path")) {
            ps.setString(1, runId);
            List<Artifact> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Artifact(rs.getString(1), rs.getLong(2), rs.getString(3)));
              }
            }
            return out;
          }
        });
  }

  /** Names an artifact as an asset; promoting again under the same name moves the name. */
  @Override
  public void promote(String runId, String artifactPath, String assetName) {
    db.transaction(
        "promote " + artifactPath + " of run " + runId + " as " + assetName,
        c -> {
          requireRun(c, runId);
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM artifacts WHERE run_id = ? AND path = ?")) {
            ps.setString(1, runId);
            ps.setString(2, artifactPath);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw LabrunException.notFound(
                    "run "
                        + runId
                        + " has no artifact "
                        + artifactPath
                        + "; `labrun history info -r "
                        + runId
                        + "` lists its artifacts");
              }
            }
          }
          return execute(c, upsertAsset, assetName, runId, artifactPath);
        });
  }

  @Override
  public Map<String, String> assets() {
    return db.run(
        "read the assets",
        c -> {
          Map<String, String> out = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT name, run_id, path FROM assets ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getString(2) + ":" + rs.getString(3));
            }
          }
          return out;
        });
  }

  /** The runs table of the server: filters on metrics, any order, keyset pages. */
  @Override
  public RunPage page(RunTableQuery query) {
    return db.run("list runs", c -> RunTable.page(c, db.dialect(), query));
  }

  @Override
  public MetricSeries series(String runId, String name, int maxPoints) {
    return db.run(
        "read metric " + name + " of run " + runId,
        c -> MetricRollups.series(c, runId, name, maxPoints));
  }

  @Override
  public Map<String, MetricSeries> series(List<String> runIds, String name, int maxPoints) {
    return db.run(
        "read metric " + name + " of " + runIds.size() + " runs",
        c -> MetricRollups.series(c, runIds, name, maxPoints));
  }

  @Override
  public List<Experiment> experiments() {
    return db.run(
        "list experiments",
        c -> {
          List<Experiment> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT name, runs, (SELECT MAX(r.created_ms) FROM runs r WHERE"
                          + " r.experiment = e.name) AS last FROM experiment_runs e WHERE runs > 0"
                          + " ORDER BY last DESC, name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Experiment(
                      rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
          return out;
        });
  }

  @Override
  public List<SweepSummary> sweeps() {
    return db.run("list sweeps", SweepListing::sweeps);
  }

  /** The sweeps of this history: each as it started, and whether it was canceled. */
  public SweepRecords sweepRecords() {
    return new SqlSweepRecords(db, Clock.systemUTC());
  }

  /** The API tokens of a server using this history. */
  public ApiTokens tokens() {
    return new SqlApiTokens(db);
  }

  @Override
  public void close() {
    db.close();
  }

  /** The schema version of the database, for tests and diagnostics. */
  int schemaVersion() {
    return db.run(
        "read the run history schema version",
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT MAX(version) FROM schema_version");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        });
  }

  @Override
  public String toString() {
    return "SqlRunStore[" + db.location() + "]";
  }

  private void putNamed(String table, String upsert, String runId, Map<String, String> values) {
    if (values.isEmpty()) {
      return;
    }
    db.transaction(
        "record the " + table + " of run " + runId,
        c -> {
          requireRun(c, runId);
          try (PreparedStatement ps = c.prepareStatement(upsert)) {
            for (Map.Entry<String, String> e : values.entrySet()) {
              ps.setString(1, runId);
              ps.setString(2, e.getKey());
              ps.setString(3, e.getValue());
              ps.setObject(4, ParamNumbers.of(e.getValue()), Types.DOUBLE);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  private Map<String, String> named(String table, String runId) {
    return db.run(
        "read the " + table + " of run " + runId,
        c -> {
          Map<String, String> out = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, value FROM " + table + " WHERE run_id = ? ORDER BY name")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
              }
            }
          }
          return out;
        });
  }

  /** Inside a write transaction, so the run cannot vanish before the rows that point to it land. */
  private static void requireRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM runs WHERE id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw LabrunException.notFound(
              "run " + runId + " is not in the run history; `labrun history list` shows the runs");
        }
      }
    }
  }

  static List<Run> readRuns(PreparedStatement ps) throws SQLException {
    List<Run> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(RunRows.read(rs));
      }
    }
    return out;
  }

  private static int execute(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }
}
