package io.labrun.app.remote;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.LogRecord;
import io.labrun.core.run.RunEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A run's output through a server: the stored log page by page, or live over Server-Sent Events,
 * reconnecting with {@code Last-Event-ID} so that a dropped connection loses and repeats nothing.
 * Each record goes to the same {@link RunEvents} as a run's output on this machine.
 */
final class ServerLogs {
  private ServerLogs() {}

  /** The stored output, page by page, to its current end. */
  static void pages(ServerClient client, String runId, RunEvents events) {
    long offset = 0;
    while (true) {
      JsonNode page = client.get(ServerClient.runPath(runId, "logs") + "?offset=" + offset);
      page.get("records").forEach(r -> events.log(record(r)));
      long next = page.get("next_offset").asLong();
      if (next == offset) {
        return;
      }
      offset = next;
    }
  }

  /** Shows the run's output from the start until it ends; returns its final status. */
  static String follow(ServerClient client, String runId, RunEvents events) {
    String lastId = null;
    int failures = 0;
    while (true) {
      try {
        HttpResponse<InputStream> r =
            client.events(ServerClient.runPath(runId, "events") + "?offset=0", lastId);
        try (BufferedReader in =
            new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String event = null;
          String id = null;
          StringBuilder data = new StringBuilder();
          String line;
          while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
              if (event != null && data.length() > 0) {
                JsonNode d = ServerClient.JSON.readTree(data.toString());
                if (event.equals("log")) {
                  d.forEach(rec -> events.log(record(rec)));
                  lastId = id;
                  failures = 0;
                } else if (event.equals("end")) {
                  return d.get("status").asString();
                }
              }
              event = null;
              id = null;
              data.setLength(0);
            } else if (line.startsWith("event:")) {
              event = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
              id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
              data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
          }
        }
      } catch (IOException | LabrunException e) {
        if (e instanceof LabrunException le && le.exitCode() != ExitCode.STORE || ++failures > 5) {
          throw e instanceof LabrunException le
              ? le
              : new LabrunException(
                  ExitCode.STORE, "lost the connection to the server: " + e.getMessage(), e);
        }
      }
      // The stream closed before 'end' (server restart, network): come back where we were.
      pause(failures);
    }
  }

  private static void pause(int failures) {
    try {
      Thread.sleep(Math.min(5000, 200L << Math.min(failures, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabrunException(ExitCode.RUN_FAILED, "stopped watching");
    }
  }

  /** A record of the API ({@code Views.record} on the server) as the core's {@link LogRecord}. */
  private static LogRecord record(JsonNode r) {
    return new LogRecord(
        Instant.ofEpochMilli(r.path("time_ms").asLong()),
        LogRecord.Stream.valueOf(r.get("stream").asString().toUpperCase(Locale.ROOT)),
        r.get("text").asString(),
        r.get("ends_line").asBoolean(),
        r.path("offset").asLong(),
        r.path("next_offset").asLong());
  }
}
