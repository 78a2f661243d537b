package io.labrun.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a Server-Sent Events stream as the spec says (event, id, data lines, blank line ends one).
 */
final class SseReader implements AutoCloseable {
  /** One event; {@code id} is null when the event set none. */
  record Event(String event, String id, String data) {}

  static final Event CLOSED = new Event("(closed)", null, null);
  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  SseReader(Http http, String path, String lastEventId) throws IOException, InterruptedException {
    HttpRequest.Builder b = http.request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    response = http.stream(b.timeout(Duration.ofMinutes(5)).build());
    reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  int status() {
    return response.statusCode();
  }

  HttpHeaders headers() {
    return response.headers();
  }

  /** The next event if one came, else null, without waiting. */
  Event poll() {
    return events.poll();
  }

  String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String event = null;
      String id = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(event == null ? "message" : event, id, data.toString()));
          }
          event = null;
          id = null;
          data = null;
        } else if (line.startsWith(":")) {
          continue;
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("data:")) {
          String d = line.substring(5);
          d = d.startsWith(" ") ? d.substring(1) : d;
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    } catch (IOException e) {
      // closed by us or by the server
    } finally {
      events.add(CLOSED);
    }
  }

  /** The next event, or {@link #CLOSED} once the stream is over; fails after {@code seconds}. */
  Event next(long seconds) throws InterruptedException {
    Event e = events.poll(seconds, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within " + seconds + " s");
    }
    return e;
  }

  @Override
  public void close() throws IOException {
    response.body().close();
    reader.interrupt();
  }
}
