package io.labrun.store.bench;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * How fast {@code history list} pages through a large SQLite history, and how fast metric points go
 * in and come out. Not a test: run it and read the numbers (docs/benchmarks/history-store.md has
 * the command and the last results).
 *
 * <p>Arguments (all optional): number of runs (100000), timed repetitions per query (2000), folder
 * for the database (kept; by default a temporary folder, deleted at the end).
 */
public final class HistoryListBenchmark {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final String[] TARGETS = {"local", "docker", "gpu-vm", "spark"};
  private static final String[] SCRIPTS = {
    "train.py", "score.py", "prep.py", "eval.py", "sweep.py", "plot.py"
  };
  private static final String[] CONFIGS = {"local", "docker", "docker-gpu", "cluster"};

  private HistoryListBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Path folder = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("labrun-bench");
    Path db = folder.resolve("labrun.db");
    Files.deleteIfExists(db);

    System.out.printf(
        "labrun history benchmark: %,d runs, %,d timed repetitions per query, %s%n",
        runs, reps, db);
    try (SqlRunStore store = SqlRunStore.openFile(db)) {
      long t = System.nanoTime();
      List<Run> created = fill(store, runs);
      System.out.printf(
          "fill: %,d runs created one by one in %.1f s%n%n", runs, (System.nanoTime() - t) / 1e9);

      Map<String, RunQuery> queries = queries(store, created);
      System.out.printf(
          "%-58s %9s %9s %9s %9s%n",
          "history list, page of 50", "median ms", "p95 ms", "p99 ms", "max ms");
      for (Map.Entry<String, RunQuery> q : queries.entrySet()) {
        double[] ms = time(reps, () -> store.list(q.getValue()).size());
        System.out.printf(
            "%-58s %9.3f %9.3f %9.3f %9.3f%n",
            q.getKey(), pct(ms, 50), pct(ms, 95), pct(ms, 99), pct(ms, 100));
      }
      System.out.println();
      metrics(store, created.get(0).id());
    }
    System.out.printf("%ndatabase: %s (%,d bytes)%n", db, Files.size(db));
    if (args.length <= 2) {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(folder.resolve("labrun.db" + suffix));
      }
      Files.deleteIfExists(folder);
    }
  }

  private static List<Run> fill(SqlRunStore store, int runs) {
    Random random = new Random(42);
    List<Run> out = new ArrayList<>(runs);
    long ms = 0;
    for (int i = 0; i < runs; i++) {
      ms += random.nextInt(4) == 0 ? 0 : random.nextInt(600_000); // a quarter share a millisecond
      int experiment = random.nextInt(40);
      String sweep = random.nextInt(10) == 0 ? "sweep-" + random.nextInt(500) : null;
      RunStatus status = status(random.nextInt(100));
      Instant created = T0.plusMillis(ms);
      Run run =
          new Run(
              String.format("exp%02d_%08d", experiment, i),
              "exp" + experiment,
              CONFIGS[random.nextInt(CONFIGS.length)],
              TARGETS[random.nextInt(TARGETS.length)],
              "docker",
              SCRIPTS[random.nextInt(SCRIPTS.length)],
              List.of("--alpha", Double.toString(random.nextDouble())),
              Map.of("EPOCHS", "10"),
              "alice",
              "laptop",
              "0123456789abcdef",
              false,
              "snapshot-" + i,
              created,
              null,
              null,
              RunStatus.QUEUED,
              null,
              null,
              sweep,
              1,
              Map.of("pid", Integer.toString(10_000 + i)));
      if (status != RunStatus.QUEUED) {
        run = run.withStatus(RunStatus.RUNNING, created.plusSeconds(2));
        if (status != RunStatus.RUNNING) {
          run =
              run.withStatus(status, created.plusSeconds(60 + random.nextInt(3_600)))
                  .withExit(status == RunStatus.COMPLETED ? 0 : 1, null);
        }
      }
      store.create(run);
      out.add(run);
    }
    return out;
  }

  private static RunStatus status(int percent) {
    if (percent < 70) {
      return RunStatus.COMPLETED;
    }
    if (percent < 88) {
      return RunStatus.FAILED;
    }
    if (percent < 94) {
      return RunStatus.CANCELED;
    }
    if (percent < 96) {
      return RunStatus.LOST;
    }
    return percent < 98 ? RunStatus.RUNNING : RunStatus.QUEUED;
  }

  private static Map<String, RunQuery> queries(SqlRunStore store, List<Run> created) {
    RunQuery all = RunQuery.all();
    RunQuery completedLocal = all.withStatuses(EnumSet.of(RunStatus.COMPLETED)).withTarget("local");
    String sweep =
        created.stream().map(Run::sweepId).filter(s -> s != null).findFirst().orElseThrow();
    Map<String, RunQuery> q = new LinkedHashMap<>();
    q.put("no filter, page 1", all);
    q.put("no filter, page 200 (cursor)", deep(store, all, 200));
    q.put("status=Completed target=local, page 1", completedLocal);
    q.put("status=Completed target=local, page 5 (cursor)", deep(store, completedLocal, 5));
    q.put("status=Completed target=local, page 100 (cursor)", deep(store, completedLocal, 100));
    q.put(
        "experiment=exp7 status in (Failed, Canceled), page 2",
        deep(
            store,
            all.withExperiment("exp7")
                .withStatuses(EnumSet.of(RunStatus.FAILED, RunStatus.CANCELED)),
            2));
    q.put("sweep=" + sweep + " (a few runs)", all.withSweepId(sweep));
    q.put(
        "script=eval.py, one month, page 2",
        deep(
            store,
            all.withScript("eval.py")
                .withCreated(T0.plusSeconds(86_400L * 200), T0.plusSeconds(86_400L * 230)),
            2));
    q.put("status=Queued (rare), page 1", all.withStatuses(EnumSet.of(RunStatus.QUEUED)));
    return q;
  }

  /** The query for page {@code page} (from 1), found by following the cursor. */
  private static RunQuery deep(SqlRunStore store, RunQuery first, int page) {
    RunQuery q = first;
    for (int p = 1; p < page; p++) {
      List<Run> runs = store.list(q);
      if (runs.size() < q.limit()) {
        break;
      }
      q = q.withCursor(runs.get(runs.size() - 1).id());
    }
    return q;
  }

  private static void metrics(SqlRunStore store, String runId) {
    int names = 10;
    int perName = 100_000;
    List<MetricPoint> points = new ArrayList<>(names * perName);
    for (int step = 0; step < perName; step++) {
      for (int n = 0; n < names; n++) {
        points.add(
            new MetricPoint(
                "metric" + n, step, T0.plusMillis(step), Math.sin(step * 0.001 + n), null));
      }
    }
    long t = System.nanoTime();
    store.appendMetrics(runId, points);
    System.out.printf(
        "appendMetrics: %,d points (%d metrics x %,d steps) in one call: %.2f s%n",
        points.size(), names, perName, (System.nanoTime() - t) / 1e9);
    double[] read = time(20, () -> store.metric(runId, "metric3").size());
    System.out.printf("metric(run, name): %,d points: median %.1f ms%n", perName, pct(read, 50));
    double[] sums = time(20, () -> store.metricSummaries(runId).size());
    System.out.printf(
        "metricSummaries(run): %d metrics over %,d points: median %.1f ms%n",
        names, points.size(), pct(sums, 50));
  }

  /** Milliseconds of {@code reps} calls, after as many untimed ones to warm up. */
  private static double[] time(int reps, Supplier<Integer> call) {
    long sink = 0;
    for (int i = 0; i < Math.max(reps / 4, 5); i++) {
      sink += call.get();
    }
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t = System.nanoTime();
      sink += call.get();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    if (sink == 42) {
      System.out.print("");
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
