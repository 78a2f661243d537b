package io.labrun.server;

import static io.labrun.server.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Live logs and status over Server-Sent Events, resumed with Last-Event-ID, on one kind of history.
 */
abstract class LiveLogsContract {
  @TempDir Path tmp;
  TestServer srv;

  abstract String newStoreUrl() throws Exception;

  @BeforeEach
  void start() throws Exception {
    srv = new TestServer(tmp.resolve("home"), newStoreUrl());
  }

  @AfterEach
  void stop() {
    srv.close();
  }

  @Test
  void aFollowerThatReconnectsWithLastEventIdGetsEveryLineExactlyOnce() throws Exception {
    Run running = run("iris_live", 0, "local", "train.py", RunStatus.RUNNING);
    srv.store.create(running);
    Path log = Fixtures.log(srv.paths, running.id(), List.of("first"));
    int total = 3000;
    AtomicBoolean writing = new AtomicBoolean(true);
    Semaphore received = new Semaphore(0);
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < total; i++) {
                  if (i % 300 == 0 && i > 0) {
                    // The next burst once the follower has received something: bursts and
                    // reconnections interleave.
                    assertThat(received.tryAcquire(60, TimeUnit.SECONDS)).isTrue();
                  }
                  // Records land in pieces, as a busy supervisor's writes can: half a record, then
                  // the rest.
                  String rec =
                      (1_700_000_000_000L + i)
                          + "\to\tline "
                          + i
                          + (i % 7 == 0 ? " \\t tabbed" : "")
                          + "\n";
                  int cut = rec.length() / 2;
                  append(log, rec.substring(0, cut));
                  append(log, rec.substring(cut));
                }
                srv.store.update(
                    running.withExit(0, null).withStatus(RunStatus.COMPLETED, Instant.now()),
                    RunStatus.RUNNING);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              } finally {
                writing.set(false);
              }
            });
    List<String> seen = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    String lastId = null;
    int connections = 0;
    writer.start();
    boolean ended = false;
    while (!ended) {
      connections++;
      try (SseReader sse = new SseReader(srv.http, "/api/v1/runs/iris_live/events", lastId)) {
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.contentType()).startsWith("text/event-stream");
        int logEvents = 0;
        while (true) {
          SseReader.Event e = sse.next(60);
          if (e == SseReader.CLOSED) {
            break;
          }
          if (e.event().equals("status")) {
            statuses.add(Http.JSON.readTree(e.data()).get("status").asString());
          } else if (e.event().equals("log")) {
            for (JsonNode r : Http.JSON.readTree(e.data())) {
              seen.add(r.get("text").asString());
            }
            lastId = e.id();
            received.release();
            // Drop the connection now and then, as networks do, and come back with Last-Event-ID.
            if (++logEvents == 2 && connections < 6) {
              break;
            }
          } else if (e.event().equals("end")) {
            ended = true;
            break;
          }
        }
      }
    }
    writer.join();
    List<String> expected = new ArrayList<>();
    expected.add("first");
    for (int i = 0; i < total; i++) {
      expected.add("line " + i + (i % 7 == 0 ? " \t tabbed" : ""));
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(connections).isGreaterThan(1);
    assertThat(statuses).contains("Running").last().isEqualTo("Completed");
  }

  @Test
  void aFinishedRunIsSentWholeThenTheStreamEnds() throws Exception {
    srv.store.create(run("iris_done", 0, "local", "train.py", RunStatus.COMPLETED));
    Fixtures.log(srv.paths, "iris_done", List.of("a", "b", "c"));
    try (SseReader sse = new SseReader(srv.http, "/api/v1/runs/iris_done/events?offset=0", null)) {
      List<String> kinds = new ArrayList<>();
      SseReader.Event e;
      while ((e = sse.next(30)) != SseReader.CLOSED) {
        kinds.add(e.event());
      }
      assertThat(kinds).containsExactly("log", "status", "end");
    }
  }

  @Test
  void aRunWhoseLogEndsInATornRecordStillEnds() throws Exception {
    // A supervisor killed in the middle of a write leaves half a record that no one will finish.
    srv.store.create(run("iris_torn", 0, "local", "train.py", RunStatus.FAILED));
    Path log = Fixtures.log(srv.paths, "iris_torn", List.of("a", "b"));
    append(log, "1700000000000\to\thalf a li");
    try (SseReader sse = new SseReader(srv.http, "/api/v1/runs/iris_torn/events?offset=0", null)) {
      List<String> kinds = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      SseReader.Event e;
      while ((e = sse.next(30)) != SseReader.CLOSED) {
        kinds.add(e.event());
        if (e.event().equals("log")) {
          Http.JSON.readTree(e.data()).forEach(r -> texts.add(r.get("text").asString()));
        }
      }
      assertThat(texts).containsExactly("a", "b");
      assertThat(kinds).containsExactly("log", "status", "end");
    }
  }

  @Test
  void streamsNeedATokenAndAKnownRun() throws Exception {
    srv.store.create(run("iris_x", 0, "local", "train.py", RunStatus.RUNNING));
    try (SseReader anon = new SseReader(srv.anonymous(), "/api/v1/runs/iris_x/events", null)) {
      assertThat(anon.status()).isEqualTo(401);
    }
    try (SseReader missing = new SseReader(srv.http, "/api/v1/runs/nope/events", null)) {
      assertThat(missing.status()).isEqualTo(404);
    }
    Http.Response plain = srv.http.get("/api/v1/runs/iris_x/events");
    assertThat(plain.status()).isEqualTo(406);
    assertThat(plain.json().get("error").asString()).contains("Accept: text/event-stream");
  }

  private static void append(Path log, String s) throws IOException {
    Files.writeString(log, s, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }
}
