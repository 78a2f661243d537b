package io.labrun.cli.remote;

import static io.labrun.cli.remote.InterruptedUpload.SIZE;
import static io.labrun.cli.remote.InterruptedUpload.SUBMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.core.history.TcpRelay;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.store.SqlRunStore;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * A team server (PostgreSQL + S3, the real bin/labrun in a process of its own) killed with SIGKILL
 * while a submit uploads a 64 MiB project file to it: the submit fails in one line, the history
 * holds no run of it (nothing half-written), the bucket no object under that id, only the
 * unfinished multipart upload and, beside it, the state saved as its parts reached S3. A new server
 * on the same history and bucket, on another host's disk, then says how much of the file it holds,
 * and the same submit sends only the rest (counted by a relay); the run sees the file intact, and
 * neither the upload nor its state is left in the bucket.
 */
class KilledServerUploadIT {
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
  void aServerKilledMidUploadLeavesNoRunAndNoObjectAndTheNextServerContinuesIt() throws Exception {
    schema = "labrun_killed_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = DriverManager.getConnection(RemoteHistoryPostgresIT.admin());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String store = RemoteHistoryPostgresIT.url() + "?currentSchema=" + schema;
    String prefix = "killed-server-" + UUID.randomUUID().toString().substring(0, 8);
    String bucket = RemoteHistoryPostgresS3IT.need("LABRUN_TEST_S3_BUCKET");
    String objects = "s3://" + bucket + "/" + prefix;
    Cli serverSide = teamServer(tmp.resolve("server-host"));
    String token =
        serverSide
            .in(
                tmp, "server", "token", "create", "--name", "alice", "--role", "admin", "--store",
                store)
            .out()
            .strip();
    Cli client = new Cli(tmp.resolve("laptop")).env("LABRUN_TOKEN", token);

    try (InterruptedUpload upload =
        InterruptedUpload.project(client, tmp.resolve("laptop/work"), 23)) {
      String key = prefix + "/objects/" + upload.sha;
      Cli.Result failed;
      long cutAt;
      try (InterruptedUpload.Server server =
          InterruptedUpload.server(serverSide, "--store", store, "--objects", objects)) {
        TcpRelay slow = upload.slow(server.url());
        Cli.Running submit =
            client
                .env("LABRUN_SERVER", slow.endpoint().toString())
                .start(upload.project, "", SUBMIT);
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> slow.sentBytes() > SIZE / 2 || submit.result().isDone());
        assertThat(submit.result().isDone()).as("the submit still uploads").isFalse();
        server.kill();
        cutAt = slow.sentBytes();
        failed = submit.await(Duration.ofMinutes(1));
      }
      assertThat(failed.code()).as(failed.toString()).isEqualTo(6);
      assertThat(failed.err().strip()).startsWith("labrun: ").doesNotContain("\n");

      // Nothing half-written: no run in the history, no object under the file's id; the parts
      // that reached S3 wait in an unfinished multipart upload, their state beside it.
      try (SqlRunStore history = openStore(store)) {
        assertThat(history.list(query())).isEmpty();
      }
      Path inBucket =
          Path.of(
              RemoteHistoryPostgresS3IT.need("LABRUN_TEST_S3_DATA"),
              bucket,
              prefix,
              "objects",
              upload.sha);
      assertThat(inBucket).doesNotExist();
      assertThat(unfinished(bucket, key)).hasSize(1);
      assertThat(keys(bucket, prefix + "/uploads/"))
          .containsExactly(prefix + "/uploads/" + upload.sha);

      // A new server on the same history and bucket, on another disk (nothing of the first
      // server's memory or files): it holds what S3 kept, and the submit sends only the rest.
      try (RunningServer again =
          new RunningServer(
              teamServer(tmp.resolve("other-host")), tmp, "--store", store, "--objects", objects)) {
        TcpRelay counted = upload.counted(again.url());
        long held = upload.heldBy(again.url(), token);
        assertThat(held).as("bytes the new server holds").isLessThanOrEqualTo(cutAt);
        assertThat(held).as("bytes the new server holds").isGreaterThanOrEqualTo(5L << 20);
        assertThat(held % (5L << 20)).as("whole parts").isZero();
        Cli.Result ok =
            client.env("LABRUN_SERVER", counted.endpoint().toString()).in(upload.project, SUBMIT);
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("data " + upload.sha);
        InterruptedUpload.assertSentOnlyTheRest(counted, held);
      }
      assertThat(inBucket).exists();
      assertThat(unfinished(bucket, key)).isEmpty();
      assertThat(keys(bucket, prefix + "/uploads/")).as("states left").isEmpty();
      try (SqlRunStore history = openStore(store)) {
        assertThat(history.list(query())).extracting(Run::snapshotId).hasSize(1);
      }
    }
  }

  /** A team server's host: PostgreSQL's credentials, the test S3 server. */
  private static Cli teamServer(Path home) throws Exception {
    return InterruptedUpload.s3ServerSide(home)
        .env("LABRUN_STORE_USER", RemoteHistoryPostgresIT.user())
        .env("LABRUN_STORE_PASSWORD", RemoteHistoryPostgresIT.password());
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
    try (S3Client s3 = s3()) {
      return s3.listMultipartUploads(
              ListMultipartUploadsRequest.builder().bucket(bucket).prefix(key).build())
          .uploads();
    }
  }

  private static List<String> keys(String bucket, String folder) {
    try (S3Client s3 = s3()) {
      return s3
          .listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(folder).build())
          .contents()
          .stream()
          .map(o -> o.key())
          .toList();
    }
  }

  private static S3Client s3() {
    return S3Client.builder()
        .endpointOverride(URI.create(RemoteHistoryPostgresS3IT.need("AWS_ENDPOINT_URL")))
        .region(Region.of(RemoteHistoryPostgresS3IT.need("AWS_REGION")))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    RemoteHistoryPostgresS3IT.need("AWS_ACCESS_KEY_ID"),
                    RemoteHistoryPostgresS3IT.need("AWS_SECRET_ACCESS_KEY"))))
        .build();
  }
}
