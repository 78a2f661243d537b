package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.TcpRelay;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team server keeping its objects in the test S3 server's bucket ({@code --objects s3://...},
 * parts of 5 MiB), used through the CLI: a project with a 24 MiB data file goes up (in parts) and
 * runs; its 40 MiB artifact comes back through a connection cut half-way (the download resumes, it
 * does not start over); an unchanged project resubmitted sends nothing to S3 (counted by a relay in
 * front of it); {@code server gc} removes what a deleted run alone used.
 */
class S3ServerIT {
  private static final long ARTIFACT = 40L << 20;

  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void projectsAndArtifactsGoThroughTheServerToTheBucketOnceAndComeBackResumed() throws Exception {
    String bucket = need("LABRUN_TEST_S3_BUCKET");
    String prefix = "s3-server-" + UUID.randomUUID().toString().substring(0, 8);
    String objects = "s3://" + bucket + "/" + prefix;
    Path inBucket = Path.of(need("LABRUN_TEST_S3_DATA"), bucket, prefix, "objects");
    try (TcpRelay toS3 = new TcpRelay(URI.create(need("AWS_ENDPOINT_URL")), 0)) {
      Cli serverSide =
          new Cli(tmp.resolve("server-host"))
              .env("AWS_ENDPOINT_URL", toS3.endpoint().toString())
              .env("AWS_ACCESS_KEY_ID", need("AWS_ACCESS_KEY_ID"))
              .env("AWS_SECRET_ACCESS_KEY", need("AWS_SECRET_ACCESS_KEY"))
              .env("AWS_REGION", need("AWS_REGION"))
              .env("LABRUN_S3_PART_MB", "5");
      Files.createDirectories(tmp.resolve("server-host"));
      String token =
          serverSide
              .in(tmp, "server", "token", "create", "--name", "alice", "--role", "admin")
              .out()
              .strip();
      String big;
      // Uploads pass through to S3 as they arrive: the limit on a file spooled to the server's
      // disk (1 MiB here) does not apply, and the 24 MiB data file goes up.
      try (RunningServer server =
              new RunningServer(serverSide, tmp, "--objects", objects, "--max-upload-mb", "1");
          TcpRelay toServer = new TcpRelay(URI.create(server.url()), 0)) {
        assertThat(server.output()).contains("objects: " + objects + "/");
        Cli client =
            new Cli(tmp.resolve("laptop"))
                .env("LABRUN_SERVER", toServer.endpoint().toString())
                .env("LABRUN_TOKEN", token);
        Path work = Files.createDirectories(tmp.resolve("laptop/work"));
        assertThat(client.in(work, "project", "init", "iris").code()).isZero();
        Path project = work.resolve("iris");
        byte[] data = new byte[24 << 20];
        new Random(5).nextBytes(data);
        Files.write(project.resolve("data.bin"), data);
        Files.writeString(
            project.resolve("train.py"),
            """
            import os, random, sys
            os.makedirs("outputs", exist_ok=True)
            assert os.path.getsize("data.bin") == %d
            if sys.argv[1] == "big":
                random.seed(7)
                with open("outputs/model.bin", "wb") as f:
                    for _ in range(%d):
                        f.write(random.randbytes(1 << 20))
            print("trained", sys.argv[1])
            """
                .formatted(data.length, ARTIFACT >> 20));

        big = runId(client.in(project, "experiment", "submit", "-c", "local", "train.py", "big"));
        assertThat(ObjectIds.of(project.resolve("data.bin")))
            .satisfies(sha -> assertThat(inBucket.resolve(sha)).exists());

        // The artifact comes back through a connection cut after 12 MiB: resumed, not sent again
        // from the start.
        toServer.cutNextAnswerAfter(12L << 20);
        long before = toServer.receivedBytes();
        Path dl = tmp.resolve("dl");
        Cli.Result down = client.in(project, "history", "download", "-r", big, "-d", dl.toString());
        assertThat(down.code()).as(down.toString()).isZero();
        assertThat(toServer.cutPending()).as("the connection was cut").isFalse();
        assertThat(Files.size(dl.resolve("outputs/model.bin"))).isEqualTo(ARTIFACT);
        assertThat(toServer.receivedBytes() - before)
            .as("bytes the server sent")
            .isLessThan(ARTIFACT + (2L << 20));
        try (Stream<Path> left = Files.list(dl.resolve("outputs"))) {
          assertThat(left.map(p -> p.getFileName().toString()).toList())
              .containsExactly("model.bin");
        }

        // Unchanged project, resubmitted: no byte of it goes to S3.
        long sentToS3 = toS3.sentBytes();
        String small =
            runId(client.in(project, "experiment", "submit", "-c", "local", "train.py", "small"));
        assertThat(toS3.sentBytes() - sentToS3)
            .as("bytes sent to S3 for the resubmitted project")
            .isLessThan(256 << 10);

        // Deleting the big run, then collecting: its artifact goes, the project's files (used by
        // the other run) stay.
        Cli.Result deleted = client.in(project, "history", "delete", "-r", big);
        assertThat(deleted.code()).as(deleted.toString()).isZero();
        assertThat(client.in(project, "history", "info", "-r", small).code()).isZero();

        // gc from outside does not sweep beside the running server, whatever its grace.
        Cli.Result beside =
            serverSide.in(tmp, "server", "gc", "--objects", objects, "--grace", "2s");
        assertThat(beside.code()).as(beside.toString()).isEqualTo(2);
        assertThat(beside.err().strip())
            .startsWith("labrun: a labrun server uses these objects (it said so ")
            .doesNotContain("\n");
      }
      Instant done = Instant.now();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Instant.now().isAfter(done.plusSeconds(3)));
      Cli.Result gc = serverSide.in(tmp, "server", "gc", "--objects", objects, "--grace", "2s");
      assertThat(gc.code()).as(gc.toString()).isZero();
      // the 40 MiB artifact and the big run's small files
      assertThat(gc.out())
          .matches("(?s)Removed [1-9]\\d* objects? \\(40\\.\\d MB\\) that no run uses .*");
      try (Stream<Path> kept = Files.list(inBucket)) {
        List<String> ids = kept.map(p -> p.getFileName().toString()).toList();
        assertThat(ids)
            .contains(ObjectIds.of(tmp.resolve("laptop/work/iris/data.bin")))
            .doesNotContain(ObjectIds.of(tmp.resolve("dl/outputs/model.bin")));
      }
    }
  }

  private static String runId(Cli.Result submit) {
    assertThat(submit.code()).as(submit.toString()).isZero();
    return submit
        .err()
        .lines()
        .filter(l -> l.startsWith("RunId: "))
        .findFirst()
        .orElseThrow()
        .split(" ")[1];
  }

  private static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: start the test S3 server with eval \"$(scripts/test-env/s3.sh)\"");
    }
    return v;
  }
}
