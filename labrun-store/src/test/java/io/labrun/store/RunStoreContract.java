package io.labrun.store;

import static io.labrun.store.TestRuns.T0;
import static io.labrun.store.TestRuns.finished;
import static io.labrun.store.TestRuns.point;
import static io.labrun.store.TestRuns.queued;
import static io.labrun.store.TestRuns.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.Artifact;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunStore.MetricSummary;
import io.labrun.core.history.RunStore.Note;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.core.sweep.Goal;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link SqlRunStore} database must show. A database gets its own subclass that
 * only says where a new, empty database is ({@link #newDatabaseUrl()}).
 */
abstract class RunStoreContract {
  protected String url;
  protected SqlRunStore store;

  /** The JDBC URL of a new, empty database; every call gives another one. */
  protected abstract String newDatabaseUrl() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    url = newDatabaseUrl();
    store = SqlRunStore.open(url);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void aCreatedRunIsFoundWithEveryField() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QUOTE", "say \"hi\"\tand\\or\nnewline \u0001 é 漢");
    env.put("EMPTY", "");
    env.put("NULL", null);
    Run run =
        new Run(
            "iris_1",
            "iris",
            "docker",
            "dock",
            "docker",
            "src/train.py",
            List.of("$file", "--alpha", "0.5", "a b", ""),
            env,
            "alice",
            "laptop",
            "abc123",
            true,
            "snap42",
            T0,
            T0.plusSeconds(1),
            T0.plusSeconds(61),
            RunStatus.FAILED,
            137,
            "killed by signal 9",
            "sweep7",
            2,
            Map.of("pid", "4242"));

    store.create(run);

    assertThat(store.find("iris_1")).contains(run);
    assertThat(store.find("nope")).isEmpty();
  }

  @Test
  void aRunWithOnlyTheRequiredFieldsRoundTrips() {
    Run bare =
        new Run(
            "bare",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            T0,
            null,
            null,
            RunStatus.QUEUED,
            null,
            null,
            null,
            0,
            null);
    store.create(bare);
    assertThat(store.find("bare")).contains(bare);
  }

  @Test
  void creatingTheSameRunTwiceIsAStoreError() {
    store.create(queued("r1", 0));
    assertThatThrownBy(() -> store.create(queued("r1", 1)))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORE))
        .hasMessageContaining("r1")
        .hasMessageNotContaining("\n");
  }

  @Test
  void updateIsACompareAndSetOnTheStatus() {
    Run queued = queued("r1", 0);
    store.create(queued);
    Run running =
        queued.withStatus(RunStatus.RUNNING, T0.plusSeconds(5)).withAttribute("pid", "12");

    assertThat(store.update(running, RunStatus.QUEUED)).isTrue();
    Run canceled = queued.withStatus(RunStatus.CANCELED, T0.plusSeconds(6));
    assertThat(store.update(canceled, RunStatus.QUEUED))
        .as("a second writer expecting Queued loses")
        .isFalse();
    assertThat(store.find("r1")).contains(running);

    Run completed = running.withStatus(RunStatus.COMPLETED, T0.plusSeconds(9)).withExit(0, null);
    assertThat(store.update(completed, RunStatus.RUNNING)).isTrue();
    assertThat(store.find("r1")).contains(completed);
    assertThat(store.update(queued("ghost", 0), RunStatus.QUEUED)).isFalse();
  }

  @Test
  void listIsNewestFirstAndBreaksTiesById() {
    store.create(queued("b", 1));
    store.create(queued("a", 1));
    store.create(queued("c", 0));
    store.create(queued("d", 2));

    assertThat(ids(store.list(RunQuery.all()))).containsExactly("d", "b", "a", "c");
    assertThat(ids(store.list(RunQuery.all().withLimit(2)))).containsExactly("d", "b");
  }

  @Test
  void listFiltersOnEveryField() {
    store.create(TestRuns.with(queued("r1", 1), "iris", "local", "local", "train.py", null));
    store.create(TestRuns.with(queued("r2", 2), "iris", "docker", "docker", "train.py", "s1"));
    store.create(TestRuns.with(queued("r3", 3), "mnist", "docker", "docker", "score.py", "s1"));
    store.create(
        finished(
            TestRuns.with(queued("r4", 4), "mnist", "local", "local", "train.py", null),
            RunStatus.COMPLETED));
    store.create(
        finished(
            TestRuns.with(queued("r5", 5), "iris", "local", "local", "score.py", null),
            RunStatus.FAILED));

    RunQuery all = RunQuery.all();
    assertThat(ids(store.list(all.withExperiment("iris")))).containsExactly("r5", "r2", "r1");
    assertThat(ids(store.list(all.withRunConfiguration("docker")))).containsExactly("r3", "r2");
    assertThat(ids(store.list(all.withTarget("local")))).containsExactly("r5", "r4", "r1");
    assertThat(ids(store.list(all.withScript("score.py")))).containsExactly("r5", "r3");
    assertThat(ids(store.list(all.withSweepId("s1")))).containsExactly("r3", "r2");
    assertThat(ids(store.list(all.withStatuses(Set.of(RunStatus.COMPLETED, RunStatus.FAILED)))))
        .containsExactly("r5", "r4");
    assertThat(ids(store.list(all.withStatuses(Set.of())))).as("no statuses: no filter").hasSize(5);
    assertThat(ids(store.list(all.withCreated(T0.plusSeconds(120), T0.plusSeconds(240)))))
        .as("[after, before)")
        .containsExactly("r3", "r2");
    assertThat(ids(store.list(all.withCreated(T0.plusSeconds(240), null))))
        .containsExactly("r5", "r4");
    assertThat(
            ids(
                store.list(
                    all.withExperiment("iris")
                        .withTarget("local")
                        .withStatuses(Set.of(RunStatus.QUEUED)))))
        .containsExactly("r1");
    assertThat(store.list(all.withExperiment("nothing"))).isEmpty();
  }

  @Test
  void pagesFollowTheCursorThroughEveryRunOnce() {
    List<Run> expected = new ArrayList<>();
    for (int i = 0; i < 137; i++) {
      // Many runs share a millisecond, so the id has to order them within it.
      Run r =
          TestRuns.created(
              queued(String.format("run-%03d", (i * 37) % 137), 0), T0.plusMillis(i / 7));
      if (i % 3 == 0) {
        r = finished(r, RunStatus.COMPLETED);
      }
      store.create(r);
      expected.add(r);
    }
    expected.sort(Comparator.comparing(Run::created).thenComparing(Run::id).reversed());

    assertThat(ids(pageThrough(RunQuery.all().withLimit(10))))
        .containsExactlyElementsOf(ids(expected));
    Set<RunStatus> done = Set.of(RunStatus.COMPLETED);
    assertThat(ids(pageThrough(RunQuery.all().withStatuses(done).withLimit(7))))
        .containsExactlyElementsOf(
            ids(expected.stream().filter(r -> r.status() == RunStatus.COMPLETED).toList()));
  }

  @Test
  void aCursorThatIsNotARunIsNotFound() {
    assertThatThrownBy(() -> store.list(RunQuery.all().withCursor("gone")))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));
  }

  @Test
  void unfinishedRunsComeOldestFirst() {
    Run a = queued("a", 3);
    Run b = queued("b", 1);
    store.create(a);
    store.create(b);
    store.create(finished(queued("c", 0), RunStatus.COMPLETED));
    store.create(queued("d", 2).withStatus(RunStatus.LOST, T0));
    Run preparing = queued("e", 4).withStatus(RunStatus.PREPARING, T0);
    Run running = queued("f", 5).withStatus(RunStatus.RUNNING, T0);
    store.create(preparing);
    store.create(running);

    assertThat(ids(store.unfinished())).containsExactly("b", "a", "e", "f");
  }

  @Test
  void metricPointsComeBackInStepOrder() {
    store.create(queued("r1", 0));
    store.create(queued("r2", 0));
    store.appendMetrics(
        "r1", List.of(point("loss", 2, 0.5), point("loss", 0, 2.0), point("acc", 0, 0.1)));
    store.appendMetrics(
        "r1",
        List.of(
            point("loss", 1, 1.0),
            point("loss", 1, 0.9),
            new MetricPoint("loss", 3, null, Double.NaN, null),
            new MetricPoint("loss", 4, T0, null, "[1, 2, {\"a\": \"b\"}]")));
    store.appendMetrics("r2", List.of(point("loss", 0, 99)));

    assertThat(store.metric("r1", "loss"))
        .extracting(MetricPoint::step, MetricPoint::value, MetricPoint::json)
        .containsExactly(
            tuple(0L, 2.0, null),
            tuple(1L, 1.0, null),
            tuple(1L, 0.9, null),
            tuple(2L, 0.5, null),
            tuple(3L, Double.NaN, null),
            tuple(4L, null, "[1, 2, {\"a\": \"b\"}]"));
    assertThat(store.metric("r1", "loss").get(0).time()).isEqualTo(T0);
    assertThat(store.metric("r1", "loss").get(4).time()).isNull();
    assertThat(store.metric("r1", "nothing")).isEmpty();
    store.appendMetrics("r1", List.of());
  }

  @Test
  void summariesGiveCountLastAndRangePerMetric() {
    store.create(queued("r1", 0));
    store.create(queued("r2", 0));
    store.appendMetrics(
        "r1",
        List.of(
            point("loss", 0, 3.0),
            point("loss", 2, 1.0),
            point("loss", 1, 0.5),
            point("loss", 2, 1.5),
            point("acc", 0, 0.7),
            new MetricPoint("confusion", 0, T0, null, "[[1,0],[0,1]]")));
    store.appendMetrics("r2", List.of(point("loss", 9, -100)));

    Map<String, MetricSummary> s = store.metricSummaries("r1");

    assertThat(s).containsOnlyKeys("acc", "confusion", "loss");
    MetricSummary loss = s.get("loss");
    assertThat(loss.count()).isEqualTo(4);
    assertThat(loss.last())
        .as("last step, and of its points the last logged")
        .isEqualTo(point("loss", 2, 1.5));
    assertThat(loss.min()).isEqualTo(0.5);
    assertThat(loss.max()).isEqualTo(3.0);
    assertThat(s.get("confusion").last().json()).isEqualTo("[[1,0],[0,1]]");
    assertThat(s.get("confusion").min()).isNull();
    assertThat(s.get("confusion").max()).isNull();
    assertThat(store.metricSummaries("ghost")).isEmpty();
  }

  @Test
  void manyPointsGoInAcrossBatches() {
    store.create(queued("r1", 0));
    store.appendMetrics("r1", series("loss", 12_345));
    MetricSummary s = store.metricSummaries("r1").get("loss");
    assertThat(s.count()).isEqualTo(12_345);
    assertThat(s.last().step()).isEqualTo(12_344);
    assertThat(store.metric("r1", "loss")).hasSize(12_345);
  }

  @Test
  void writingToARunThatIsNotThereIsNotFound() {
    assertNotFound(() -> store.appendMetrics("ghost", List.of(point("loss", 0, 1))));
    assertNotFound(() -> store.putParams("ghost", Map.of("a", "1")));
    assertNotFound(() -> store.putTags("ghost", Map.of("a", "1")));
    assertNotFound(() -> store.addArtifacts("ghost", List.of(new Artifact("outputs/m", 1, "ab"))));
    assertNotFound(() -> store.promote("ghost", "outputs/m", "model"));
  }

  @Test
  void paramsAndTagsAreReplacedByName() {
    store.create(queued("r1", 0));
    store.create(queued("r2", 0));
    store.putParams("r1", Map.of("alpha", "0.5", "epochs", "10"));
    store.putParams("r1", Map.of("alpha", "0.1"));
    store.putParams("r2", Map.of("alpha", "9"));
    store.putTags("r1", Map.of("best", "yes"));

    assertThat(store.params("r1"))
        .containsExactly(Map.entry("alpha", "0.1"), Map.entry("epochs", "10"));
    assertThat(store.tags("r1")).containsExactly(Map.entry("best", "yes"));
    assertThat(store.tags("r2")).isEmpty();
  }

  @Test
  void tagsAreRemovedAndTheNoteReplacedAndAReplayOfTheRecordKeepsBoth(@TempDir Path runs)
      throws Exception {
    store.keepRecordsIn(runs);
    store.create(queued("r1", 0));
    store.putTags("r1", Map.of("team", "vision", "stale", "x"));
    store.removeTags("r1", Set.of("stale", "never-there"));
    store.putNote("r1", new Note("first", "alice", T0));
    store.putNote("r1", new Note("second", "bob", T0.plusSeconds(5)));
    assertThat(store.tags("r1")).containsExactly(Map.entry("team", "vision"));
    assertThat(store.note("r1")).contains(new Note("second", "bob", T0.plusSeconds(5)));
    assertNotFound(() -> store.putNote("ghost", new Note("x", null, T0)));

    try (SqlRunStore rebuilt = SqlRunStore.open(newDatabaseUrl())) {
      assertThat(RunJournal.replay(runs, rebuilt)).isEqualTo(1);
      assertThat(rebuilt.tags("r1")).containsExactly(Map.entry("team", "vision"));
      assertThat(rebuilt.note("r1")).contains(new Note("second", "bob", T0.plusSeconds(5)));
    }
    store.putNote("r1", new Note("", "bob", T0));
    assertThat(store.note("r1")).isEmpty();
    store.delete("r1");
    store.create(queued("r1", 0));
    assertThat(store.note("r1")).isEmpty();
  }

  @Test
  void artifactsArePromotedToAssets() {
    store.create(queued("r1", 0));
    store.create(queued("r2", 0));
    store.addArtifacts(
        "r1",
        List.of(
            new Artifact("outputs/model.pkl", 10, "aa"), new Artifact("outputs/a.txt", 2, "bb")));
    store.addArtifacts("r1", List.of(new Artifact("outputs/model.pkl", 11, "cc")));
    store.addArtifacts("r2", List.of(new Artifact("outputs/model.pkl", 12, "dd")));

    assertThat(store.artifacts("r1"))
        .containsExactly(
            new Artifact("outputs/a.txt", 2, "bb"), new Artifact("outputs/model.pkl", 11, "cc"));

    store.promote("r1", "outputs/model.pkl", "iris-model");
    store.promote("r1", "outputs/a.txt", "notes");
    assertThat(store.assets())
        .containsExactly(
            Map.entry("iris-model", "r1:outputs/model.pkl"),
            Map.entry("notes", "r1:outputs/a.txt"));

    store.promote("r2", "outputs/model.pkl", "iris-model");
    assertThat(store.assets()).containsEntry("iris-model", "r2:outputs/model.pkl");

    assertThatThrownBy(() -> store.promote("r1", "outputs/missing.pkl", "x"))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND))
        .hasMessageContaining("outputs/missing.pkl");
  }

  @Test
  void objectsInUseAreEveryRunsSnapshotAndArtifactsUntilTheRunIsDeleted() {
    store.create(queued("r1", 0).withSnapshot("s1"));
    store.create(queued("r2", 0).withSnapshot("s1"));
    store.create(queued("r3", 0).withSnapshot("s3"));
    store.create(queued("r4", 0)); // snapshot snap1
    store.addArtifacts(
        "r1", List.of(new Artifact("outputs/m", 1, "aa"), new Artifact("outputs/n", 1, "bb")));
    store.addArtifacts("r3", List.of(new Artifact("outputs/m", 1, "aa")));

    assertThat(store.objectsInUse().snapshots()).containsExactlyInAnyOrder("s1", "s3", "snap1");
    assertThat(store.objectsInUse().artifacts()).containsExactlyInAnyOrder("aa", "bb");
    store.delete("r1");
    assertThat(store.objectsInUse().snapshots()).containsExactlyInAnyOrder("s1", "s3", "snap1");
    assertThat(store.objectsInUse().artifacts()).containsExactly("aa");
    store.delete("r2");
    store.delete("r3");
    assertThat(store.objectsInUse())
        .isEqualTo(new RunStore.ObjectsInUse(Set.of("snap1"), Set.of()));

    // an output log a team server kept with the objects counts until its run is deleted
    Run r5 = queued("r5", 0).withSnapshot("s5");
    store.create(r5);
    assertThat(store.update(r5.withAttribute(Run.OUTPUT_LOG, "log5"), r5.status())).isTrue();
    assertThat(store.objectsInUse().artifacts()).containsExactly("log5");
    store.delete("r5");
    assertThat(store.objectsInUse().artifacts()).isEmpty();
  }

  @Test
  void deleteRemovesTheRunAndEverythingAboutIt() {
    store.create(queued("r1", 0));
    store.create(queued("r2", 0));
    for (String id : List.of("r1", "r2")) {
      store.appendMetrics(id, series("loss", 10));
      store.putParams(id, Map.of("a", "1"));
      store.putTags(id, Map.of("t", "1"));
      store.addArtifacts(id, List.of(new Artifact("outputs/m", 1, "aa")));
      store.promote(id, "outputs/m", "model-" + id);
    }

    store.delete("r1");
    store.delete("r1");

    assertThat(store.find("r1")).isEmpty();
    assertThat(store.metric("r1", "loss")).isEmpty();
    assertThat(store.params("r1")).isEmpty();
    assertThat(store.tags("r1")).isEmpty();
    assertThat(store.artifacts("r1")).isEmpty();
    assertThat(store.assets()).containsOnlyKeys("model-r2");
    assertThat(store.metric("r2", "loss")).hasSize(10);
    assertThat(ids(store.list(RunQuery.all()))).containsExactly("r2");
  }

  @Test
  void aSweepIsKeptAsItStartedWithItsCancelMarkAndBothOutliveTheStore() {
    SweepRecords sweeps = store.sweepRecords();
    Sweep first = TestSweeps.sweep("iris-sweep_1", "loss", Goal.MIN, "r1", "r2");
    assertThat(sweeps.read(first.id())).isEmpty();
    assertThat(sweeps.canceled(first.id())).isFalse();

    sweeps.write(first);
    assertThat(sweeps.read(first.id())).contains(first);
    sweeps.markCanceled(first.id());
    sweeps.markCanceled(first.id()); // twice is no error
    Sweep rewritten = TestSweeps.sweep(first.id(), "acc", Goal.MAX, "r1", "r2", "r3");
    sweeps.write(rewritten);
    // canceled before its record was written (a cancel from another process)
    sweeps.markCanceled("iris-sweep_2");
    sweeps.write(TestSweeps.sweep("iris-sweep_2", "loss", Goal.MIN, "r4"));

    store.close();
    store = SqlRunStore.open(url);
    SweepRecords reopened = store.sweepRecords();
    assertThat(reopened.read(first.id())).contains(rewritten);
    assertThat(reopened.canceled(first.id())).as("the cancel mark stays").isTrue();
    assertThat(reopened.read("iris-sweep_2").map(Sweep::rankingMetric)).contains("loss");
    assertThat(reopened.canceled("iris-sweep_2")).isTrue();
    assertThat(reopened.canceled("iris-sweep_3")).isFalse();
  }

  @Test
  void reopeningKeepsTheDataAndAppliesNoMigrationTwice() {
    store.create(queued("r1", 0));
    store.close();
    store = SqlRunStore.open(url);
    try (SqlRunStore second = SqlRunStore.open(url)) {
      assertThat(second.find("r1")).isPresent();
      assertThat(second.schemaVersion()).isEqualTo(Migrations.latest());
    }
    assertThat(store.find("r1")).isPresent();
  }

  @Test
  void twentyStoresOnOneDatabaseLoseNothing() throws Exception {
    int writers = 20;
    int pointsEach = 2_000;
    Run shared = queued("shared", 0).withStatus(RunStatus.RUNNING, T0);
    store.create(shared);
    AtomicInteger finishers = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String id = "w" + w;
        done.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      // Its own store, as each labrun process has.
                      try (SqlRunStore mine = SqlRunStore.open(url)) {
                        start.await();
                        Run run = queued(id, 1);
                        mine.create(run);
                        Run running = run.withStatus(RunStatus.RUNNING, T0.plusSeconds(1));
                        assertThat(mine.update(running, RunStatus.QUEUED)).isTrue();
                        for (int from = 0; from < pointsEach; from += 500) {
                          List<MetricPoint> batch = new ArrayList<>();
                          for (int i = from; i < from + 500; i++) {
                            batch.add(point("loss", i, i));
                          }
                          mine.appendMetrics(id, batch);
                        }
                        mine.putParams(id, Map.of("writer", id));
                        assertThat(
                                mine.update(
                                    running.withStatus(RunStatus.COMPLETED, T0.plusSeconds(2)),
                                    RunStatus.RUNNING))
                            .isTrue();
                        if (mine.update(
                            shared
                                .withStatus(RunStatus.COMPLETED, T0.plusSeconds(3))
                                .withAttribute("by", id),
                            RunStatus.RUNNING)) {
                          finishers.incrementAndGet();
                        }
                      }
                      return null;
                    }));
      }
      start.countDown();
      for (Future<Void> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(finishers).as("exactly one process finishes the shared run").hasValue(1);
    assertThat(store.find("shared").orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
    for (int w = 0; w < writers; w++) {
      String id = "w" + w;
      assertThat(store.find(id).orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(store.metricSummaries(id).get("loss").count()).isEqualTo(pointsEach);
      assertThat(store.params(id)).containsEntry("writer", id);
    }
    assertThat(
            store.list(RunQuery.all().withStatuses(EnumSet.of(RunStatus.COMPLETED)).withLimit(100)))
        .hasSize(writers + 1);
  }

  private List<Run> pageThrough(RunQuery first) {
    List<Run> all = new ArrayList<>();
    RunQuery q = first;
    while (true) {
      List<Run> page = store.list(q);
      all.addAll(page);
      if (page.size() < first.limit()) {
        return all;
      }
      q = q.withCursor(page.get(page.size() - 1).id());
    }
  }

  static List<String> ids(List<Run> runs) {
    return runs.stream().map(Run::id).toList();
  }

  private static void assertNotFound(Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND))
        .hasMessageContaining("ghost");
  }
}
