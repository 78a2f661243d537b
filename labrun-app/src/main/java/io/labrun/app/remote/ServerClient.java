package io.labrun.app.remote;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP to a labrun server, with the token. Every failure becomes a one-line {@link
 * LabrunException}: an unreachable server or a refused token is a history error (exit 6), a 404 is
 * not-found (3), a 400 is bad input (2), each with the server's own message.
 */
final class ServerClient {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private final Server server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ServerClient(Server server) {
    this.server = server;
  }

  Server server() {
    return server;
  }

  JsonNode get(String path) {
    return json(send(request(path).GET().timeout(Duration.ofMinutes(2)).build()));
  }

  JsonNode post(String path, Object body) {
    return json(
        send(
            request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .timeout(Duration.ofMinutes(2))
                .build()));
  }

  JsonNode patch(String path, Object body) {
    return json(
        send(
            request(path)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .timeout(Duration.ofMinutes(2))
                .build()));
  }

  /** Uploads {@code size} bytes from {@code body} (opened as the request goes out). */
  void put(String path, Supplier<InputStream> body, long size) {
    HttpRequest r =
        request(path)
            .header("Content-Type", "application/octet-stream")
            .PUT(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(body), size))
            .build();
    json(send(r));
  }

  JsonNode delete(String path) {
    return json(send(request(path).DELETE().timeout(Duration.ofMinutes(2)).build()));
  }

  /** An event stream (the caller reads and closes it). */
  HttpResponse<InputStream> events(String path, String lastEventId) {
    HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return open(b.build());
  }

  /**
   * Streams a file the server sends into {@code target}: through a partial file next to it, checked
   * against {@code sha256} (when given) before it takes the name, so a broken transfer never leaves
   * a partial file under the real name. Memory use does not grow with the file. A transfer cut off
   * is resumed where it stopped (an HTTP range), up to three times here, and again by the next
   * download of the same file: the partial file is kept until it is complete.
   */
  void download(String path, Path target, String sha256) {
    Path part =
        target.resolveSibling(
            "."
                + target.getFileName()
                + (sha256 == null ? "" : "." + sha256.substring(0, 12))
                + ".labrun-part");
    try {
      Files.createDirectories(target.getParent());
      if (sha256 == null) {
        Files.deleteIfExists(
            part); // nothing tells whether a partial file left before is of this content
      }
      String actual = null;
      for (int attempt = 1; ; attempt++) {
        try {
          actual = fetch(path, part);
          break;
        } catch (IOException cut) {
          if (attempt == 3) {
            throw cut;
          }
        }
      }
      if (actual == null) {
        actual = ObjectIds.of(part); // put together from pieces: hashed whole once complete
      }
      if (sha256 != null && !sha256.equals(actual)) {
        Files.deleteIfExists(part);
        throw new LabrunException(
            ExitCode.STORE,
            "the server sent "
                + target.getFileName()
                + " with SHA-256 "
                + actual
                + ", not "
                + sha256
                + "; download it again");
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot download "
              + target
              + " from "
              + server.url()
              + " ("
              + e.getMessage()
              + "); run the same command again to resume",
          e);
    }
  }

  /**
   * Appends what {@code part} lacks: asks for the bytes after those it holds; a server that sends
   * the whole file starts it over. Returns the SHA-256 when the file came whole in this one answer
   * (hashed on the way), null when it was completed from pieces.
   */
  private String fetch(String path, Path part) throws IOException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    HttpRequest.Builder b = request(path).GET();
    if (have > 0) {
      b.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> r = open(b.build(), 200, 206, 416);
    try (InputStream in = r.body()) {
      if (r.statusCode() == 416) {
        return null; // it holds the whole file already
      }
      if (r.statusCode() == 206) {
        try (OutputStream out =
            Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
          in.transferTo(out);
        }
        return null;
      }
      MessageDigest digest = ObjectIds.newDigest();
      try (OutputStream out =
          new DigestOutputStream(
              Files.newOutputStream(
                  part,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING),
              digest)) {
        in.transferTo(out);
      }
      return ObjectIds.hex(digest);
    }
  }

  /**
   * Sends {@code r} and hands back the body as a stream once the server said 200 (or another of
   * {@code accepted}).
   */
  private HttpResponse<InputStream> open(HttpRequest r, int... accepted) {
    try {
      HttpResponse<InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
      int status = resp.statusCode();
      if (status != 200 && Arrays.stream(accepted).noneMatch(a -> a == status)) {
        String body;
        try (InputStream in = resp.body()) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        throw failure(resp.statusCode(), body);
      }
      return resp;
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      throw interrupted();
    }
  }

  /**
   * A run's URL path: {@code /api/v1/runs/ID} plus {@code more} segments (a file path keeps its
   * slashes).
   */
  static String runPath(String runId, String... more) {
    StringBuilder b = new StringBuilder("/api/v1/runs/").append(segment(runId));
    for (String m : more) {
      b.append('/');
      String[] parts = m.split("/", -1);
      for (int i = 0; i < parts.length; i++) {
        b.append(i == 0 ? "" : "/").append(segment(parts[i]));
      }
    }
    return b.toString();
  }

  /** {@code path} with query parameters by name (null values are left out). */
  static String query(String path, Map<String, String> params) {
    StringBuilder q = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getValue() != null) {
        q.append(sep).append(e.getKey()).append('=').append(segment(e.getValue()));
        sep = '&';
      }
    }
    return q.toString();
  }

  /** A wait cut short: the thread keeps its interrupt, and the command fails in one line. */
  private LabrunException interrupted() {
    Thread.currentThread().interrupt();
    return new LabrunException(ExitCode.STORE, "interrupted while talking to " + server.url());
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Authorization", "Bearer " + server.token());
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
      throw interrupted();
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    return r.body() == null || r.body().isBlank()
        ? JSON.createObjectNode()
        : JSON.readTree(r.body());
  }

  private LabrunException failure(int status, String body) {
    String message;
    try {
      message = JSON.readTree(body).get("error").asString();
    } catch (RuntimeException e) {
      // every answer of a labrun server carries {"error": ...}: this is some other web server
      return new LabrunException(
          ExitCode.STORE,
          server.url()
              + " is not a labrun server (it answered HTTP "
              + status
              + " without labrun's error record); check the URL, e.g. http://HOST:8470");
    }
    return switch (status) {
      case 401 ->
          new LabrunException(
              ExitCode.STORE,
              "the server "
                  + server.url()
                  + " refused the token ("
                  + message
                  + "); log in again with 'labrun login --server "
                  + server.url()
                  + "'");
      case 403 ->
          new LabrunException(
              ExitCode.STORE,
              "the server " + server.url() + " does not let this token do that: " + message);
      case 404 -> LabrunException.notFound(message);
      case 400, 409, 413 -> LabrunException.badInput(message);
      default ->
          new LabrunException(
              ExitCode.STORE,
              "the server " + server.url() + " answered " + status + ": " + message);
    };
  }

  private LabrunException unreachable(IOException e) {
    String why =
        e instanceof ConnectException
            ? "connection refused"
            : e instanceof HttpTimeoutException
                ? "timed out"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new LabrunException(
        ExitCode.STORE,
        "cannot reach the labrun server "
            + server.url()
            + " ("
            + why
            + "); check that it runs and the URL is right",
        e);
  }
}
