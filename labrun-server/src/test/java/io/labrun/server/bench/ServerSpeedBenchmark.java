package io.labrun.server.bench;

import io.labrun.core.history.ApiTokens;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.server.ApiTokenText;
import io.labrun.server.ServeMain;
import io.labrun.store.SqlRunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How fast the server answers the runs page and a chart, on a history of 100,000 runs with three
 * metrics each and one run with a 1,000,000-point metric. The server runs in a JVM of its own with
 * the flags {@code bin/labrun server} uses; times are the server's own (its Server-Timing header)
 * and the client's over loopback. Not a test: docs/benchmarks.md has the command and the results.
 *
 * <p>Arguments: number of runs (100000), timed repetitions (100), history URL (an SQLite file in a
 * temporary folder; or jdbc:postgresql://...), data folder (kept when given; filled only once).
 */
public final class ServerSpeedBenchmark {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String[] TARGETS = {"local", "docker", "gpu-vm", "spark"};
  private static final String[] SCRIPTS = {"train.py", "score.py", "prep.py", "eval.py"};

  private ServerSpeedBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path home =
        args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("labrun-server-bench");
    String url =
        args.length > 2 && !args[2].equals("sqlite")
            ? args[2]
            : "jdbc:sqlite:" + home.resolve("data/labrun.db");
    String token = ApiTokenText.generate();
    try (SqlRunStore store = SqlRunStore.open(url)) {
      store
          .tokens()
          .add(
              "bench-" + System.nanoTime(),
              ApiTokenText.sha256(token),
              Instant.now(),
              ApiTokens.Role.ADMIN);
      if (store.find("big_run").isEmpty()) {
        long t = System.nanoTime();
        fill(store, runs);
        System.out.printf(
            "filled %,d runs and a 1,000,000-point metric in %.1f s%n",
            runs, (System.nanoTime() - t) / 1e9);
      }
    }
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-Xss1m",
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            ServeMain.class.getName(),
            home.toString(),
            url);
    Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String line = new BufferedReader(new InputStreamReader(server.getInputStream())).readLine();
      String base = "http://127.0.0.1:" + line.substring(5).strip();
      HttpClient http = HttpClient.newHttpClient();
      Map<String, String> queries = new LinkedHashMap<>();
      queries.put("runs page 1 (newest first, 50)", "/api/v1/runs?limit=50");
      queries.put("runs page 1, status=Failed", "/api/v1/runs?limit=50&status=Failed");
      queries.put(
          "runs page 1, target=gpu-vm, script=eval.py",
          "/api/v1/runs?limit=50&target=gpu-vm&script=eval.py");
      queries.put(
          "runs page 1, where accuracy > 0.9", "/api/v1/runs?limit=50&where=accuracy%20%3E%200.9");
      queries.put(
          "runs page 1, sorted by accuracy (desc)", "/api/v1/runs?limit=50&sort=-metric:accuracy");
      queries.put(
          "runs page 1, sorted by duration (no index)", "/api/v1/runs?limit=50&sort=-duration");
      queries.put(
          "runs page 1001 (cursor 50,000 deep)",
          "/api/v1/runs?limit=50&cursor=" + deepCursor(http, base, token, 50_000));
      queries.put(
          "1,000,000-point metric, 1000 points",
          "/api/v1/runs/big_run/metrics/loss?max_points=1000");
      queries.put("run page: info of the 1,000,000-point run", "/api/v1/runs/big_run");
      System.out.printf(
          "%n%-48s %10s %10s %10s %12s%n",
          "request (" + reps + " timed, after 50 warm-up)",
          "server p50",
          "server p95",
          "server max",
          "client p50");
      for (Map.Entry<String, String> q : queries.entrySet()) {
        for (int i = 0; i < 50; i++) {
          get(http, base + q.getValue(), token);
        }
        double[] srv = new double[reps];
        double[] cli = new double[reps];
        for (int i = 0; i < reps; i++) {
          long t = System.nanoTime();
          HttpResponse<String> r = get(http, base + q.getValue(), token);
          cli[i] = (System.nanoTime() - t) / 1e6;
          srv[i] =
              Double.parseDouble(
                  r.headers().firstValue("Server-Timing").orElseThrow().replaceAll(".*dur=", ""));
        }
        System.out.printf(
            "%-48s %8.1f ms %8.1f ms %8.1f ms %10.1f ms%n",
            q.getKey(), pct(srv, 50), pct(srv, 95), pct(srv, 100), pct(cli, 50));
      }
    } finally {
      server.getOutputStream().close();
      server.destroy();
      server.waitFor();
    }
  }

  private static String deepCursor(HttpClient http, String base, String token, int depth)
      throws Exception {
    String cursor = null;
    for (int seen = 0; seen < depth; seen += 1000) {
      String body =
          get(
                  http,
                  base + "/api/v1/runs?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor),
                  token)
              .body();
      cursor = body.replaceAll("(?s).*\"next_cursor\":\"([^\"]+)\".*", "$1");
    }
    return cursor;
  }

  private static HttpResponse<String> get(HttpClient http, String url, String token)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return r;
  }

  private static void fill(SqlRunStore store, int runs) {
    Random random = new Random(7);
    long ms = 0;
    for (int i = 0; i < runs; i++) {
      ms += random.nextInt(120_000);
      Instant created = T0.plusMillis(ms);
      int roll = random.nextInt(100);
      RunStatus end =
          roll < 80 ? RunStatus.COMPLETED : roll < 95 ? RunStatus.FAILED : RunStatus.CANCELED;
      Run r =
          new Run(
              String.format("exp%02d_%07d", i % 20, i),
              "exp" + (i % 20),
              "local",
              TARGETS[random.nextInt(TARGETS.length)],
              "local",
              SCRIPTS[random.nextInt(SCRIPTS.length)],
              List.of("--lr", Double.toString(random.nextDouble())),
              Map.of("EPOCHS", "10"),
              "alice",
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
              null,
              1,
              Map.of());
      r =
          r.withStatus(RunStatus.RUNNING, created.plusSeconds(1))
              .withExit(end == RunStatus.COMPLETED ? 0 : 1, null)
              .withStatus(end, created.plusSeconds(2 + random.nextInt(3600)));
      store.create(r);
      store.appendMetrics(
          r.id(),
          List.of(
              point("accuracy", random.nextDouble()),
              point("loss", random.nextDouble() * 3),
              point("f1", random.nextDouble())));
      if (i % 10_000 == 0) {
        System.out.printf("  %,d runs%n", i);
      }
    }
    Run big =
        new Run(
            "big_run",
            "exp00",
            "local",
            "local",
            "local",
            "train.py",
            List.of(),
            Map.of(),
            "alice",
            "laptop",
            null,
            null,
            null,
            T0,
            T0,
            T0.plusSeconds(3600),
            RunStatus.COMPLETED,
            0,
            null,
            null,
            1,
            Map.of());
    store.create(big);
    List<MetricPoint> points = new ArrayList<>(1_000_000);
    for (int i = 0; i < 1_000_000; i++) {
      points.add(
          new MetricPoint(
              "loss",
              i,
              T0.plusMillis(i),
              Math.exp(-i / 200_000.0) + random.nextGaussian() * 0.01,
              null));
    }
    store.appendMetrics("big_run", points);
  }

  private static MetricPoint point(String name, double v) {
    return new MetricPoint(name, 0, T0, v, null);
  }

  private static double pct(double[] values, int p) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }
}
