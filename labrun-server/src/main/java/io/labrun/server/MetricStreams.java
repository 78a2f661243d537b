package io.labrun.server;

import io.javalin.http.sse.SseClient;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.supervisor.MetricsParser;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Metric points of running runs over Server-Sent Events, as the script logs them: read from the
 * run's metrics files ({@code STATE/metrics/metrics-*.log}, the supervisor protocol) every 200 ms,
 * each follower from where it is. History gets a run's points only when it ends; until then this
 * stream is the only place a chart can get them from.
 *
 * <p>Events: {@code metrics} ({@code {"points": {"loss": [[step, time_ms, value, json], ...]}}};
 * its id is the read position in every metrics file, {@code metrics-12.log:4096,...}, so {@code
 * Last-Event-ID} resumes right after it) and {@code end} (the run is final and every point its
 * files hold was sent: history has them all from now on; the stream then closes).
 */
final class MetricStreams implements AutoCloseable {
  private static final Pattern FILE = Pattern.compile("metrics-[0-9-]+\\.log");
  private static final int MAX_POINTS_PER_EVENT = 5_000;
  private static final long STATUS_EVERY_MS = 500;
  private static final long PING_EVERY_MS = 15_000;

  private final RunStore store;
  private final LabrunPaths paths;
  private final Function<Object, String> json;
  private final Auth auth;
  private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> LogStreams.daemon(r, "labrun-metrics-ticker"));
  private final ExecutorService senders =
      Executors.newFixedThreadPool(2, r -> LogStreams.daemon(r, "labrun-metrics-sender"));

  MetricStreams(RunStore store, LabrunPaths paths, Function<Object, String> json, Auth auth) {
    this.auth = auth;
    this.store = store;
    this.paths = paths;
    this.json = json;
    ticker.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
  }

  /**
   * Follows {@code run}'s metrics for {@code client} from {@code cursor} (a previous event's id;
   * empty for the start), until the caller's token is revoked.
   */
  void follow(SseClient client, Run run, Map<String, Long> cursor, Auth.Caller caller) {
    client.keepAlive();
    Follower f =
        new Follower(
            client, run, paths.runState(run.id()).resolve(StateFolder.METRICS), cursor, caller);
    followers.add(f);
    client.onClose(
        () -> {
          f.closed = true;
          followers.remove(f);
        });
    send(f);
  }

  /** A {@code Last-Event-ID} of this stream back as read positions; anything else starts over. */
  static Map<String, Long> cursor(String id) {
    Map<String, Long> out = new TreeMap<>();
    if (id == null || id.isBlank()) {
      return out;
    }
    for (String part : id.strip().split(",")) {
      int colon = part.lastIndexOf(':');
      if (colon < 0 || !FILE.matcher(part.substring(0, colon)).matches()) {
        return new TreeMap<>();
      }
      try {
        out.put(part.substring(0, colon), Math.max(0, Long.parseLong(part.substring(colon + 1))));
      } catch (NumberFormatException e) {
        return new TreeMap<>();
      }
    }
    return out;
  }

  static String id(Map<String, Long> cursor) {
    StringBuilder b = new StringBuilder();
    cursor.forEach(
        (file, offset) ->
            b.append(b.length() == 0 ? "" : ",").append(file).append(':').append(offset));
    return b.toString();
  }

  private void tick() {
    for (Follower f : followers) {
      if (auth.stillValid(f.caller)) {
        send(f);
      } else {
        close(f); // its token was revoked
      }
    }
  }

  private void send(Follower f) {
    if (f.closed || !f.busy.compareAndSet(false, true)) {
      return;
    }
    senders.execute(
        () -> {
          try {
            pump(f);
          } catch (IOException | RuntimeException e) {
            close(f); // the client went away or the files cannot be read: this stream is over
          } finally {
            f.busy.set(false);
          }
        });
  }

  private void pump(Follower f) throws IOException {
    long now = System.currentTimeMillis();
    if (now - f.statusReadMs >= STATUS_EVERY_MS) {
      f.run = store.find(f.run.id()).orElse(f.run);
      f.statusReadMs = now;
    }
    // The status first: once it is final the files are complete, so an empty read after it means
    // all was sent.
    boolean wasFinal = f.run.status().isFinal();
    while (!f.closed) {
      MetricsParser.Batch batch = MetricsParser.read(f.dir, f.cursor);
      if (batch.points().isEmpty()) {
        f.cursor = new TreeMap<>(batch.offsets());
        break;
      }
      List<MetricPoint> points = batch.points();
      for (int from = 0; from < points.size(); from += MAX_POINTS_PER_EVENT) {
        List<MetricPoint> part =
            points.subList(from, Math.min(points.size(), from + MAX_POINTS_PER_EVENT));
        boolean last = from + part.size() >= points.size();
        // The id only on the last part: a client that drops in between resumes from the previous id
        // and gets the whole batch again once.
        f.client.sendEvent(
            "metrics",
            json.apply(Map.of("points", grouped(part))),
            last ? id(batch.offsets()) : null);
      }
      f.cursor = new TreeMap<>(batch.offsets());
      f.lastSendMs = System.currentTimeMillis();
    }
    if (f.client.terminated()) {
      throw new IOException("client gone");
    }
    if (wasFinal) {
      f.client.sendEvent(
          "end",
          json.apply(Map.of("run_id", f.run.id(), "status", f.run.status().display())),
          null);
      close(f);
    } else if (System.currentTimeMillis() - f.lastSendMs > PING_EVERY_MS) {
      f.client.sendComment("ping");
      f.lastSendMs = System.currentTimeMillis();
    }
  }

  private static Map<String, List<Object[]>> grouped(List<MetricPoint> points) {
    Map<String, List<Object[]>> out = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      out.computeIfAbsent(p.name(), n -> new ArrayList<>())
          .add(
              new Object[] {
                p.step(), p.time() == null ? null : p.time().toEpochMilli(), p.value(), p.json()
              });
    }
    return out;
  }

  private void close(Follower f) {
    f.closed = true;
    followers.remove(f);
    f.client.close();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
    followers.forEach(f -> f.client.close());
    followers.clear();
  }

  /** One client following one run's metrics; touched by one sender at a time (busy). */
  private static final class Follower {
    final SseClient client;
    final Auth.Caller caller;
    final Path dir;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile boolean closed;
    volatile Run run;
    Map<String, Long> cursor;
    long statusReadMs;
    long lastSendMs = System.currentTimeMillis();

    Follower(SseClient client, Run run, Path dir, Map<String, Long> cursor, Auth.Caller caller) {
      this.client = client;
      this.caller = caller;
      this.run = run;
      this.dir = dir;
      this.cursor = cursor;
    }
  }
}
