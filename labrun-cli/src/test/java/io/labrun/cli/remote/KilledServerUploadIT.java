package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.TcpRelay;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.store.SqlRunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * A team server (PostgreSQL + S3, the real bin/labrun in a process of its own) killed with SIGKILL
 * while a submit uploads a 64 MiB project file to it: the submit fails in one line, the history
 * holds no run of it (nothing half-written), the bucket no object under that id, only the
 * unfinished multipart upload that garbage collection aborts after a day. A new server on the same
 * history and bucket then takes the same submit whole, and the run sees the file intact.
 */
class KilledServerUploadIT {
  private static final Path LABRUN = Path.of("..", "bin", "labrun").toAbsolutePath().normalize();
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+?)/ ");
  private static final int SIZE = 64 << 20;

  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  private String schema;

  @AfterEach
  void cleanUp() throws Exception {
    ServerTemp.remove(tmp);
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(RemoteHistoryPostgresIT.admin());
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void aServerKilledMidUploadLeavesNoRunAndNoObjectAndTheNextServerTakesItWhole() throws Exception {
    schema = "labrun_killed_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(RemoteHistoryPostgresIT.admin());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String store = RemoteHistoryPostgresIT.url() + "?currentSchema=" + schema;
    String prefix = "killed-server-" + UUID.randomUUID().toString().substring(0, 8);
    String bucket = RemoteHistoryPostgresS3IT.need("LABRUN_TEST_S3_BUCKET");
    String objects = "s3://" + bucket + "/" + prefix;
    Cli serverSide =
        new Cli(tmp.resolve("server-host"))
            .env("LABRUN_STORE_USER", RemoteHistoryPostgresIT.user())
            .env("LABRUN_STORE_PASSWORD", RemoteHistoryPostgresIT.password())
            .env("AWS_ENDPOINT_URL", RemoteHistoryPostgresS3IT.need("AWS_ENDPOINT_URL"))
            .env("AWS_ACCESS_KEY_ID", RemoteHistoryPostgresS3IT.need("AWS_ACCESS_KEY_ID"))
            .env("AWS_SECRET_ACCESS_KEY", RemoteHistoryPostgresS3IT.need("AWS_SECRET_ACCESS_KEY"))
            .env("AWS_REGION", RemoteHistoryPostgresS3IT.need("AWS_REGION"))
            .env("LABRUN_S3_PART_MB", "5");
    Files.createDirectories(tmp.resolve("server-host"));
    String token =
        serverSide
            .in(
                tmp, "server", "token", "create", "--name", "alice", "--role", "admin", "--store",
                store)
            .out()
            .strip();

    Path work = Files.createDirectories(tmp.resolve("laptop/work"));
    Cli client = new Cli(tmp.resolve("laptop")).env("LABRUN_TOKEN", token);
    assertThat(client.in(work, "project", "init", "iris").code()).isZero();
    Path project = work.resolve("iris");
    byte[] data = new byte[SIZE];
    new Random(23).nextBytes(data);
    Files.write(project.resolve("data.bin"), data);
    String sha = ObjectIds.of(project.resolve("data.bin"));
    Files.writeString(
        project.resolve("train.py"),
        """
        import hashlib
        print("data", hashlib.sha256(open("data.bin", "rb").read()).hexdigest())
        """);

    Process server =
        start(serverSide, "server", "--port", "0", "--store", store, "--objects", objects);
    Cli.Result failed;
    try (TcpRelay slow = new TcpRelay(URI.create(listening(server)), 8L << 20)) {
      Cli.Running submit =
          client
              .env("LABRUN_SERVER", slow.endpoint().toString())
              .start(project, "", "experiment", "submit", "-c", "local", "train.py");
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> slow.sentBytes() > SIZE / 2 || submit.result().isDone());
      assertThat(submit.result().isDone()).as("the submit still uploads").isFalse();
      server.destroyForcibly();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      failed = submit.await(Duration.ofMinutes(1));
    } finally {
      server.destroyForcibly();
    }
    assertThat(failed.code()).as(failed.toString()).isEqualTo(6);
    assertThat(failed.err().strip()).startsWith("labrun: ").doesNotContain("\n");

    // Nothing half-written: no run in the history, no object under the file's id; the parts that
    // reached S3 wait in an unfinished multipart upload, which garbage collection aborts after a
    // day.
    try (SqlRunStore history = openStore(store)) {
      assertThat(history.list(query())).isEmpty();
    }
    Path inBucket =
        Path.of(
            RemoteHistoryPostgresS3IT.need("LABRUN_TEST_S3_DATA"), bucket, prefix, "objects", sha);
    assertThat(inBucket).doesNotExist();
    assertThat(unfinished(bucket, prefix + "/objects/" + sha)).hasSize(1);

    // A new server on the same history and bucket: the same submit goes through, whole.
    try (RunningServer again =
        new RunningServer(serverSide, tmp, "--store", store, "--objects", objects)) {
      Cli.Result ok =
          client
              .env("LABRUN_SERVER", again.url())
              .in(project, "experiment", "submit", "-c", "local", "train.py");
      assertThat(ok.code()).as(ok.toString()).isZero();
      assertThat(ok.out()).contains("data " + sha);
    }
    assertThat(inBucket).exists();
    try (SqlRunStore history = openStore(store)) {
      assertThat(history.list(query())).extracting(Run::snapshotId).hasSize(1);
    }
  }

  private static RunQuery query() {
    return new RunQuery(null, null, null, null, null, null, null, null, null, 10);
  }

  private static SqlRunStore openStore(String store) {
    return SqlRunStore.open(
        store
            + "&user="
            + RemoteHistoryPostgresIT.user()
            + "&password="
            + RemoteHistoryPostgresIT.password());
  }

  private static List<MultipartUpload> unfinished(String bucket, String key) {
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(RemoteHistoryPostgresS3IT.need("AWS_ENDPOINT_URL")))
            .region(Region.of(RemoteHistoryPostgresS3IT.need("AWS_REGION")))
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        RemoteHistoryPostgresS3IT.need("AWS_ACCESS_KEY_ID"),
                        RemoteHistoryPostgresS3IT.need("AWS_SECRET_ACCESS_KEY"))))
            .build()) {
      return s3.listMultipartUploads(
              ListMultipartUploadsRequest.builder().bucket(bucket).prefix(key).build())
          .uploads();
    }
  }

  /** bin/labrun in a process of its own (so it can be killed), its output read as it comes. */
  private static Process start(Cli cli, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LABRUN.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
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
              } catch (java.io.IOException e) {
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
    } catch (java.io.IOException e) {
      // killed
    }
  }
}
