package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.TcpRelay;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A submit through a server killed (SIGKILL, the real bin/labrun in a process of its own) while it
 * uploads a 64 MiB project file, slowed by a relay so the kill lands half-way: the server keeps
 * what arrived (S3 parts and their hash state; a staging file for the folder store), says so when
 * asked which objects it lacks, and the next submit sends only the rest, counted by a relay in
 * front of the server. The run then sees the file whole (the script checks its SHA-256).
 */
class ResumedUploadIT {
  private static final Path LABRUN = Path.of("..", "bin", "labrun").toAbsolutePath().normalize();
  private static final int SIZE = 64 << 20;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void aSubmitKilledMidUploadToAnS3ServerIsContinuedNotRestarted() throws Exception {
    String prefix = "resumed-" + UUID.randomUUID().toString().substring(0, 8);
    Cli serverSide =
        new Cli(tmp.resolve("server-host"))
            .env("AWS_ENDPOINT_URL", RemoteHistoryPostgresS3IT.need("AWS_ENDPOINT_URL"))
            .env("AWS_ACCESS_KEY_ID", RemoteHistoryPostgresS3IT.need("AWS_ACCESS_KEY_ID"))
            .env("AWS_SECRET_ACCESS_KEY", RemoteHistoryPostgresS3IT.need("AWS_SECRET_ACCESS_KEY"))
            .env("AWS_REGION", RemoteHistoryPostgresS3IT.need("AWS_REGION"))
            .env("LABRUN_S3_PART_MB", "5");
    killedThenResumed(
        serverSide,
        "--objects",
        "s3://" + RemoteHistoryPostgresS3IT.need("LABRUN_TEST_S3_BUCKET") + "/" + prefix);
  }

  @Test
  void aSubmitKilledMidUploadToAFolderStoreServerIsContinuedNotRestarted() throws Exception {
    killedThenResumed(new Cli(tmp.resolve("server-host")));
  }

  private void killedThenResumed(Cli serverSide, String... serverArgs) throws Exception {
    Files.createDirectories(tmp.resolve("server-host"));
    String token =
        serverSide
            .in(tmp, "server", "token", "create", "--name", "alice", "--role", "admin")
            .out()
            .strip();
    try (RunningServer server = new RunningServer(serverSide, tmp, serverArgs);
        TcpRelay slow = new TcpRelay(URI.create(server.url()), 8L << 20);
        TcpRelay counted = new TcpRelay(URI.create(server.url()), 0)) {
      Cli client =
          new Cli(tmp.resolve("laptop"))
              .env("LABRUN_SERVER", slow.endpoint().toString())
              .env("LABRUN_TOKEN", token)
              .env("LABRUN_DAEMON", "0");
      Path work = Files.createDirectories(tmp.resolve("laptop/work"));
      assertThat(client.in(work, "project", "init", "iris").code()).isZero();
      Path project = work.resolve("iris");
      byte[] data = new byte[SIZE];
      new Random(17).nextBytes(data);
      Files.write(project.resolve("data.bin"), data);
      String sha = ObjectIds.of(project.resolve("data.bin"));
      Files.writeString(
          project.resolve("train.py"),
          """
          import hashlib
          print("data", hashlib.sha256(open("data.bin", "rb").read()).hexdigest())
          """);

      // The real CLI in a process of its own, killed once a third of the file reached the server.
      Process submit = start(client, project, "experiment", "submit", "-c", "local", "train.py");
      try {
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> slow.sentBytes() > SIZE / 3 || !submit.isAlive());
        assertThat(submit.isAlive()).as("the submit still uploads").isTrue();
      } finally {
        submit.destroyForcibly();
        submit.waitFor(30, TimeUnit.SECONDS);
      }
      // The server notices the broken upload and keeps what arrived: it says how much.
      long[] held = new long[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> (held[0] = partial(server.url(), token, sha)) > 0);
      assertThat(held[0]).as("bytes the server kept").isLessThanOrEqualTo(slow.sentBytes());
      assertThat(held[0]).as("bytes the server kept").isGreaterThanOrEqualTo(5L << 20);

      // Submitted again (through a relay that only counts): only the rest goes up.
      Cli again = client.env("LABRUN_SERVER", counted.endpoint().toString());
      Cli.Result second = again.in(project, "experiment", "submit", "-c", "local", "train.py");
      assertThat(second.code()).as(second.toString()).isZero();
      assertThat(second.out()).contains("data " + sha);
      assertThat(counted.sentBytes())
          .as(
              "bytes sent by the second submit, of a %d-byte file of which %d were kept",
              SIZE, held[0])
          .isLessThan(SIZE - held[0] + (1L << 20))
          .isGreaterThanOrEqualTo(SIZE - held[0]);
      assertThat(partial(server.url(), token, sha)).as("nothing left half-way").isZero();
      try (var staged = Files.walk(tmp.resolve("server-host"))) {
        assertThat(staged.filter(p -> p.toString().endsWith(".part")).toList())
            .as("staging files left on the server")
            .isEmpty();
      }
    }
  }

  /** What the server says it holds of an object it lacks (0: nothing, or it has the object). */
  private static long partial(String url, String token, String sha) throws Exception {
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

  private static Process start(Cli cli, Path cwd, String... args) throws IOException {
    assertThat(LABRUN).isExecutable();
    List<String> cmd = new ArrayList<>(List.of(LABRUN.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(cli.environment());
    return pb.start();
  }
}
