package io.labrun.cli.remote;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP to a labrun server, with the token. Every failure becomes a one-line {@link LabrunException}:
 * an unreachable server or a refused token is a history error (exit 6), a 404 is not-found (3), a
 * 400 is bad input (2), each with the server's own message.
 */
final class ServerClient {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private final Remote remote;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ServerClient(Remote remote) {
    this.remote = remote;
  }

  Remote remote() {
    return remote;
  }

  JsonNode get(String path) {
    return json(send(request(path).GET().timeout(Duration.ofMinutes(2)).build()));
  }

  JsonNode post(String path, Object body) {
    return json(send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).timeout(Duration.ofMinutes(2)).build()));
  }

  /** Uploads {@code size} bytes from {@code body} (opened as the request goes out). */
  void put(String path, Supplier<InputStream> body, long size) {
    HttpRequest r = request(path).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), size)).build();
    json(send(r));
  }

  /** An event stream (the caller reads and closes it). */
  HttpResponse<InputStream> events(String path, String lastEventId) {
    HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        String body;
        try (InputStream in = r.body()) {
          body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        throw failure(r.statusCode(), body);
      }
      return r;
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabrunException(ExitCode.STORE, "interrupted while talking to " + remote.url());
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(remote.url() + path)).header("Authorization", "Bearer " + remote.token());
  }

  private HttpResponse<String> send(HttpRequest r) {
    try {
      HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() >= 300) {
        throw failure(resp.statusCode(), resp.body());
      }
      return resp;
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabrunException(ExitCode.STORE, "interrupted while talking to " + remote.url());
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    return r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }

  private LabrunException failure(int status, String body) {
    String message;
    try {
      message = JSON.readTree(body).get("error").asString();
    } catch (RuntimeException e) {
      message = "HTTP " + status;
    }
    return switch (status) {
      case 401 -> new LabrunException(ExitCode.STORE, "the server " + remote.url() + " refused the token (" + message
          + "); log in again with 'labrun login --server " + remote.url() + "'");
      case 404 -> LabrunException.notFound(message);
      case 400, 413 -> LabrunException.badInput(message);
      default -> new LabrunException(ExitCode.STORE, "the server " + remote.url() + " answered " + status + ": " + message);
    };
  }

  private LabrunException unreachable(IOException e) {
    String why = e instanceof ConnectException ? "connection refused" : e instanceof HttpTimeoutException ? "timed out"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new LabrunException(ExitCode.STORE, "cannot reach the labrun server " + remote.url() + " (" + why
        + "); check that it runs and the URL is right", e);
  }
}
