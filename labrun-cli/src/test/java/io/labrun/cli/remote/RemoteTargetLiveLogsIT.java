package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.ssh.TestSshd;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run the server executes on a {@code remote} target (the real OpenSSH server of the test
 * environment) streams its output live to the server's event stream: lines arrive while the script
 * still waits for a file only the test writes, then every line once, then the end.
 */
class RemoteTargetLiveLogsIT {
  private static final TestSshd SSHD = TestSshd.get();
  private static final Pattern TEXT = Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void aRemoteRunsOutputReachesEventStreamFollowersWhileItRuns() throws Exception {
    Cli serverSide = new Cli(tmp.resolve("server-host"));
    Files.createDirectories(tmp.resolve("server-host"));
    String token = serverSide.in(tmp, "server", "token", "create", "--name", "alice").out().strip();
    // The script runs as the host's key user: the gate folder must be theirs to write in.
    Path gates = Files.createTempDirectory("labrun-gates");
    Files.setPosixFilePermissions(gates, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (RunningServer server = new RunningServer(serverSide, tmp)) {
      Cli client =
          new Cli(tmp.resolve("laptop"))
              .env("LABRUN_SERVER", server.url())
              .env("LABRUN_TOKEN", token);
      Path work = Files.createDirectories(tmp.resolve("laptop/work"));
      assertThat(client.in(work, "project", "init", "iris").code()).isZero();
      Path project = work.resolve("iris");
      Files.writeString(
          project.resolve("train.py"),
          """
          import os, sys, time
          gates = sys.argv[1]
          for i in range(5):
              print("before", i, flush=True)
          open(os.path.join(gates, "started"), "w").close()
          while not os.path.exists(os.path.join(gates, "go")):
              if not os.path.isdir(gates):
                  sys.exit(3)  # the test is over without letting it go on
              time.sleep(0.05)
          for i in range(5):
              print("after", i, flush=True)
          """);
      Cli.Result attach =
          client.in(
              project,
              "computetarget",
              "attach",
              "--name",
              "gpu",
              "--type",
              "remote",
              "--address",
              SSHD.host + ":" + SSHD.port,
              "--username",
              SSHD.keyUser,
              "--ssh-key",
              SSHD.key.toString(),
              "--host-key-fingerprint",
              SSHD.fingerprint());
      assertThat(attach.code()).as(attach.toString()).isZero();
      Cli.Result submitted =
          client.in(
              project,
              "experiment",
              "submit",
              "-c",
              "gpu",
              "--detach",
              "train.py",
              gates.toString());
      assertThat(submitted.code()).as(submitted.toString()).isZero();
      String run = submitted.out().strip();
      await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(gates.resolve("started")));

      HttpResponse<InputStream> events =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(server.url() + "/api/v1/runs/" + run + "/events"))
                      .header("Authorization", "Bearer " + token)
                      .header("Accept", "text/event-stream")
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(events.statusCode()).isEqualTo(200);
      List<String> lines = new ArrayList<>();
      // No line at all, or no end, would block the read for good: fail after a minute instead.
      String ended =
          Assertions.assertTimeoutPreemptively(
              Duration.ofSeconds(60), () -> read(events, lines, gates));
      assertThat(ended).as("the stream ended with 'end'").contains("Completed");
      assertThat(lines)
          .containsExactly(
              "before 0",
              "before 1",
              "before 2",
              "before 3",
              "before 4",
              "after 0",
              "after 1",
              "after 2",
              "after 3",
              "after 4");
      assertThat(client.in(project, "experiment", "logs", "-r", run).out())
          .startsWith("before 0\n")
          .endsWith("after 4\n");
    } finally {
      try (var walk = Files.walk(gates)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Reads log events into {@code lines} until the end event, whose data it returns; lets the script
   * go on once it has printed its first lines.
   */
  private static String read(HttpResponse<InputStream> events, List<String> lines, Path gates)
      throws Exception {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
      String event = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:") && "log".equals(event)) {
          Matcher m = TEXT.matcher(line);
          while (m.find()) {
            lines.add(m.group(1));
          }
          if (lines.contains("before 4") && !Files.exists(gates.resolve("go"))) {
            // Every line so far came while the script still waits: live, not collected at the end.
            assertThat(lines)
                .containsExactly("before 0", "before 1", "before 2", "before 3", "before 4");
            Files.createFile(gates.resolve("go"));
          }
        } else if (line.startsWith("data:") && "end".equals(event)) {
          return line;
        }
      }
      return null;
    }
  }
}
