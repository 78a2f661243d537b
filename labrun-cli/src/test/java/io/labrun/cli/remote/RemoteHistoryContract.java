package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.cli.Cli;
import io.labrun.cli.server.RunningServer;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunQuery;
import io.labrun.store.SqlRunStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code history} command, {@code experiment status} and {@code experiment cancel} through a
 * real labrun server on loopback, on one kind of history (the subclasses: SQLite, PostgreSQL): the
 * answers are the server's (the client's own history stays empty), downloads are checked against
 * their hashes, and the store changes (promote, delete) land in the server's history.
 */
abstract class RemoteHistoryContract {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  // Removed by hand after the test: the server's runs may still be tidying their folders for a
  // moment after it stopped, which JUnit's own clean-up takes for a failure.
  @TempDir(cleanup = CleanupMode.NEVER)
  Path tmp;

  /** The history the server uses, as {@code --store} takes it. */
  abstract String storeUrl() throws Exception;

  /** What the server's commands need in their environment to open {@link #storeUrl()}. */
  abstract Cli withStoreCredentials(Cli cli);

  /** The same history, opened directly (to check what the server wrote). */
  abstract SqlRunStore openStore(String storeUrl);

  /**
   * More arguments of {@code labrun server}: where it keeps objects (by default its data folder).
   */
  List<String> serverArgs() {
    return List.of();
  }

  /**
   * Checks, once the server stopped, where the runs' objects went; {@code serverHome} is the
   * server's LABRUN_HOME.
   */
  void checkObjects(Path serverHome) throws Exception {}

  /**
   * Whether the history and the objects live off the server's disk (PostgreSQL and S3, as a team
   * runs it): then the server's disk is wiped after the first server stopped, and a new server on
   * the same history and objects must serve everything again.
   */
  boolean survivesAWipedServerDisk() {
    return false;
  }

  @AfterEach
  void removeTemp() {
    ServerTemp.remove(tmp);
  }

  @Test
  void historyCommandsStatusAndCancelGoThroughTheServer() throws Exception {
    String store = storeUrl();
    Cli serverSide = withStoreCredentials(new Cli(tmp.resolve("server-host")));
    Files.createDirectories(tmp.resolve("server-host"));
    String token =
        serverSide
            .in(
                tmp, "server", "token", "create", "--name", "alice", "--role", "admin", "--store",
                store)
            .out()
            .strip();
    Path gates = Files.createDirectories(tmp.resolve("gates"));
    List<String> args = new ArrayList<>(List.of("--store", store));
    args.addAll(serverArgs());
    try (RunningServer server = new RunningServer(serverSide, tmp, args.toArray(String[]::new))) {
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
          import labrun
          if len(sys.argv) > 2:
              open(sys.argv[2], "w").close()
              while True:
                  time.sleep(0.05)
          labrun.log_param("lr", sys.argv[1])
          labrun.log_metric("loss", float(sys.argv[1]) / 2)
          labrun.log_metric("curve", [0.5, 0.75])
          os.makedirs("outputs/plots", exist_ok=True)
          open("outputs/model.txt", "w").write("model " + sys.argv[1])
          open("outputs/plots/a.txt", "w").write("plot")
          print("trained", sys.argv[1])
          """);
      Path tool = project.resolve("tool.sh");
      Files.writeString(tool, "#!/bin/sh\necho tool\n");
      Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

      String a =
          runId(client.in(project, "experiment", "submit", "-c", "local", "train.py", "0.3"));
      String b =
          runId(client.in(project, "experiment", "submit", "-c", "local", "train.py", "0.5"));

      // list: the local command's filters, answered by the server.
      assertThat(
              client
                  .in(
                      project,
                      "history",
                      "list",
                      "--status",
                      "Completed",
                      "-o",
                      "json",
                      "--query",
                      "[].run_id")
                  .out())
          .contains(a, b);
      assertThat(
              client
                  .in(project, "history", "list", "--status", "Failed", "-o", "json")
                  .out()
                  .strip())
          .isEqualTo("[ ]");
      assertThat(
              client
                  .in(project, "history", "list", "--script", "nope.py", "-o", "json")
                  .out()
                  .strip())
          .isEqualTo("[ ]");
      assertThat(
              client
                  .in(
                      project,
                      "history",
                      "list",
                      "--target",
                      "local",
                      "-c",
                      "local",
                      "--since",
                      "2020-01-01",
                      "-o",
                      "json")
                  .out())
          .contains(a, b);
      assertThat(client.in(project, "history", "list", "-n", "1", "-o", "json").out())
          .contains(b)
          .doesNotContain(a);
      assertThat(client.in(project, "history", "list", "-n", "1", "--after", b, "-o", "json").out())
          .contains(a)
          .doesNotContain(b);
      // a cut table says how many more and how to see them, as from this machine's history
      Cli.Result cut = client.in(project, "history", "list", "-n", "1");
      assertThat(cut.out()).as(cut.toString()).contains(b).doesNotContain(a);
      assertThat(cut.err())
          .isEqualTo(
              "labrun: 1 more run(s); use -n 2 to see them, or --after "
                  + b
                  + " for the next page\n");
      assertThat(client.in(project, "history", "list", "-n", "2").err())
          .as("nothing cut")
          .isEmpty();
      assertThat(client.in(project, "history", "list", "-n", "1", "-o", "json").err())
          .as("json is for scripts: no note")
          .isEmpty();

      // info: a list metric is the JSON array the script logged, as from this machine's history.
      Cli.Result curve =
          client.in(
              project, "history", "info", "-r", a, "-o", "json", "--query", "metrics.curve.last");
      assertThat(curve.out().replaceAll("\\s", "")).as(curve.toString()).isEqualTo("[0.5,0.75]");

      // download: streamed, paths kept, one folder of them, an unknown artifact.
      Path all = tmp.resolve("dl/all");
      Cli.Result dl = client.in(project, "history", "download", "-r", a, "-d", all.toString());
      assertThat(dl.code()).as(dl.toString()).isZero();
      assertThat(Files.readString(all.resolve("outputs/model.txt"))).isEqualTo("model 0.3");
      assertThat(Files.readString(all.resolve("outputs/plots/a.txt"))).isEqualTo("plot");
      Path plots = tmp.resolve("dl/plots");
      assertThat(
              client
                  .in(
                      project,
                      "history",
                      "download",
                      "-r",
                      a,
                      "--artifact",
                      "outputs/plots",
                      "-d",
                      plots.toString())
                  .code())
          .isZero();
      assertThat(plots.resolve("outputs/plots/a.txt")).exists();
      assertThat(plots.resolve("outputs/model.txt")).doesNotExist();
      Cli.Result missing =
          client.in(
              project,
              "history",
              "download",
              "-r",
              a,
              "--artifact",
              "outputs/none",
              "-d",
              plots.toString());
      assertThat(missing.code()).isEqualTo(3);
      assertThat(missing.err())
          .contains("has no artifact 'outputs/none'")
          .contains("outputs/model.txt");

      // restore: the project as snapshotted, modes kept; never into a folder with files.
      Path restored = tmp.resolve("restored");
      Cli.Result re = client.in(work, "history", "restore", "-r", a, "-d", restored.toString());
      assertThat(re.code()).as(re.toString()).isZero();
      assertThat(Files.readString(restored.resolve("train.py")))
          .isEqualTo(Files.readString(project.resolve("train.py")));
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(restored.resolve("tool.sh"))))
          .isEqualTo("rwxr-xr-x");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(restored.resolve("train.py"))))
          .isEqualTo("rw-r--r--");
      assertThat(restored.resolve("aml_config/local.runconfig")).exists();
      assertThat(client.in(work, "history", "restore", "-r", a, "-d", restored.toString()).code())
          .isEqualTo(2);

      // compare: params, arguments and metrics side by side, differences marked.
      Cli.Result cmp = client.in(project, "history", "compare", a, b);
      assertThat(cmp.code()).as(cmp.toString()).isZero();
      assertThat(cmp.out())
          .containsPattern("\\* param lr +0\\.3 +0\\.5")
          .containsPattern("\\* metric loss +0\\.15 +0\\.25")
          .containsPattern("  script +train\\.py +train\\.py");

      // promote: recorded in the server's history.
      Cli.Result promoted =
          client.in(
              project, "history", "promote", "-r", a, "-ap", "outputs/model.txt", "-n", "best");
      assertThat(promoted.out())
          .isEqualTo("Promoted outputs/model.txt of run " + a + " as asset 'best'.\n");
      assertThat(
              client
                  .in(project, "history", "promote", "-r", a, "-ap", "outputs/nope", "-n", "x")
                  .code())
          .isEqualTo(3);

      // tag and note: written into the server's history, shown by info, found by a filter.
      assertThat(client.in(project, "history", "tag", "-r", a, "stage=best", "--remove", "x").out())
          .contains("stage=best");
      assertThat(client.in(project, "history", "note", "-r", a, "kept for the paper").out())
          .isEqualTo("Wrote the note of run " + a + ".\n");
      assertThat(client.in(project, "history", "info", "-r", a, "-o", "json").out())
          .contains("\"text\" : \"kept for the paper\"");
      assertThat(
              client
                  .in(project, "history", "list", "--filter", "tags.stage = \"best\"", "-o", "json")
                  .out())
          .contains(a);
      Cli.Result notATag = client.in(project, "history", "tag", "-r", a, "stage");
      assertThat(notATag.code()).isEqualTo(2);
      assertThat(notATag.err()).contains("NAME=VALUE").hasLineCount(1);

      // A running run: not deleted; canceled, then deleted.
      Path started = gates.resolve("started");
      String c =
          client
              .in(
                  project,
                  "experiment",
                  "submit",
                  "-c",
                  "local",
                  "--detach",
                  "train.py",
                  "0.9",
                  started.toString())
              .out()
              .strip();
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
      assertThat(client.in(project, "experiment", "status", "-r", c, "-o", "json").out())
          .contains("\"status\" : \"Running\"");
      Cli.Result busy = client.in(project, "history", "delete", "-r", c);
      assertThat(busy.code()).isEqualTo(2);
      assertThat(busy.err()).contains("cancel it first").hasLineCount(1);
      Cli.Result cancel = client.in(project, "experiment", "cancel", "-r", c);
      assertThat(cancel.code()).as(cancel.toString()).isZero();
      assertThat(cancel.out()).isEqualTo("Run " + c + " Canceled.\n");
      assertThat(client.in(project, "experiment", "cancel", "-r", c).out())
          .isEqualTo("Run " + c + " has already ended: Canceled.\n");
      assertThat(client.in(project, "history", "delete", "-r", c, b).out())
          .isEqualTo("Deleted run " + c + ".\nDeleted run " + b + ".\n");
      assertThat(client.in(project, "history", "info", "-r", b).code()).isEqualTo(3);

      // The API under these commands wants a token.
      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + a))
                      .DELETE()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(
              new Cli(tmp.resolve("laptop"))
                  .in(project, "history", "list", "-o", "json")
                  .out()
                  .strip())
          .as("the client's own history")
          .isEqualTo("[ ]");
      if (survivesAWipedServerDisk()) {
        sweep = startASweepInTheServersHistory(serverSide, store, project, server.url(), token);
      }
    }
    checkObjects(tmp.resolve("server-host/labrun"));
    try (SqlRunStore history = openStore(store)) {
      assertThat(history.assets()).isEqualTo(Map.of("best", a(history) + ":outputs/model.txt"));
      List<Run> runs =
          history.list(new RunQuery(null, null, null, null, null, null, null, null, null, 10));
      assertThat(runs)
          .filteredOn(r -> r.sweepId() == null)
          .extracting(Run::id)
          .containsExactly(a(history));
      assertThat(runs)
          .filteredOn(r -> r.sweepId() != null)
          .as("the sweep's runs")
          .hasSize(sweep == null ? 0 : 2);
    }
    if (survivesAWipedServerDisk()) {
      newServerOnAWipedDisk(
          serverSide, store, token, args, a(store), tmp.resolve("laptop/work/iris"));
    }
  }

  /** What the server showed of the sweep started on its host: its id and its two pages. */
  private record SweepSeen(String id, JsonNode all, JsonNode one) {}

  private SweepSeen sweep;

  /**
   * A sweep started on the server's host, in the server's history and objects ({@code
   * LABRUN_STORE}, {@code LABRUN_OBJECTS}: what {@code --store} and {@code --objects} name), as a
   * team's operator would; the server's sweep pages as they show it. Its definition is kept in the
   * history, not in the server's data folder.
   */
  private SweepSeen startASweepInTheServersHistory(
      Cli serverSide, String store, Path project, String url, String token) throws Exception {
    Cli onHost = onTheServersHistory(store);
    Cli.Result started =
        onHost.in(
            project,
            "experiment",
            "sweep",
            "-c",
            "local",
            "train.py",
            "--grid",
            "lr=0.2,0.6",
            "--positional",
            "--primary-metric",
            "loss",
            "--goal",
            "min");
    assertThat(started.code()).as(started.toString()).isZero();
    String id =
        started
            .err()
            .lines()
            .filter(l -> l.startsWith("Sweep "))
            .findFirst()
            .orElseThrow()
            .split("[ :]")[1];
    assertThat(tmp.resolve("server-host/labrun/data/sweeps/" + id + ".json"))
        .as("kept in the history, not on the server's disk")
        .doesNotExist();
    JsonNode all = get(url, token, "/api/v1/sweeps");
    JsonNode one = get(url, token, "/api/v1/sweeps/" + id);
    assertThat(one.get("primary_metric").asString()).isEqualTo("loss");
    assertThat(one.get("goal").asString()).isEqualTo("min");
    assertThat(one.get("points")).hasSize(2);
    assertThat(one.get("points").get(0).get("params").get("lr").asString())
        .as("best first: the lower loss")
        .isEqualTo("0.2");
    JsonNode listed = all.get("sweeps").get(0);
    assertThat(listed.get("sweep_id").asString()).isEqualTo(id);
    assertThat(listed.get("best").get("value").asDouble()).isEqualTo(0.1);
    return new SweepSeen(id, all, one);
  }

  /**
   * The server's host's labrun on the server's history and objects (a Cli of its own: the server's
   * is left without LABRUN_STORE, so what the server starts gets its history from the server).
   */
  private Cli onTheServersHistory(String store) {
    Cli c = withStoreCredentials(new Cli(tmp.resolve("server-host"))).env("LABRUN_STORE", store);
    List<String> more = serverArgs();
    int objects = more.indexOf("--objects");
    return objects < 0 ? c : c.env("LABRUN_OBJECTS", more.get(objects + 1));
  }

  private static JsonNode get(String url, String token, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + path))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /**
   * The server's disk wiped (its LABRUN_HOME, configuration and working folders: the whole folder
   * it ran in), a new server started on the same history and objects: run {@code a}'s record,
   * artifacts, snapshot and output all come back.
   */
  private void newServerOnAWipedDisk(
      Cli serverSide, String store, String token, List<String> args, String a, Path project)
      throws Exception {
    ServerTemp.remove(tmp.resolve("server-host"));
    Files.createDirectories(tmp.resolve("server-host"));
    try (RunningServer server = new RunningServer(serverSide, tmp, args.toArray(String[]::new))) {
      Cli client =
          new Cli(tmp.resolve("new-laptop"))
              .env("LABRUN_SERVER", server.url())
              .env("LABRUN_TOKEN", token);
      Path work = Files.createDirectories(tmp.resolve("new-laptop/work"));
      Cli.Result info = client.in(work, "history", "info", "-r", a, "-o", "json");
      assertThat(info.code()).as(info.toString()).isZero();
      assertThat(info.out()).contains("\"status\" : \"Completed\"").contains("\"lr\"");
      Path dl = tmp.resolve("after-wipe/dl");
      Cli.Result down = client.in(work, "history", "download", "-r", a, "-d", dl.toString());
      assertThat(down.code()).as(down.toString()).isZero();
      assertThat(Files.readString(dl.resolve("outputs/model.txt"))).isEqualTo("model 0.3");
      assertThat(Files.readString(dl.resolve("outputs/plots/a.txt"))).isEqualTo("plot");
      Path restored = tmp.resolve("after-wipe/restored");
      Cli.Result re = client.in(work, "history", "restore", "-r", a, "-d", restored.toString());
      assertThat(re.code()).as(re.toString()).isZero();
      assertThat(Files.readString(restored.resolve("train.py")))
          .isEqualTo(Files.readString(project.resolve("train.py")));
      assertThat(Files.readString(restored.resolve("tool.sh")))
          .isEqualTo(Files.readString(project.resolve("tool.sh")));
      Cli.Result logs = client.in(work, "experiment", "logs", "-r", a);
      assertThat(logs.code()).as(logs.toString()).isZero();
      assertThat(logs.out()).contains("trained 0.3");
      // and it still runs what is submitted
      Cli.Result again =
          client.in(project, "experiment", "submit", "-c", "local", "train.py", "0.7");
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).contains("trained 0.7");

      // The sweep: its pages as before (goal, space, best point), its cancel, its resume.
      assertThat(get(server.url(), token, "/api/v1/sweeps")).isEqualTo(sweep.all());
      assertThat(get(server.url(), token, "/api/v1/sweeps/" + sweep.id())).isEqualTo(sweep.one());
      Cli.Result cancel = client.in(work, "experiment", "cancel", "--sweep", sweep.id());
      assertThat(cancel.code()).as(cancel.toString()).isZero();
      assertThat(cancel.out())
          .isEqualTo(
              "Sweep "
                  + sweep.id()
                  + " canceled: 0 runs stopped, 0 not started, 2 had ended already.\n");
      try (SqlRunStore history = openStore(store)) {
        assertThat(history.sweepRecords().canceled(sweep.id())).isTrue();
        assertThat(history.sweepRecords().read(sweep.id()).orElseThrow().rankingMetric())
            .isEqualTo("loss");
      }
      Cli.Result resume =
          onTheServersHistory(store).in(project, "experiment", "sweep", "--resume", sweep.id());
      assertThat(resume.code()).as(resume.toString()).isZero();
      assertThat(resume.err())
          .contains("Sweep " + sweep.id() + ": driven on by this labrun")
          .doesNotContain("no sweep");
      assertThat(get(server.url(), token, "/api/v1/sweeps/" + sweep.id()).get("points"))
          .as("a canceled sweep's resume starts nothing")
          .isEqualTo(sweep.one().get("points"));

      // A sweep going on the new server's host, one point at a time, canceled through it: its
      // running run is stopped, the other never starts.
      Path gates = Files.createDirectories(tmp.resolve("after-wipe/gates"));
      Files.writeString(
          project.resolve("wait.py"),
          """
          import os, sys, time
          open(os.path.join(sys.argv[2], "x-" + sys.argv[1]), "w").close()
          time.sleep(300)
          """);
      Cli.Result going =
          onTheServersHistory(store)
              .in(
                  project,
                  "experiment",
                  "sweep",
                  "-c",
                  "local",
                  "wait.py",
                  "--grid",
                  "x=1,2",
                  "--positional",
                  "--parallel",
                  "1",
                  "--detach",
                  "--",
                  gates.toString());
      assertThat(going.code()).as(going.toString()).isZero();
      String goingId = going.out().strip();
      await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(gates.resolve("x-1")));
      Cli.Result stop = client.in(work, "experiment", "cancel", "--sweep", goingId);
      assertThat(stop.code()).as(stop.toString()).isZero();
      // the second is canceled by this command or, if the first ended meanwhile, by its driver
      assertThat(stop.out())
          .startsWith("Sweep " + goingId + " canceled: 1 runs stopped, ")
          .endsWith(" had ended already.\n");
      JsonNode stopped = get(server.url(), token, "/api/v1/sweeps/" + goingId);
      assertThat(stopped.get("points"))
          .extracting(r -> r.get("status").asString())
          .containsOnly("Canceled")
          .hasSize(2);
      assertThat(gates.resolve("x-2")).as("never started").doesNotExist();
      try (SqlRunStore history = openStore(store)) {
        assertThat(history.sweepRecords().canceled(goingId)).isTrue();
      }

      // A sweep whose driver was killed is driven on by one the server starts, in the server's
      // history and objects (its --store and --objects, not the host's embedded history).
      Path handed = Files.createDirectories(tmp.resolve("after-wipe/handed"));
      Files.writeString(
          project.resolve("gate.py"),
          """
          import os, sys, time
          open(os.path.join(sys.argv[2], "x-" + sys.argv[1]), "w").close()
          while not os.path.exists(os.path.join(sys.argv[2], "go")):
              time.sleep(0.05)
          """);
      Cli.Result detached =
          onTheServersHistory(store)
              .in(
                  project,
                  "experiment",
                  "sweep",
                  "-c",
                  "local",
                  "gate.py",
                  "--grid",
                  "x=1,2",
                  "--positional",
                  "--parallel",
                  "1",
                  "--detach",
                  "--",
                  handed.toString());
      assertThat(detached.code()).as(detached.toString()).isZero();
      String handedId = detached.out().strip();
      long driver =
          Long.parseLong(
              detached.err().replaceAll("(?s).*goes on in labrun process (\\d+);.*", "$1"));
      await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(handed.resolve("x-1")));
      ProcessHandle.of(driver).ifPresent(ProcessHandle::destroyForcibly);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ProcessHandle.of(driver).map(p -> !p.isAlive()).orElse(true));
      Files.writeString(handed.resolve("go"), "");
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () ->
                  assertThat(get(server.url(), token, "/api/v1/sweeps/" + handedId).get("points"))
                      .extracting(r -> r.get("status").asString())
                      .containsExactly("Completed", "Completed"));
      assertThat(handed.resolve("x-2")).as("started by the server's driver").exists();
    }
  }

  private String a(String store) {
    try (SqlRunStore history = openStore(store)) {
      return a(history);
    }
  }

  private static String a(SqlRunStore history) {
    return history.assets().get("best").split(":")[0];
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
}
