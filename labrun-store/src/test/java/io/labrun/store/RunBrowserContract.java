package io.labrun.store;

import static io.labrun.store.TestRuns.T0;
import static io.labrun.store.TestRuns.finished;
import static io.labrun.store.TestRuns.point;
import static io.labrun.store.TestRuns.queued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.MetricSeries;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.history.RunTableQuery.Column;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.MetricCondition.Op;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the server reads from a {@link SqlRunStore}, on every database: tokens, the runs table
 * (metric conditions, every order, keyset pages) and downsampled metrics.
 */
abstract class RunBrowserContract {
  protected SqlRunStore store;

  /** The JDBC URL of a new, empty database; every call gives another one. */
  protected abstract String newDatabaseUrl() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = SqlRunStore.open(newDatabaseUrl());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void tokensAreKeptByHashWithTheirRoleAndRevokedByName() {
    ApiTokens tokens = store.tokens();
    assertThat(tokens.add("ci", "a".repeat(64), T0, Role.READ)).isTrue();
    assertThat(tokens.add("ci", "b".repeat(64), T0, Role.ADMIN)).isFalse();
    assertThat(tokens.add("alice", "c".repeat(64), T0, Role.SUBMIT)).isTrue();
    assertThat(tokens.find("a".repeat(64))).contains(new ApiTokens.Token("ci", T0, Role.READ));
    assertThat(tokens.find("b".repeat(64))).isEmpty();
    assertThat(tokens.list())
        .extracting(ApiTokens.Token::name, ApiTokens.Token::role)
        .containsExactly(tuple("alice", Role.SUBMIT), tuple("ci", Role.READ));
    assertThat(tokens.revoke("ci")).isTrue();
    assertThat(tokens.revoke("ci")).isFalse();
    assertThat(tokens.find("a".repeat(64))).isEmpty();
  }

  @Test
  void everyOrderPagesThroughEveryRunOnceWithMissingValuesLast() {
    List<Run> all = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      Run r =
          TestRuns.with(
              queued("r" + (char) ('a' + i), i % 7),
              "iris",
              "local",
              i % 3 == 0 ? null : "t" + (i % 4),
              "s" + (i % 5) + ".py",
              null);
      store.create(r);
      if (i % 2 == 0) {
        Run done = finished(r, i % 4 == 0 ? RunStatus.COMPLETED : RunStatus.FAILED);
        store.update(done, RunStatus.QUEUED);
        r = done;
      }
      if (i % 3 != 1) {
        store.appendMetrics(
            r.id(), List.of(point("acc", 0, 0.1), point("acc", 1, (i * 7 % 11) / 10.0)));
      }
      all.add(r);
    }
    check(all, new Sort(Column.CREATED, null, true), r -> r.created().toEpochMilli());
    check(all, new Sort(Column.CREATED, null, false), r -> r.created().toEpochMilli());
    check(all, new Sort(Column.TARGET, null, false), Run::target);
    check(all, new Sort(Column.TARGET, null, true), Run::target);
    check(all, new Sort(Column.STATUS, null, false), r -> r.status().name());
    check(
        all,
        new Sort(Column.ENDED, null, true),
        r -> r.ended() == null ? null : r.ended().toEpochMilli());
    check(all, new Sort(Column.EXIT_CODE, null, false), Run::exitCode);
    for (boolean desc : new boolean[] {true, false}) {
      check(
          all,
          new Sort(Column.DURATION, null, desc),
          r -> r.ended() == null ? null : r.ended().toEpochMilli() - r.started().toEpochMilli());
    }
    Map<String, Double> acc = new HashMap<>();
    for (int i = 0; i < 23; i++) {
      if (i % 3 != 1) {
        acc.put("r" + (char) ('a' + i), (i * 7 % 11) / 10.0);
      }
    }
    check(all, new Sort(null, "acc", true), r -> acc.get(r.id()));
    check(all, new Sort(null, "acc", false), r -> acc.get(r.id()));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void check(List<Run> all, Sort sort, Function<Run, Comparable> key) {
    Comparator<Run> byKey =
        (a, b) -> {
          Comparable ka = key.apply(a);
          Comparable kb = key.apply(b);
          if (ka == null || kb == null) {
            return ka == null && kb == null
                ? 0
                : ka == null ? 1 : -1; // missing values last, either way
          }
          return sort.descending() ? kb.compareTo(ka) : ka.compareTo(kb);
        };
    Comparator<Run> order =
        byKey.thenComparing(
            sort.descending()
                ? Comparator.comparing(Run::id).reversed()
                : Comparator.comparing(Run::id));
    List<String> expected = all.stream().sorted(order).map(Run::id).toList();
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      RunPage page =
          store.page(new RunTableQuery(RunQuery.all(), null, sort, List.of("acc"), cursor, 4));
      page.runs().forEach(r -> seen.add(r.id()));
      assertThat(page.runs()).hasSizeLessThanOrEqualTo(4);
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(seen).as("order %s", sort).containsExactlyElementsOf(expected);
  }

  @Test
  void metricConditionsMatchTheLastValueAndRunsWithoutTheMetricNever() {
    for (int i = 0; i < 6; i++) {
      store.create(queued("r" + i, i));
    }
    store.appendMetrics("r0", List.of(point("accuracy", 0, 0.99), point("accuracy", 1, 0.5)));
    store.appendMetrics("r1", List.of(point("accuracy", 0, 0.5), point("accuracy", 1, 0.95)));
    store.appendMetrics("r2", List.of(point("accuracy", 0, 0.91), point("loss", 0, 0.2)));
    store.appendMetrics("r3", List.of(point("loss", 0, 0.1)));
    store.appendMetrics("r4", List.of(point("accuracy", 3, 0.92)));
    store.appendMetrics(
        "r4", List.of(point("accuracy", 2, 0.1))); // an earlier step logged later does not win
    List<MetricCondition> accurate = List.of(new MetricCondition("accuracy", Op.GT, 0.9));
    assertThat(
            ids(new RunTableQuery(RunQuery.all(), accurate, null, List.of("accuracy"), null, 50)))
        .containsExactly("r4", "r2", "r1");
    List<MetricCondition> both =
        List.of(
            new MetricCondition("accuracy", Op.GT, 0.9), new MetricCondition("loss", Op.LE, 0.2));
    assertThat(ids(new RunTableQuery(RunQuery.all(), both, null, null, null, 50)))
        .containsExactly("r2");
    assertThat(
            ids(
                new RunTableQuery(
                    RunQuery.all(),
                    List.of(new MetricCondition("accuracy", Op.NE, 0.5)),
                    null,
                    null,
                    null,
                    50)))
        .containsExactly("r4", "r2", "r1");
    RunPage page =
        store.page(
            new RunTableQuery(
                RunQuery.all().withStatuses(Set.of(RunStatus.QUEUED)),
                accurate,
                null,
                List.of("accuracy", "loss"),
                null,
                50));
    assertThat(page.metrics().get("r2")).containsEntry("accuracy", 0.91).containsEntry("loss", 0.2);
    assertThat(page.metrics().get("r4")).containsOnlyKeys("accuracy");
  }

  @Test
  void aCursorOfAnotherOrderIsBadInput() {
    for (int i = 0; i < 3; i++) {
      store.create(queued("r" + i, i));
    }
    String cursor =
        store.page(new RunTableQuery(RunQuery.all(), null, null, null, null, 1)).nextCursor();
    assertThatThrownBy(
            () ->
                store.page(
                    new RunTableQuery(
                        RunQuery.all(),
                        null,
                        new Sort(Column.SCRIPT, null, true),
                        null,
                        cursor,
                        1)))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("cursor");
  }

  private List<String> ids(RunTableQuery q) {
    return store.page(q).runs().stream().map(Run::id).toList();
  }

  @Test
  void aFewPointsComeBackAsTheyWereListsIncluded() {
    store.create(queued("r1", 0));
    store.appendMetrics(
        "r1",
        List.of(
            point("loss", 0, 1.0),
            point("loss", 1, 0.5),
            new MetricPoint("cm", 0, T0, null, "[[1,2],[3,4]]")));
    MetricSeries loss = store.series("r1", "loss", 1000);
    assertThat(loss.downsampled()).isFalse();
    assertThat(loss.points()).extracting(MetricSeries.Bucket::last).containsExactly(1.0, 0.5);
    MetricSeries cm = store.series("r1", "cm", 1000);
    assertThat(cm.points())
        .singleElement()
        .satisfies(b -> assertThat(b.json()).isEqualTo("[[1,2],[3,4]]"));
    assertThat(store.series("r1", "nothing", 1000).points()).isEmpty();
  }

  @Test
  void manyPointsAreBucketedKeepingRangeAndLastValueWhateverTheBatches() {
    store.create(queued("r1", 0));
    store.create(queued("r2", 1));
    int n = 200_000;
    List<MetricPoint> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      points.add(point("loss", i, Math.sin(i / 1000.0) + (i == 123_456 ? 50 : 0)));
    }
    store.appendMetrics("r1", points);
    for (int from = 0;
        from < n;
        from += 30_001) { // batches that cut buckets in two, as a live run's do
      store.appendMetrics("r2", points.subList(from, Math.min(n, from + 30_001)));
    }
    for (String run : List.of("r1", "r2")) {
      MetricSeries s = store.series(run, "loss", 1000);
      assertThat(s.downsampled()).isTrue();
      assertThat(s.count()).isEqualTo(n);
      assertThat(s.points()).hasSizeBetween(500, 1000);
      assertThat(s.points().stream().mapToLong(MetricSeries.Bucket::count).sum()).isEqualTo(n);
      assertThat(s.points().stream().mapToDouble(MetricSeries.Bucket::max).max().orElseThrow())
          .isEqualTo(points.get(123_456).value());
      MetricSeries.Bucket last = s.points().get(s.points().size() - 1);
      assertThat(last.step()).isEqualTo(n - 1);
      assertThat(last.last()).isEqualTo(points.get(n - 1).value());
      assertThat(s.points())
          .isSortedAccordingTo(Comparator.comparingLong(MetricSeries.Bucket::step));
    }
    assertThat(store.series("r1", "loss", 1000).points())
        .isEqualTo(store.series("r2", "loss", 1000).points());
    store.delete("r1");
    assertThat(store.series("r1", "loss", 1000).points()).isEmpty();
  }

  @Test
  void experimentsCountTheirRuns() {
    store.create(queued("a1", 0));
    store.create(TestRuns.with(queued("b1", 5), "mnist", "local", "local", "t.py", null));
    store.create(queued("a2", 3));
    assertThat(store.experiments())
        .extracting(e -> e.name() + ":" + e.runs())
        .containsExactly("mnist:1", "iris:2");
    assertThat(store.experiments().get(0).lastRun()).isEqualTo(T0.plusSeconds(5 * 60));
    store.delete("b1");
    store.delete("b1"); // no longer there: counted down once
    store.delete("a1");
    assertThat(store.experiments())
        .extracting(e -> e.name() + ":" + e.runs())
        .containsExactly("iris:1");
    store.create(TestRuns.with(queued("b2", 1), "mnist", "local", "local", "t.py", null));
    assertThat(store.experiments())
        .extracting(e -> e.name() + ":" + e.runs() + ":" + e.lastRun())
        .containsExactly("iris:1:" + T0.plusSeconds(3 * 60), "mnist:1:" + T0.plusSeconds(60));
  }

  @Test
  void experimentsCountEveryRunRecordedOrDeletedAtOnce() throws Exception {
    int threads = 4;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each;
        done.add(
            pool.submit(
                () -> {
                  for (int i = first; i < first + each; i++) {
                    store.create(queued("c" + i, i));
                    if (i % 4 == 0) {
                      store.delete("c" + i);
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      done.clear();
      // one run deleted by every thread at once: counted down once
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> store.delete("c1")));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long left = threads * each - threads * each / 4 - 1;
    assertThat(store.experiments())
        .extracting(e -> e.name() + ":" + e.runs())
        .containsExactly("iris:" + left);
  }

  @Test
  void sweepsAreListedNewestFirstWithTheirRunsByState() {
    store.create(TestRuns.with(queued("a1", 0), "iris", "local", "local", "t.py", "sweep-a"));
    store.create(TestRuns.with(queued("a2", 1), "iris", "local", "local", "t.py", "sweep-a"));
    store.update(
        finished(
            TestRuns.with(queued("a2", 1), "iris", "local", "local", "t.py", "sweep-a"),
            RunStatus.COMPLETED),
        RunStatus.QUEUED);
    store.create(TestRuns.with(queued("b1", 5), "mnist", "local", "local", "t.py", "sweep-b"));
    store.create(queued("alone", 9));
    assertThat(store.sweeps())
        .extracting(
            s -> s.id() + " " + s.experiment() + " " + s.runs() + " " + new TreeMap<>(s.statuses()))
        .containsExactly("sweep-b mnist 1 {QUEUED=1}", "sweep-a iris 2 {QUEUED=1, COMPLETED=1}");
    assertThat(store.sweeps().get(1).firstRun()).isEqualTo(T0);
  }

  @Test
  void tokensMadeBeforeRolesBecomeAdminSoNobodyIsLockedOut() throws Exception {
    String url = newDatabaseUrl();
    SqlRunStore.open(url).close();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      RunFilterContract.undoVersion5(s);
      s.execute("ALTER TABLE api_tokens DROP COLUMN role");
      s.execute("DELETE FROM schema_version WHERE version > 3");
      s.execute(
          "INSERT INTO api_tokens (name, sha256, created_ms) VALUES ('old-ci', '"
              + "d".repeat(64)
              + "', 0)");
    }
    try (SqlRunStore upgraded = SqlRunStore.open(url)) {
      assertThat(upgraded.tokens().find("d".repeat(64)))
          .map(ApiTokens.Token::role)
          .contains(Role.ADMIN);
      assertThat(upgraded.tokens().add("new", "e".repeat(64), T0, Role.READ)).isTrue();
      assertThat(upgraded.tokens().find("e".repeat(64)))
          .map(ApiTokens.Token::role)
          .contains(Role.READ);
    }
  }

  @Test
  void upgradingFromVersion1FillsTheSummariesFromThePoints() throws Exception {
    String url = newDatabaseUrl();
    Dialect dialect = Dialect.of(url);
    try (SqlRunStore old = SqlRunStore.open(url)) {
      old.create(queued("r1", 0));
      List<MetricPoint> points = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        points.add(point("loss", i, 5000 - i));
      }
      old.appendMetrics("r1", points);
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      RunFilterContract.undoVersion5(s);
      s.execute("DROP TABLE metric_last");
      s.execute("DROP TABLE metric_rollup");
      s.execute("DROP TABLE api_tokens");
      s.execute("DELETE FROM schema_version WHERE version > 1");
    }
    assertThat(dialect).isNotNull();
    try (SqlRunStore upgraded = SqlRunStore.open(url)) {
      assertThat(upgraded.schemaVersion()).isEqualTo(Migrations.latest());
      assertThat(upgraded.experiments())
          .extracting(e -> e.name() + ":" + e.runs())
          .containsExactly("iris:1");
      MetricSeries s = upgraded.series("r1", "loss", 100);
      assertThat(s.downsampled()).isTrue();
      assertThat(s.points().get(s.points().size() - 1).last()).isEqualTo(1.0);
      assertThat(s.points().get(0).max()).isEqualTo(5000.0);
      assertThat(upgraded.metricSummaries("r1").get("loss"))
          .satisfies(
              m -> {
                assertThat(m.count()).isEqualTo(5000);
                assertThat(m.min()).isEqualTo(1.0);
                assertThat(m.max()).isEqualTo(5000.0);
                assertThat(m.last().step()).isEqualTo(4999);
                assertThat(m.last().value()).isEqualTo(1.0);
              });
      assertThat(
              upgraded
                  .page(
                      new RunTableQuery(
                          RunQuery.all(),
                          List.of(new MetricCondition("loss", Op.EQ, 1.0)),
                          null,
                          null,
                          null,
                          5))
                  .runs())
          .extracting(Run::id)
          .containsExactly("r1");
    }
  }
}
