package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code experiment cancel --sweep} through a real labrun server: a sweep started on the server's
 * host (its history is the server's) is canceled by a client logged in with an admin token, as it
 * would be on that host: its two running runs are stopped, its two others never start.
 */
class RemoteSweepCancelIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  // Removed by hand after the test: the server's runs may still be tidying their folders for a
  // moment after it stopped, which JUnit's own clean-up takes for a failure.
  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void aClientCancelsASweepOfTheServersHistory() throws Exception {
    Cli serverSide = new Cli(tmp.resolve("server-host"));
    Path started = Files.createDirectories(tmp.resolve("started"));
    Path work = Files.createDirectories(tmp.resolve("server-host/work"));
    assertThat(serverSide.in(work, "project", "init", "iris").code()).isZero();
    Path project = work.resolve("iris");
    Files.writeString(
        project.resolve("sleep.py"),
        """
        import os, sys, time
        open(os.path.join(%s, "x-" + sys.argv[1]), "w").write(str(os.getpid()))
        print("sleeping", flush=True)
        time.sleep(300)
        """
            .formatted(JSON.writeValueAsString(started.toString())));
    String token =
        serverSide
            .in(tmp, "server", "token", "create", "--name", "ops", "--role", "admin")
            .out()
            .strip();
    try (RunningServer server = new RunningServer(serverSide, tmp)) {
      Cli.Result sweep =
          serverSide.in(
              project,
              "experiment",
              "sweep",
              "-c",
              "local",
              "sleep.py",
              "--grid",
              "x=1..4",
              "--positional",
              "--parallel",
              "2",
              "--detach");
      assertThat(sweep.code()).as(sweep.toString()).isZero();
      String sweepId = sweep.out().strip();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> Files.exists(started.resolve("x-1")) && Files.exists(started.resolve("x-2")));

      Cli client =
          new Cli(tmp.resolve("laptop"))
              .env("LABRUN_SERVER", server.url())
              .env("LABRUN_TOKEN", token);
      Cli.Result cancel = client.in(project, "experiment", "cancel", "--sweep", sweepId);

      assertThat(cancel.code()).as(cancel.toString()).isZero();
      // The other two are canceled by this command or, if a slot freed meanwhile, by the driver.
      assertThat(cancel.out())
          .startsWith("Sweep " + sweepId + " canceled: 2 runs stopped, ")
          .endsWith(" had ended already.\n");
      JsonNode runs =
          JSON.readTree(
              client.in(project, "history", "list", "--sweep", sweepId, "-o", "json").out());
      assertThat(runs).hasSize(4);
      assertThat(runs).extracting(r -> r.get("status").asString()).containsOnly("Canceled");
      assertThat(started.resolve("x-3")).as("never started").doesNotExist();
      assertThat(started.resolve("x-4")).as("never started").doesNotExist();
      assertThat(client.in(project, "experiment", "cancel", "--sweep", "nope").err())
          .isEqualTo(
              "labrun: no sweep 'nope' in the history; its id is printed when it starts (see"
                  + " 'labrun history list')\n");
    }
  }
}
