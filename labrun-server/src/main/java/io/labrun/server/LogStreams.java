package io.labrun.server;

import io.javalin.http.sse.SseClient;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.history.RunView;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Live output and status of runs over Server-Sent Events. One ticker looks at each followed run's
 * log size (every 50 ms) and status (every 500 ms, one store read per run, however many follow it);
 * a small pool sends each follower what is new for it. A follower whose token is revoked is closed
 * by the next tick that sees it ({@link Auth#stillValid}). A follower is never sent twice at once,
 * and a slow one holds up nobody else.
 *
 * <p>Events: {@code log} (a JSON array of records; its id is the byte offset where the batch's last
 * record starts, so {@code Last-Event-ID} resumes right after it), {@code status} (the run's state,
 * sent on connect and on each change) and {@code end} (the run is final and every record was sent;
 * the server then closes the stream).
 */
final class LogStreams implements AutoCloseable {
  private static final int BATCH_BYTES = 256 * 1024;
  private static final long STATUS_EVERY_MS = 500;
  private static final long PING_EVERY_MS = 15_000;

  private final RunStore store;
  private final LabrunPaths paths;
  private final ObjectStore objects;
  private final Clock clock;
  private final Function<Object, String> json;
  private final Auth auth;
  private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "labrun-sse-ticker"));
  private final ExecutorService senders =
      Executors.newFixedThreadPool(4, r -> daemon(r, "labrun-sse-sender"));

  LogStreams(
      RunStore store,
      ObjectStore objects,
      LabrunPaths paths,
      Clock clock,
      Function<Object, String> json,
      Auth auth) {
    this.auth = auth;
    this.objects = objects;
    this.store = store;
    this.paths = paths;
    this.clock = clock;
    this.json = json;
    ticker.scheduleWithFixedDelay(this::tick, 50, 50, TimeUnit.MILLISECONDS);
  }

  /**
   * Follows {@code run} for {@code client} from byte {@code offset}; with {@code resumed}, the
   * record starting at {@code offset} was received already and is skipped. The stream ends when the
   * caller's token is revoked.
   */
  void follow(SseClient client, Run run, long offset, boolean resumed, Auth.Caller caller) {
    client.keepAlive();
    Follower f = new Follower(client, offset, resumed, caller);
    // Joined under the map's lock for this run, as the ticker drops a feed without followers: a
    // follower added to a feed just dropped would never be ticked, and would wait forever.
    Feed feed =
        feeds.compute(
            run.id(),
            (id, known) -> {
              Feed joined = known != null ? known : new Feed(id, RunLog.of(paths, objects, run));
              joined.followers.add(f);
              return joined;
            });
    client.onClose(
        () -> {
          f.closed = true;
          feed.followers.remove(f);
        });
    feed.run = run;
    send(feed, f);
  }

  int followers() {
    return feeds.values().stream().mapToInt(feed -> feed.followers.size()).sum();
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (Feed feed : feeds.values()) {
      try {
        if (feed.followers.isEmpty()) {
          feeds.computeIfPresent(
              feed.runId, (id, known) -> known.followers.isEmpty() ? null : known);
          continue;
        }
        if (now - feed.statusReadMs >= STATUS_EVERY_MS || feed.run == null) {
          feed.run = store.find(feed.runId).orElse(feed.run);
          feed.statusReadMs = now;
        }
        // The size after the status: once a run is final its log is complete, so a follower that
        // reached this size has everything.
        feed.size = feed.log.size();
        for (Follower f : feed.followers) {
          if (!auth.stillValid(f.caller)) {
            close(feed, f); // its token was revoked
          } else if (f.offset < feed.size
              || f.sentStatus != feed.run.status()
              || feed.run.status().isFinal()
              || now - f.lastSendMs > PING_EVERY_MS) {
            send(feed, f);
          }
        }
      } catch (RuntimeException e) {
        System.err.println(
            "labrun server: cannot follow run " + feed.runId + ": " + e.getMessage());
      }
    }
  }

  private void send(Feed feed, Follower f) {
    if (f.closed || !f.busy.compareAndSet(false, true)) {
      return;
    }
    senders.execute(
        () -> {
          try {
            pump(feed, f);
          } catch (IOException | RuntimeException e) {
            close(feed, f); // the client went away or the log cannot be read: this stream is over
          } finally {
            f.busy.set(false);
          }
        });
  }

  private void pump(Feed feed, Follower f) throws IOException {
    Run run = feed.run;
    // Read after the status (feed.run was read earlier): a final run's log is complete at this
    // size.
    long size = feed.log.size();
    boolean torn = false; // what is left from f.offset is not one whole record
    while (f.offset < size && !f.closed) {
      List<LogRecord> records = feed.log.read(f.offset, BATCH_BYTES);
      if (f.skipFirst && !records.isEmpty() && records.get(0).offset() == f.offset) {
        f.offset = records.get(0).nextOffset();
        records = records.subList(1, records.size());
      }
      f.skipFirst = false;
      if (records.isEmpty()) {
        torn = true;
        break;
      }
      List<Map<String, Object>> batch = new ArrayList<>(records.size());
      records.forEach(r -> batch.add(Views.record(r)));
      LogRecord last = records.get(records.size() - 1);
      f.client.sendEvent("log", json.apply(batch), Long.toString(last.offset()));
      f.offset = last.nextOffset();
      f.lastSendMs = System.currentTimeMillis();
    }
    check(f);
    if (run != null && run.status() != f.sentStatus) {
      f.client.sendEvent("status", json.apply(RunView.status(run, clock.instant())), null);
      f.sentStatus = run.status();
      f.lastSendMs = System.currentTimeMillis();
    }
    // A final run's log is complete: a torn last record (a supervisor killed mid-write) never will
    // be, and must not keep the stream open.
    if (run != null && run.status().isFinal() && (f.offset >= size || torn)) {
      f.client.sendEvent(
          "end",
          json.apply(
              Map.of("run_id", run.id(), "status", run.status().display(), "offset", f.offset)),
          null);
      close(feed, f);
      return;
    }
    if (System.currentTimeMillis() - f.lastSendMs > PING_EVERY_MS) {
      f.client.sendComment("ping");
      f.lastSendMs = System.currentTimeMillis();
    }
    check(f);
  }

  private static void close(Feed feed, Follower f) {
    f.closed = true;
    feed.followers.remove(f);
    f.client.close();
  }

  private static void check(Follower f) throws IOException {
    if (f.client.terminated()) {
      throw new IOException("client gone");
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
    for (Feed feed : feeds.values()) {
      for (Follower f : feed.followers) {
        f.client.close();
      }
    }
    feeds.clear();
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** One followed run. */
  private static final class Feed {
    final String runId;
    final RunLog log;
    final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    volatile Run run;
    volatile long size;
    volatile long statusReadMs;

    Feed(String runId, RunLog log) {
      this.runId = runId;
      this.log = log;
    }
  }

  /** One client following a run. Its fields are touched by one sender at a time (busy). */
  private static final class Follower {
    final SseClient client;
    final Auth.Caller caller;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile boolean closed;
    long offset;
    boolean skipFirst;
    RunStatus sentStatus;
    long lastSendMs = System.currentTimeMillis();

    Follower(SseClient client, long offset, boolean skipFirst, Auth.Caller caller) {
      this.client = client;
      this.caller = caller;
      this.offset = offset;
      this.skipFirst = skipFirst;
    }
  }
}
