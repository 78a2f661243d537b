package io.labrun.cli.remote;

import io.labrun.cli.CliContext;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * A run's output through a server: the stored log page by page, or live over Server-Sent Events,
 * reconnecting with {@code Last-Event-ID} so that a dropped connection loses and repeats nothing.
 * The script's stdout goes to stdout, its stderr and labrun's notes to stderr, as locally.
 */
public final class RemoteLogs {
  private RemoteLogs() {}

  public static int logs(CliContext ctx, Remote remote, String runId, boolean follow) {
    ServerClient client = new ServerClient(remote);
    if (follow) {
      String status = follow(ctx, client, runId);
      ctx.err().println("Run " + runId + " " + status);
      ctx.err().flush();
      return "Completed".equals(status) ? 0 : ExitCode.RUN_FAILED.code();
    }
    long offset = 0;
    while (true) {
      JsonNode page = client.get("/api/v1/runs/" + enc(runId) + "/logs?offset=" + offset);
      page.get("records").forEach(r -> print(ctx, r));
      long next = page.get("next_offset").asLong();
      if (next == offset) {
        return 0;
      }
      offset = next;
    }
  }

  /** Prints the run's output from the start until it ends; returns its final status. */
  static String follow(CliContext ctx, ServerClient client, String runId) {
    String lastId = null;
    int failures = 0;
    while (true) {
      try {
        HttpResponse<InputStream> r =
            client.events("/api/v1/runs/" + enc(runId) + "/events?offset=0", lastId);
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
                  d.forEach(rec -> print(ctx, rec));
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

  static void print(CliContext ctx, JsonNode r) {
    String stream = r.get("stream").asString();
    PrintWriter w = stream.equals("stdout") ? ctx.out() : ctx.err();
    String text =
        stream.equals("system") ? "[labrun] " + r.get("text").asString() : r.get("text").asString();
    if (r.get("ends_line").asBoolean()) {
      w.println(text);
    } else {
      w.print(text);
    }
    w.flush();
  }

  static String enc(String runId) {
    return URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
