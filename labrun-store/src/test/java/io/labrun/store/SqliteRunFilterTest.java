package io.labrun.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.RunFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query language on an SQLite file. */
class SqliteRunFilterTest extends RunFilterContract {
  private static final AtomicInteger COUNT = new AtomicInteger();

  @TempDir Path dir;

  @Override
  protected String newDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("history-" + COUNT.incrementAndGet()).resolve("labrun.db");
  }

  /**
   * More runs match {@code status = "Completed"} than SQLite sorts cheaply, so the order's index is
   * walked (INDEXED BY runs_by_duration) instead of the status index SQLite would start from: the
   * pages must come in the same order as a sort of every match.
   */
  @Test
  void anOrderByDurationWithACommonStatusPagesThroughEveryMatchInOrder() {
    try (SqlRunStore store = SqlRunStore.open(newDatabaseUrl())) {
      List<Run> completed = new ArrayList<>();
      for (int i = 0; i < FilterSql.RARE + 400; i++) {
        Run queued = TestRuns.queued(String.format("d%05d", i), i);
        Instant start = queued.created().plusSeconds(1);
        RunStatus end = i % 5 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED;
        Run r =
            queued
                .withStatus(RunStatus.RUNNING, start)
                .withStatus(end, start.plusSeconds(i * 7919L % 600));
        store.create(r);
        if (end == RunStatus.COMPLETED) {
          completed.add(r);
        }
      }
      Comparator<Run> byDuration =
          Comparator.comparing((Run r) -> Duration.between(r.started(), r.ended()))
              .thenComparing(Run::id);
      for (boolean desc : new boolean[] {true, false}) {
        String filter = "status = \"Completed\" order by duration" + (desc ? " desc" : "");
        List<String> want =
            completed.stream()
                .sorted(desc ? byDuration.reversed() : byDuration)
                .limit(150)
                .map(Run::id)
                .toList();
        List<String> got = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 3; page++) {
          List<Run> runs =
              store.list(
                  RunQuery.all()
                      .withRunFilter(RunFilter.parse(filter))
                      .withLimit(50)
                      .withCursor(after));
          runs.forEach(r -> got.add(r.id()));
          after = runs.get(runs.size() - 1).id();
        }
        assertThat(got).as(filter).containsExactlyElementsOf(want);
      }
    }
  }
}
