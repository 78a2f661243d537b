package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI working through a real labrun server started in the test: login, submit (only missing
 * files uploaded, output followed live), history list/info and logs, all answered by the server;
 * the client's own history stays empty.
 */
class RemoteModeIT {
  // Removed by hand after the test: the server's runs may still be tidying their folders for a
  // moment after it stopped, which JUnit's own clean-up takes for a failure.
  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @org.junit.jupiter.api.AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void aClientSubmitsListsAndReadsLogsThroughTheServer() throws Exception {
    Cli serverSide = new Cli(tmp.resolve("server-host"));
    Files.createDirectories(tmp.resolve("server-host"));
    String token = serverSide.in(tmp, "server", "token", "create", "--name", "alice").out().strip();
    try (RunningServer server = new RunningServer(serverSide, tmp)) {
      Cli client = new Cli(tmp.resolve("laptop"));
      Path work = Files.createDirectories(tmp.resolve("laptop/work"));
      assertThat(client.in(work, "project", "init", "iris").code()).isZero();
      Path project = work.resolve("iris");
      Files.writeString(
          project.resolve("train.py"),
          """
          import sys
          from azureml.logging import get_azureml_logger
          logger = get_azureml_logger()
          print("training with", sys.argv[1])
          for i in range(10):
              logger.log("loss", 1.0 / (i + 1))
          print("to stderr", file=sys.stderr)
          import os
          os.makedirs("outputs", exist_ok=True)
          open("outputs/model.txt", "w").write("m")
          """);

      Cli.Result login = client.run(project, token + "\n", "login", "--server", server.url());
      assertThat(login.code()).as(login.toString()).isZero();
      assertThat(login.out() + login.err()).doesNotContain(token);
      Path saved = tmp.resolve("laptop/labrun/config/server.json");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
          .isEqualTo("rw-------");

      Cli.Result submit =
          client.in(project, "experiment", "submit", "-c", "local", "train.py", "0.3");
      assertThat(submit.code()).as(submit.toString()).isZero();
      assertThat(submit.out()).contains("training with 0.3");
      assertThat(submit.err())
          .contains("RunId: iris_")
          .contains("to stderr")
          .contains("Completed")
          .contains("metric   loss = 0.1")
          .contains("artifact outputs/model.txt");
      String runId =
          submit
              .err()
              .lines()
              .filter(l -> l.startsWith("RunId: "))
              .findFirst()
              .orElseThrow()
              .split(" ")[1];
      assertThat(submit.err())
          .containsPattern("\\(queued on http://127.0.0.1:\\d+; \\d+ of \\d+ files uploaded\\)");

      Cli.Result again =
          client.in(project, "experiment", "submit", "-c", "local", "train.py", "0.4");
      assertThat(again.err()).as("nothing changed: nothing uploaded").contains("; 0 of ");
      Files.writeString(
          project.resolve("train.py"),
          Files.readString(project.resolve("train.py")) + "# edited\n");
      Cli.Result edited =
          client.in(project, "experiment", "submit", "-c", "local", "--detach", "train.py", "0.5");
      assertThat(edited.code()).isZero();
      assertThat(edited.out().strip()).startsWith("iris_");

      Cli.Result list = client.in(project, "history", "list", "-o", "json");
      assertThat(list.code()).as(list.toString()).isZero();
      assertThat(list.out()).contains(runId, "\"script_name\" : \"train.py\"", "\"status\"");
      Cli.Result info = client.in(project, "history", "info", "-r", runId, "-o", "json");
      assertThat(info.out())
          .contains("\"loss\"", "\"count\" : 10", "outputs/model.txt", "\"arguments\"");
      Cli.Result logs = client.in(project, "experiment", "logs", "-r", runId);
      assertThat(logs.out()).isEqualTo("training with 0.3\n");
      assertThat(logs.err()).isEqualTo("to stderr\n");
      Cli.Result follow = client.in(project, "experiment", "logs", "-r", runId, "--follow");
      assertThat(follow.code()).isZero();
      assertThat(follow.err()).endsWith("Run " + runId + " Completed\n");
      assertThat(client.in(project, "history", "info", "-r", "iris_nope").code()).isEqualTo(3);

      int before = runsOnTheServer(client, project);
      for (String[] unsupported :
          new String[][] {{"--retries", "2"}, {"--timeout", "10m"}, {"-t", "local"}}) {
        Cli.Result refused =
            client.in(
                project,
                "experiment",
                "submit",
                "-c",
                "local",
                unsupported[0],
                unsupported[1],
                "train.py",
                "0.6");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err().lines()).as(refused.toString()).hasSize(1);
        assertThat(refused.err()).contains("not supported through a server yet");
      }
      assertThat(runsOnTheServer(client, project))
          .as("a refused submit queues nothing on the server")
          .isEqualTo(before);

      Cli.Result wrongToken =
          client
              .env("LABRUN_SERVER", server.url())
              .env("LABRUN_TOKEN", "lrt_wrong")
              .in(project, "history", "list");
      assertThat(wrongToken.code()).isEqualTo(6);
      assertThat(wrongToken.err().lines()).hasSize(1);
      assertThat(wrongToken.err()).contains("refused the token");

      Cli.Result down =
          new Cli(tmp.resolve("laptop"))
              .env("LABRUN_SERVER", "http://127.0.0.1:1")
              .env("LABRUN_TOKEN", token)
              .in(project, "history", "list");
      assertThat(down.code()).isEqualTo(6);
      assertThat(down.err())
          .startsWith("labrun: cannot reach the labrun server http://127.0.0.1:1")
          .doesNotContain(token);
      assertThat(down.err().lines()).hasSize(1);

      Cli local = new Cli(tmp.resolve("laptop"));
      assertThat(local.in(project, "logout").out()).isEqualTo("Logged out.\n");
      assertThat(local.in(project, "history", "list", "-o", "json").out().strip()).isEqualTo("[ ]");
    }
  }

  private static int runsOnTheServer(Cli client, Path project) {
    String list = client.in(project, "history", "list", "-o", "json").out();
    return list.split("\"run_id\"", -1).length - 1;
  }
}
