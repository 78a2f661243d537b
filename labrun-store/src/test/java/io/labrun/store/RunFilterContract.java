package io.labrun.store;

import static io.labrun.store.TestRuns.T0;
import static io.labrun.store.TestRuns.point;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunPage;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.run.query.RunFilter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The query language run by the database, with the same cases on every database: each filter's
 * answer is checked against what the same condition, written in Java over the seeded runs, selects;
 * each order is paged through a few runs at a time, by run id ({@code history list}) and by opaque
 * cursor (the API).
 */
abstract class RunFilterContract {
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?");
  private static final String[] REG = {
    "100", "1000.0", "0.5", null, "1e2", "10", "abc", "100", null, "2", "1000", "0.01"
  };
  private static final String[] OPT = {
    "adam",
    "sgd",
    "adam",
    "sgd_momentum",
    "a%b",
    "adam",
    null,
    "sgdxmomentum",
    "adam",
    "x_y",
    "adam",
    "sgd"
  };
  private static final String[] TEAM = {
    "vision",
    "vision-3d",
    "nlp",
    null,
    "Vision",
    "vision[1]",
    "speech",
    "nlp",
    "vision",
    null,
    "visionary",
    "nlp"
  };

  protected SqlRunStore store;
  private final List<Seeded> runs = new ArrayList<>();

  /** The JDBC URL of a new, empty database; every call gives another one. */
  protected abstract String newDatabaseUrl() throws Exception;

  /** A seeded run and what the Java side of each case reads. */
  record Seeded(Run run, Map<String, String> params, Map<String, String> tags, List<Double> acc) {
    String id() {
      return run.id();
    }

    Double num(String param) {
      String v = params.get(param);
      return v != null && NUMBER.matcher(v).matches() ? Double.valueOf(v) : null;
    }

    Double last() {
      return acc.isEmpty() ? null : acc.get(acc.size() - 1);
    }

    Double min() {
      return acc.stream().min(Double::compare).orElse(null);
    }

    Long duration() {
      return run.started() == null || run.ended() == null
          ? null
          : run.ended().toEpochMilli() - run.started().toEpochMilli();
    }
  }

  @BeforeEach
  void seed() throws Exception {
    store = SqlRunStore.open(newDatabaseUrl());
    for (int i = 0; i < 12; i++) {
      runs.add(seed(i));
    }
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Seeded seed(int i) {
    String id = String.format("r%02d", i);
    Instant created = T0.plusSeconds(3600L * i);
    Run r =
        new Run(
            id,
            i % 5 == 0 ? "mnist" : "iris",
            "local",
            i % 3 == 0 ? "local" : i % 3 == 1 ? "docker" : "remote-gpu",
            "local",
            i % 2 == 0 ? "train.py" : "scripts/eval_v" + i + ".py",
            List.of(),
            Map.of(),
            i < 6 ? "alice" : "bob",
            "laptop",
            null,
            null,
            null,
            created,
            null,
            null,
            RunStatus.QUEUED,
            null,
            null,
            i >= 8 ? "sw1" : null,
            1,
            Map.of());
    store.create(r);
    if (i % 4 != 3) {
      Run running = r.withStatus(RunStatus.RUNNING, created.plusSeconds(5));
      store.update(running, RunStatus.QUEUED);
      r = running;
      if (i % 4 != 2) {
        RunStatus end = i % 4 == 0 ? RunStatus.COMPLETED : RunStatus.FAILED;
        Run done =
            r.withStatus(end, created.plusSeconds(5 + 10L * i))
                .withExit(end == RunStatus.COMPLETED ? 0 : 1, null);
        store.update(done, RunStatus.RUNNING);
        r = done;
      }
    }
    Map<String, String> params = new HashMap<>();
    put(params, "reg", REG[i]);
    put(params, "opt", OPT[i]);
    store.putParams(id, params);
    Map<String, String> tags = new HashMap<>();
    put(tags, "team", TEAM[i]);
    store.putTags(id, tags);
    List<Double> acc = new ArrayList<>();
    if (i % 5 != 3) {
      acc.addAll(List.of(0.1 * (i % 3), i / 12.0, (i * 5 % 12) / 12.0));
      List<MetricPoint> points = new ArrayList<>();
      for (int step = 0; step < acc.size(); step++) {
        points.add(point("acc", step, acc.get(step)));
      }
      store.appendMetrics(id, points);
    }
    return new Seeded(r, params, tags, acc);
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  @Test
  void metricsCompareTheirLastLowestOrHighestValue() {
    matches("metrics.acc > 0.5", s -> s.last() != null && s.last() > 0.5);
    matches("metrics.acc <= 0.5", s -> s.last() != null && s.last() <= 0.5);
    matches("min(metrics.acc) < 0.05", s -> s.min() != null && s.min() < 0.05);
    matches("max(metrics.acc) >= 0.75", s -> s.acc.stream().anyMatch(v -> v >= 0.75));
    matches(
        "metrics.acc between 0.25 and 0.5",
        s -> s.last() != null && s.last() >= 0.25 && s.last() <= 0.5);
    matches("metrics.missing > 0", s -> false);
  }

  @Test
  void paramsCompareAsNumbersWhenWrittenAsNumbersAndAsTextOtherwise() {
    matches("params.reg = 100", s -> Double.valueOf(100).equals(s.num("reg")));
    matches("params.reg = \"100\"", s -> "100".equals(s.params.get("reg")));
    matches(
        "params.reg in (100, 1000)",
        s -> s.num("reg") != null && (s.num("reg") == 100 || s.num("reg") == 1000));
    matches("params.reg > 5", s -> s.num("reg") != null && s.num("reg") > 5);
    matches(
        "params.reg != 100",
        s -> s.params.containsKey("reg") && !Double.valueOf(100).equals(s.num("reg")));
    matches(
        "params.reg between 1 and 100",
        s -> s.num("reg") != null && s.num("reg") >= 1 && s.num("reg") <= 100);
    matches(
        "params.opt between \"a\" and \"b\"",
        s ->
            s.params.get("opt") != null
                && s.params.get("opt").compareTo("a") >= 0
                && s.params.get("opt").compareTo("b") <= 0);
    matches(
        "params.opt in (\"adam\", 'sgd', 7)",
        s -> "adam".equals(s.params.get("opt")) || "sgd".equals(s.params.get("opt")));
  }

  @Test
  void andOrNotAndParenthesesCombineAsWritten() {
    matches(
        "metrics.acc > 0.5 or params.reg in (100, 1000)",
        s ->
            s.last() != null && s.last() > 0.5
                || s.num("reg") != null && (s.num("reg") == 100 || s.num("reg") == 1000));
    matches(
        "not (params.reg >= 1) and status = \"Completed\"",
        s -> !(s.num("reg") != null && s.num("reg") >= 1) && s.run.status() == RunStatus.COMPLETED);
    matches(
        "(params.opt = \"adam\" or params.opt = \"sgd\") and not tags.team ~ \"vision*\"",
        s ->
            ("adam".equals(s.params.get("opt")) || "sgd".equals(s.params.get("opt")))
                && !glob(s.tags.get("team"), "vision.*"));
    matches("params.opt not in (\"adam\")", s -> !"adam".equals(s.params.get("opt")));
    matches(
        "not status = \"completed\" or user = 'bob' and sweep = \"sw1\"",
        s ->
            s.run.status() != RunStatus.COMPLETED
                || "bob".equals(s.run.user()) && "sw1".equals(s.run.sweepId()));
  }

  @Test
  void globsMatchTheWholeTextWithTheirOwnCharactersLiteralAndRegexesAnywhere() {
    matches("tags.team ~ \"vision*\"", s -> glob(s.tags.get("team"), "vision.*"));
    matches("tags.team ~ \"vision[1]\"", s -> "vision[1]".equals(s.tags.get("team")));
    matches("params.opt ~ \"a%b\"", s -> "a%b".equals(s.params.get("opt")));
    matches("params.opt ~ \"sgd_*\"", s -> glob(s.params.get("opt"), "sgd_.*"));
    matches("params.opt ~ \"sgd?momentum\"", s -> glob(s.params.get("opt"), "sgd.momentum"));
    matches(
        "tags.team !~ \"vision*\"",
        s -> s.tags.get("team") != null && !glob(s.tags.get("team"), "vision.*"));
    matches(
        "tags.team ~ /^vis.*n$/",
        s -> s.tags.get("team") != null && s.tags.get("team").matches("vis.*n"));
    matches(
        "script ~ /eval_v1[01]/",
        s -> s.run.script().contains("eval_v11") || s.run.script().contains("eval_v10"));
    matches("target ~ \"remote-*\"", s -> s.run.target().startsWith("remote-"));
  }

  @Test
  void attributesTimesAndDurations() {
    long t15 = Instant.parse("2026-01-15T15:00:00Z").toEpochMilli();
    matches(
        "created > \"2026-01-15T15:00:00Z\" and duration < 60s",
        s -> s.run.created().toEpochMilli() > t15 && s.duration() != null && s.duration() < 60_000);
    matches(
        "created >= \"2026-01-16\"",
        s -> !s.run.created().isBefore(Instant.parse("2026-01-16T00:00:00Z")));
    matches(
        "duration between 20s and 1m",
        s -> s.duration() != null && s.duration() >= 20_000 && s.duration() <= 60_000);
    matches(
        "status in (\"Failed\", \"running\")",
        s -> s.run.status() == RunStatus.FAILED || s.run.status() == RunStatus.RUNNING);
    matches(
        "target != \"local\" and experiment in (\"mnist\")",
        s -> !s.run.target().equals("local") && s.run.experiment().equals("mnist"));
    matches("exit_code = 1", s -> Integer.valueOf(1).equals(s.run.exitCode()));
    matches(
        "id = \"r03\" or ended > \"2026-01-15T20:00:00Z\"",
        s ->
            s.id().equals("r03")
                || s.run.ended() != null
                    && s.run.ended().isAfter(Instant.parse("2026-01-15T20:00:00Z")));
  }

  @Test
  void theFlagsFiltersAndTheLanguageCombine() {
    RunQuery q =
        RunQuery.all()
            .withStatuses(Set.of(RunStatus.COMPLETED, RunStatus.FAILED))
            .withRunFilter(RunFilter.parse("user = \"alice\""))
            .withLimit(100);
    assertThat(store.list(q))
        .extracting(Run::id)
        .containsExactlyElementsOf(
            expected(
                s ->
                    (s.run.status() == RunStatus.COMPLETED || s.run.status() == RunStatus.FAILED)
                        && "alice".equals(s.run.user())));
  }

  @Test
  void everyOrderPagesThroughEveryMatchOnceWithMissingValuesLast() {
    Comparator<Seeded> id = Comparator.comparing(Seeded::id);
    ordered(
        "order by metrics.acc desc", nullsLast(Seeded::last, true).thenComparing(id.reversed()));
    ordered(
        "order by params.reg",
        nullsLast(s -> s.num("reg"), false)
            .thenComparing(nullsLast(s -> s.params.get("reg"), false))
            .thenComparing(id));
    ordered(
        "order by min(metrics.acc) asc, created desc",
        nullsLast(Seeded::min, false)
            .thenComparing(nullsLast(s -> s.run.created(), true))
            .thenComparing(id));
    ordered(
        "order by duration desc", nullsLast(Seeded::duration, true).thenComparing(id.reversed()));
    ordered("order by duration", nullsLast(Seeded::duration, false).thenComparing(id));
    ordered(
        "status = \"Completed\" order by duration desc",
        nullsLast(Seeded::duration, true).thenComparing(id.reversed()));
    ordered(
        "tags.team ~ \"*\" order by tags.team desc",
        nullsLast(s -> s.tags.get("team"), true).thenComparing(id.reversed()));
    // Inside an or, a condition is probed run by run while the order's index is walked.
    ordered(
        "(params.reg >= 0 or id = \"no-such-run\") order by metrics.acc desc",
        nullsLast(Seeded::last, true).thenComparing(id.reversed()));
    ordered(
        "(metrics.acc >= 0 or id = \"no-such-run\") order by params.reg desc",
        nullsLast(s -> s.num("reg"), true)
            .thenComparing(nullsLast(s -> s.params.get("reg"), true))
            .thenComparing(id.reversed()));
    ordered(
        "status = \"Completed\" or status = \"Failed\" order by created asc",
        nullsLast(s -> s.run.created(), false).thenComparing(id));
  }

  @Test
  void aCursorOfAnotherOrderIsRefused() {
    RunPage first = page("order by metrics.acc desc", null, 2);
    assertThatThrownBy(() -> page("order by metrics.acc asc", first.nextCursor(), 2))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT));
  }

  @Test
  void valuesAreParametersNeverSql() {
    store.putTags("r00", Map.of("note", "x' OR '1'='1"));
    matches("tags.note = \"x' OR '1'='1\"", s -> s.id().equals("r00"));
    matches("tags.note = \"x\" or tags.note ~ /'1'='1$/", s -> s.id().equals("r00"));
  }

  @Test
  void upgradingToVersion5ReadsTheNumbersOfParamsRecordedBefore() throws Exception {
    String url = newDatabaseUrl();
    try (SqlRunStore old = SqlRunStore.open(url)) {
      old.create(TestRuns.queued("old", 0));
      old.putParams("old", Map.of("reg", "1e2", "opt", "adam"));
    }
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      undoVersion5(s);
    }
    try (SqlRunStore upgraded = SqlRunStore.open(url)) {
      assertThat(
              upgraded.list(
                  RunQuery.all()
                      .withRunFilter(
                          RunFilter.parse("params.reg = 100 and params.opt = \"adam\""))))
          .extracting(Run::id)
          .containsExactly("old");
    }
  }

  /** Takes a history back to schema version 4, as an older labrun left it. */
  static void undoVersion5(Statement s) throws Exception {
    s.execute("DROP TABLE sweeps"); // version 9
    s.execute("DROP TABLE experiment_runs"); // version 8
    s.execute("DROP INDEX runs_by_duration"); // version 8
    s.execute("DROP TABLE run_notes"); // version 6
    for (String index :
        List.of(
            "params_by_name_num_value", // version 7
            "params_by_name_value",
            "tags_by_name_num_value", // version 7
            "tags_by_name_value",
            "metric_last_by_name_lo",
            "metric_last_by_name_hi",
            "runs_by_user")) {
      s.execute("DROP INDEX " + index);
    }
    s.execute("ALTER TABLE params DROP COLUMN num");
    s.execute("ALTER TABLE tags DROP COLUMN num");
    s.execute("DELETE FROM schema_version WHERE version > 4");
  }

  private static boolean glob(String text, String regex) {
    return text != null && text.matches(regex);
  }

  private List<String> expected(Predicate<Seeded> p) {
    return runs.stream()
        .filter(p)
        .sorted(Comparator.comparing(Seeded::id).reversed())
        .map(Seeded::id)
        .toList();
  }

  /**
   * The runs the filter selects, newest first (the runs are created in id order), on both paths.
   * Here every condition is rare, so the store starts from their sets; written inside an {@code or}
   * that adds nothing, the same filter is answered by probing each run instead.
   */
  private void matches(String filter, Predicate<Seeded> p) {
    List<String> want = expected(p);
    for (String f : List.of(filter, "(" + filter + ") or id = \"no-such-run\"")) {
      assertThat(store.list(RunQuery.all().withRunFilter(RunFilter.parse(f)).withLimit(100)))
          .extracting(Run::id)
          .as(f)
          .containsExactlyElementsOf(want);
      assertThat(page(f, null, 100).runs())
          .extracting(Run::id)
          .as(f)
          .containsExactlyElementsOf(want);
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static <T extends Comparable> Comparator<Seeded> nullsLast(
      Function<Seeded, T> key, boolean descending) {
    Comparator<T> natural =
        descending ? Comparator.<T>reverseOrder() : Comparator.<T>naturalOrder();
    return Comparator.comparing(key, Comparator.nullsLast(natural));
  }

  private void ordered(String filter, Comparator<Seeded> order) {
    RunFilter f = RunFilter.parse(filter);
    List<Seeded> matching =
        f.where() == null
            ? runs
            : runs.stream()
                .filter(
                    s ->
                        store
                            .list(
                                RunQuery.all()
                                    .withRunFilter(new RunFilter(f.where(), List.of()))
                                    .withLimit(100))
                            .stream()
                            .anyMatch(r -> r.id().equals(s.id())))
                .toList();
    List<String> want = matching.stream().sorted(order).map(Seeded::id).toList();
    List<String> byRunId = new ArrayList<>();
    String after = null;
    List<Run> page;
    do {
      page = store.list(RunQuery.all().withRunFilter(f).withLimit(3).withCursor(after));
      page.forEach(r -> byRunId.add(r.id()));
      after = page.isEmpty() ? null : page.get(page.size() - 1).id();
    } while (page.size() == 3);
    assertThat(byRunId).as(filter).containsExactlyElementsOf(want);
    List<String> byCursor = new ArrayList<>();
    String cursor = null;
    do {
      RunPage p = page(filter, cursor, 3);
      p.runs().forEach(r -> byCursor.add(r.id()));
      cursor = p.nextCursor();
    } while (cursor != null);
    assertThat(byCursor).as(filter).containsExactlyElementsOf(want);
  }

  private RunPage page(String filter, String cursor, int limit) {
    return store.page(
        new RunTableQuery(
            RunQuery.all().withRunFilter(RunFilter.parse(filter)),
            null,
            null,
            List.of("acc"),
            cursor,
            limit));
  }
}
