package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.TcpRelay;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the tests of an upload cut half-way share ({@link ResumedUploadIT}, {@link
 * KilledServerUploadIT}): a project holding a 64 MiB file whose run prints the file's SHA-256, the
 * real bin/labrun in a process of its own (so it can be killed), a relay that slows the upload so
 * the kill lands half-way and one that counts what a second submit sends, and the server's answer
 * to which objects it lacks and how much of each it holds.
 */
final class InterruptedUpload implements AutoCloseable {
  static final int SIZE = 64 << 20;
  private static final Path LABRUN = Path.of("..", "bin", "labrun").toAbsolutePath().normalize();
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+?)/ ");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The project folder (train.py, data.bin) and the id of data.bin. */
  final Path project;

  final String sha;
  private final List<TcpRelay> relays = new ArrayList<>();

  private InterruptedUpload(Path project, String sha) {
    this.project = project;
    this.sha = sha;
  }

  /** A new project {@code iris} under {@code work}, its 64 MiB file drawn from {@code seed}. */
  static InterruptedUpload project(Cli client, Path work, long seed) throws IOException {
    Files.createDirectories(work);
    assertThat(client.in(work, "project", "init", "iris").code()).isZero();
    Path project = work.resolve("iris");
    byte[] data = new byte[SIZE];
    new Random(seed).nextBytes(data);
    Files.write(project.resolve("data.bin"), data);
    Files.writeString(
        project.resolve("train.py"),
        """
        import hashlib
        print("data", hashlib.sha256(open("data.bin", "rb").read()).hexdigest())
        """);
    return new InterruptedUpload(project, ObjectIds.of(project.resolve("data.bin")));
  }

  /** A server host's labrun on the test S3 server, with 5 MiB parts (a dozen in the file). */
  static Cli s3ServerSide(Path home) throws IOException {
    Files.createDirectories(home);
    return new Cli(home)
        .env("AWS_ENDPOINT_URL", RemoteHistoryPostgresS3IT.need("AWS_ENDPOINT_URL"))
        .env("AWS_ACCESS_KEY_ID", RemoteHistoryPostgresS3IT.need("AWS_ACCESS_KEY_ID"))
        .env("AWS_SECRET_ACCESS_KEY", RemoteHistoryPostgresS3IT.need("AWS_SECRET_ACCESS_KEY"))
        .env("AWS_REGION", RemoteHistoryPostgresS3IT.need("AWS_REGION"))
        .env("LABRUN_S3_PART_MB", "5");
  }

  /** A relay to {@code server} at 8 MiB/s: a 64 MiB upload takes 8 s, time to cut it half-way. */
  TcpRelay slow(String server) throws IOException {
    return relay(server, 8L << 20);
  }

  /** A relay to {@code server} that only counts. */
  TcpRelay counted(String server) throws IOException {
    return relay(server, 0);
  }

  private TcpRelay relay(String server, long bytesPerSecond) throws IOException {
    TcpRelay r = new TcpRelay(URI.create(server), bytesPerSecond);
    relays.add(r);
    return r;
  }

  /** The submit of train.py on the local target. */
  static final String[] SUBMIT = {"experiment", "submit", "-c", "local", "train.py"};

  /**
   * bin/labrun with {@code cli}'s environment (no daemon), in {@code cwd}, its output discarded.
   */
  static Process labrun(Cli cli, Path cwd, String... args) throws IOException {
    return start(cli, cwd, ProcessBuilder.Redirect.DISCARD, args);
  }

  /** {@code labrun server --port 0 ARGS} in a process of its own; its URL once it listens. */
  static Server server(Cli cli, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("server", "--port", "0"));
    all.addAll(List.of(args));
    Process p = start(cli, null, ProcessBuilder.Redirect.PIPE, all.toArray(String[]::new));
    try {
      return new Server(p, listening(p));
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** A server in a process of its own: killing it is a SIGKILL, as a crash or an OOM kill. */
  record Server(Process process, String url) implements AutoCloseable {
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the server is gone").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
      kill();
    }
  }

  /**
   * What the server at {@code url} says it holds of this project's file, which it lacks (0:
   * nothing, or it has the file), once that is more than nothing: it may take a moment to notice a
   * broken upload.
   */
  long heldBy(String url, String token) {
    long[] held = new long[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> (held[0] = partial(url, token, sha)) > 0);
    return held[0];
  }

  /** What the server says it holds of an object it lacks (0: nothing, or it has the object). */
  static long partial(String url, String token, String sha) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/objects/missing"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(Map.of("hashes", List.of(sha)))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(r.body());
    return answer.path("partial").path(sha).asLong(0);
  }

  /**
   * Asserts the second submit, counted by {@code relay}, sent the file's bytes after the {@code
   * held} the server kept, and not much else (the snapshot's manifest, the requests).
   */
  static void assertSentOnlyTheRest(TcpRelay relay, long held) {
    assertThat(relay.sentBytes())
        .as("bytes sent by the second submit, of a %d-byte file of which %d were kept", SIZE, held)
        .isLessThan(SIZE - held + (1L << 20))
        .isGreaterThanOrEqualTo(SIZE - held);
  }

  @Override
  public void close() throws IOException {
    for (TcpRelay r : relays) {
      r.close();
    }
  }

  private static Process start(Cli cli, Path cwd, ProcessBuilder.Redirect output, String... args)
      throws IOException {
    assertThat(LABRUN).isExecutable();
    List<String> cmd = new ArrayList<>(List.of(LABRUN.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    pb.environment().clear();
    pb.environment().putAll(cli.environment());
    pb.environment().put("LABRUN_DAEMON", "0");
    return pb.start();
  }

  private static String listening(Process server) throws Exception {
    CompletableFuture<String> url =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              // not closed here: once the server listens, a thread of its own reads the rest
              BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
              try {
                for (String line; (line = r.readLine()) != null; ) {
                  seen.append(line).append('\n');
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    Thread drain = new Thread(() -> drain(r), "server-output");
                    drain.setDaemon(true);
                    drain.start();
                    return m.group(1);
                  }
                }
              } catch (IOException e) {
                // said below
              }
              throw new IllegalStateException("labrun server did not start:\n" + seen);
            });
    return url.get(60, TimeUnit.SECONDS);
  }

  private static void drain(BufferedReader r) {
    try {
      while (r.readLine() != null) {
        // the server's log, not needed
      }
    } catch (IOException e) {
      // killed
    }
  }
}
