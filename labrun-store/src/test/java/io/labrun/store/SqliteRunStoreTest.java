package io.labrun.store;

import static io.labrun.store.TestRuns.queued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on an SQLite file, and what only the embedded database has: files, locks, plans. */
class SqliteRunStoreTest extends RunStoreContract {
  private static final AtomicInteger COUNT = new AtomicInteger();

  @TempDir Path dir;

  @Override
  protected String newDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("history-" + COUNT.incrementAndGet()).resolve("labrun.db");
  }

  @Test
  void theFileIsInWalModeWithForeignKeys() throws Exception {
    store.create(queued("r1", 0));
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      assertThat(scalar(s, "PRAGMA journal_mode")).isEqualTo("wal");
      assertThat(scalar(s, "SELECT version FROM schema_version")).isEqualTo("1");
    }
  }

  @Test
  void aDataFolderThatCannotBeCreatedIsAStoreError() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    assertStoreError(
        () -> SqlRunStore.open("jdbc:sqlite:" + file.resolve("labrun.db")),
        "cannot create the data folder");
  }

  @Test
  void aFileThatIsNotADatabaseIsAStoreError() throws Exception {
    Path file = dir.resolve("garbage.db");
    Files.write(file, new byte[8192]);
    Files.writeString(
        file, "this is not an SQLite database, just some text that is long enough".repeat(100));
    assertStoreError(
        () -> SqlRunStore.open("jdbc:sqlite:" + file), "is damaged or is not a labrun database");
  }

  @Test
  void aDatabaseLockedTooLongIsAStoreError() throws Exception {
    try (SqlRunStore impatient = SqlRunStore.open(url, Duration.ofMillis(200));
        Connection holder = DriverManager.getConnection(url);
        Statement s = holder.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      assertStoreError(
          () -> impatient.create(queued("r1", 0)), "stayed locked by another labrun process");
      s.execute("ROLLBACK");
      impatient.create(queued("r1", 0));
    }
    assertThat(store.find("r1")).isPresent();
  }

  @Test
  void aSchemaFromANewerLabrunIsAStoreError() throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO schema_version (version, description, applied_ms) VALUES (99, 'future', 0)");
    }
    assertStoreError(() -> SqlRunStore.open(url), "upgrade labrun");
  }

  @Test
  void anInMemoryDatabaseIsRefused() {
    assertThatThrownBy(() -> SqlRunStore.open("jdbc:sqlite::memory:"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyMigrationScriptIsListed() throws Exception {
    Path folder =
        Path.of(Migrations.class.getResource("/db/migration/V1__init.sql").toURI()).getParent();
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(Migrations.SCRIPTS);
    }
  }

  /**
   * No page of {@code history list} sorts rows: each is read in order from an index. Metrics use
   * theirs.
   */
  @Test
  void listQueriesReadAnIndexInOrder() throws Exception {
    for (int i = 0; i < 50; i++) {
      store.create(
          TestRuns.with(
              queued("r" + i, i),
              "e" + i % 5,
              "rc" + i % 3,
              "t" + i % 2,
              "s" + i % 7,
              "sw" + i % 4));
    }
    List<RunQuery> queries =
        new ArrayList<>(
            List.of(
                RunQuery.all(),
                RunQuery.all().withStatuses(Set.of(RunStatus.COMPLETED)).withTarget("local"),
                RunQuery.all().withExperiment("e1").withCursor("r40"),
                RunQuery.all().withSweepId("sw1").withStatuses(Set.of(RunStatus.COMPLETED)),
                RunQuery.all().withScript("s1").withCreated(TestRuns.T0, null)));
    try (Connection c = DriverManager.getConnection(url)) {
      for (RunQuery q : queries) {
        List<String> plan = RunListingPlans.explain(c, q);
        assertThat(plan).as(q.toString()).noneMatch(line -> line.contains("TEMP B-TREE"));
        assertThat(plan).as(q.toString()).anyMatch(line -> line.contains("USING INDEX"));
      }
      assertThat(RunListingPlans.explainMetric(c))
          .anyMatch(line -> line.contains("metrics_by_run_name_step"))
          .noneMatch(line -> line.contains("TEMP B-TREE"));
      assertThat(RunListingPlans.explainSummaries(c))
          .as("summaries read from metric_last, not from the points")
          .contains("SEARCH metric_last USING INDEX sqlite_autoindex_metric_last_1 (run_id=?)");
    }
  }

  private static String scalar(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void assertStoreError(Runnable action, String text) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORE))
        .hasMessageContaining(text)
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("SQLITE_");
  }
}
