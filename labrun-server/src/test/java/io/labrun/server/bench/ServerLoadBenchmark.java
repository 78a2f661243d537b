package io.labrun.server.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server under load, as a team uses it: {@code bin/labrun server} (its own JVM, the launcher's
 * flags), {@code RUNS} runs submitted through it with the CLI, each printing {@code LINES} lines
 * and logging {@code POINTS} metric points per second for {@code SECONDS}, and {@code CLIENTS}
 * Server-Sent-Events clients following their logs from the first byte to the end. Every client
 * checks that it got each line exactly once, in order; the server's resident memory is sampled from
 * /proc. Not a test: docs/benchmarks.md has the command and the results.
 *
 * <p>Arguments: path of bin/labrun, RUNS (10), CLIENTS (100), SECONDS (60), LINES (100), POINTS
 * (1000).
 */
public final class ServerLoadBenchmark {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ServerLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path labrun = Path.of(args[0]).toAbsolutePath();
    int runs = arg(args, 1, 10);
    int clients = arg(args, 2, 100);
    int seconds = arg(args, 3, 60);
    int lines = arg(args, 4, 100);
    int points = arg(args, 5, 1000);
    Path work = Files.createTempDirectory("labrun-load");
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", work.resolve("user").toString());
    env.put("LABRUN_HOME", work.resolve("home").toString());
    String token = run(labrun, env, work, "server", "token", "create", "--name", "bench").strip();

    ProcessBuilder pb =
        new ProcessBuilder(
                labrun.toString(),
                "server",
                "--port",
                "0",
                "--runs-per-target",
                Integer.toString(runs))
            .directory(work.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process server = pb.start();
    BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream()));
    String listening = serverOut.readLine();
    String url = listening.replaceAll(".*listening on (http://\\S+?)/ .*", "$1");
    long pid = server.pid();
    RssSampler rss = new RssSampler(pid);
    System.out.printf(
        "server pid %d at %s: %s%n",
        pid,
        url,
        Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').strip());
    try {
      run(labrun, env, work, "project", "init", "proj");
      Path project = work.resolve("proj");
      Files.writeString(
          project.resolve("bench.py"),
          """
          import sys, time, labrun
          seconds, lines, points = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
          start = time.time(); i = 0; p = 0
          while True:
              now = time.time() - start
              if now >= seconds:
                  break
              while i < int(now * lines):
                  print("line %d" % i); i += 1
              while p < int(now * points):
                  labrun.log_metric("loss", 1.0 / (p + 1)); p += 1
              time.sleep(0.01)
          print("END %d %d" % (i, p))
          """);
      Map<String, String> remote = new HashMap<>(env);
      remote.put("LABRUN_SERVER", url);
      remote.put("LABRUN_TOKEN", token);
      List<String> ids = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int r = 0; r < runs; r++) {
        ids.add(
            run(
                    labrun,
                    remote,
                    project,
                    "experiment",
                    "submit",
                    "-c",
                    "local",
                    "--detach",
                    "bench.py",
                    Integer.toString(seconds),
                    Integer.toString(lines),
                    Integer.toString(points))
                .strip());
      }
      System.out.printf(
          "%d runs submitted through the CLI in %.1f s%n", runs, (System.nanoTime() - t0) / 1e9);

      HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      AtomicLong events = new AtomicLong();
      List<Future<Follower>> followers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        Follower f = new Follower(http, url, token, ids.get(c % runs), latencies, events);
        followers.add(
            pool.submit(
                () -> {
                  f.follow();
                  return f;
                }));
      }
      long lost = 0;
      long dup = 0;
      long got = 0;
      long reconnects = 0;
      for (Future<Follower> ff : followers) {
        Follower f = ff.get(seconds + 600L, TimeUnit.SECONDS);
        lost += f.lost;
        dup += f.duplicated;
        got += f.lines;
        reconnects += f.connections - 1;
        if (f.expected < 0 || f.lines != f.expected) {
          System.out.printf(
              "follower of %s: %d lines, expected %d%n", f.runId, f.lines, f.expected);
        }
      }
      pool.shutdownNow();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "%d clients got %,d lines in %,d events over %.0f s: lost %d, duplicated %d,"
              + " reconnections %d%n",
          clients, got, events.get(), elapsed, lost, dup, reconnects);
      System.out.printf(
          "live line latency (supervisor's record time to client, lines written after the client"
              + " connected): p50 %d ms, p99 %d ms, max %d ms%n",
          lat[lat.length / 2], lat[(int) (lat.length * 0.99)], lat[lat.length - 1]);
      for (String id : ids) {
        JsonNode info = JSON.readTree(get(http, url + "/api/v1/runs/" + id, token));
        System.out.printf(
            "  %s %s, %s points of loss%n",
            id, info.get("status").asString(), info.get("metrics").get("loss").get("count"));
      }
      System.out.printf(
          "server resident memory: peak %d MiB (VmHWM), highest sample %d MiB; CPU %.1f s%n",
          rss.peakKib() / 1024, rss.maxSampledKib() / 1024, rss.cpuSeconds());
    } finally {
      rss.close();
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  static String run(Path labrun, Map<String, String> env, Path cwd, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(labrun.toString());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("labrun " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  static String get(HttpClient http, String url, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * One SSE client: follows a run from its first byte to 'end', checking "line N" comes once, in
   * order.
   */
  static final class Follower {
    final HttpClient http;
    final String url;
    final String token;
    final String runId;
    final ConcurrentLinkedQueue<Long> latencies;
    final AtomicLong events;
    long next;
    long lines;
    long lost;
    long duplicated;
    long expected = -1;
    int connections;
    long connectedMs;

    Follower(
        HttpClient http,
        String url,
        String token,
        String runId,
        ConcurrentLinkedQueue<Long> latencies,
        AtomicLong events) {
      this.http = http;
      this.url = url;
      this.token = token;
      this.runId = runId;
      this.latencies = latencies;
      this.events = events;
    }

    void follow() throws Exception {
      String lastId = null;
      connectedMs = System.currentTimeMillis();
      while (true) {
        connections++;
        HttpRequest.Builder b =
            HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/" + runId + "/events"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofMinutes(30));
        if (lastId != null) {
          b.header("Last-Event-ID", lastId);
        }
        HttpResponse<InputStream> r =
            http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in =
            new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String event = null;
          String id = null;
          String data = null;
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("event:")) {
              event = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
              id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
              data = line.substring(5).strip();
            } else if (line.isEmpty() && data != null) {
              events.incrementAndGet();
              if ("log".equals(event)) {
                long now = System.currentTimeMillis();
                for (JsonNode rec : JSON.readTree(data)) {
                  check(rec.get("text").asString());
                  long written = rec.get("time_ms").asLong();
                  if (written
                      >= connectedMs) { // live lines only: older ones are the catch-up from the
                    // first byte
                    latencies.add(now - written);
                  }
                }
                lastId = id;
              } else if ("end".equals(event)) {
                return;
              }
              event = null;
              id = null;
              data = null;
            }
          }
        }
      }
    }

    private void check(String text) {
      if (text.startsWith("END ")) {
        expected = Long.parseLong(text.split(" ")[1]);
        return;
      }
      if (!text.startsWith("line ")) {
        return;
      }
      long n = Long.parseLong(text.substring(5));
      if (n < next) {
        duplicated++;
      } else {
        lost += n - next;
        next = n + 1;
        lines++;
      }
    }
  }
}
