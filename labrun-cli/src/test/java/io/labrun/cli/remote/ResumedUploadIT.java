package io.labrun.cli.remote;

import static io.labrun.cli.remote.InterruptedUpload.SIZE;
import static io.labrun.cli.remote.InterruptedUpload.SUBMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.core.history.TcpRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submit killed (SIGKILL, the real bin/labrun in a process of its own) while it uploads a 64 MiB
 * project file to a server, slowed by a relay so the kill lands half-way: the server keeps what
 * arrived (S3 parts and their state in the bucket; a staging file for the folder store), says so
 * when asked which objects it lacks, and the next submit sends only the rest, counted by a relay in
 * front of the server. The run then sees the file whole (the script checks its SHA-256).
 */
class ResumedUploadIT {
  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void aSubmitKilledMidUploadToAnS3ServerIsContinuedNotRestarted() throws Exception {
    String prefix = "resumed-" + UUID.randomUUID().toString().substring(0, 8);
    killedThenResumed(
        InterruptedUpload.s3ServerSide(tmp.resolve("server-host")),
        "--objects",
        "s3://" + RemoteHistoryPostgresS3IT.need("LABRUN_TEST_S3_BUCKET") + "/" + prefix);
  }

  @Test
  void aSubmitKilledMidUploadToAFolderStoreServerIsContinuedNotRestarted() throws Exception {
    Files.createDirectories(tmp.resolve("server-host"));
    killedThenResumed(new Cli(tmp.resolve("server-host")));
  }

  private void killedThenResumed(Cli serverSide, String... serverArgs) throws Exception {
    String token =
        serverSide
            .in(tmp, "server", "token", "create", "--name", "alice", "--role", "admin")
            .out()
            .strip();
    Cli client =
        new Cli(tmp.resolve("laptop")).env("LABRUN_TOKEN", token).env("LABRUN_DAEMON", "0");
    try (RunningServer server = new RunningServer(serverSide, tmp, serverArgs);
        InterruptedUpload upload =
            InterruptedUpload.project(client, tmp.resolve("laptop/work"), 17)) {
      TcpRelay slow = upload.slow(server.url());
      TcpRelay counted = upload.counted(server.url());

      // The real CLI in a process of its own, killed once a third of the file reached the server.
      Process submit =
          InterruptedUpload.labrun(
              client.env("LABRUN_SERVER", slow.endpoint().toString()), upload.project, SUBMIT);
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
      long held = upload.heldBy(server.url(), token);
      assertThat(held).as("bytes the server kept").isLessThanOrEqualTo(slow.sentBytes());
      assertThat(held).as("bytes the server kept").isGreaterThanOrEqualTo(5L << 20);

      // Submitted again (through a relay that only counts): only the rest goes up.
      Cli again = client.env("LABRUN_SERVER", counted.endpoint().toString());
      Cli.Result second = again.in(upload.project, SUBMIT);
      assertThat(second.code()).as(second.toString()).isZero();
      assertThat(second.out()).contains("data " + upload.sha);
      InterruptedUpload.assertSentOnlyTheRest(counted, held);
      assertThat(InterruptedUpload.partial(server.url(), token, upload.sha))
          .as("nothing left half-way")
          .isZero();
      try (var staged = Files.walk(tmp.resolve("server-host"))) {
        assertThat(staged.filter(p -> p.toString().endsWith(".part")).toList())
            .as("staging files left on the server")
            .isEmpty();
      }
    }
  }
}
