package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import io.labrun.format.ProjectTemplate;
import io.labrun.store.FileObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runs submitted through the server and executed on the real local target: only missing objects are
 * uploaded, runs queue per target, the queue survives a restart of the server, a queued run can be
 * canceled, and bad submissions are one-line 400s.
 */
class SubmitQueueIT {
  @TempDir Path tmp;
  Path project;
  FileObjectStore clientObjects;
  String storeUrl;

  @BeforeEach
  void project() throws Exception {
    project = Files.createDirectories(tmp.resolve("client/iris"));
    ProjectTemplate.create(new Project(project));
    Files.writeString(
        project.resolve("train.py"),
        """
        import os, sys, time
        from azureml.logging import get_azureml_logger
        gate = sys.argv[1]
        print("waiting for", os.path.basename(gate), flush=True)
        while not os.path.exists(gate):
            time.sleep(0.02)
        logger = get_azureml_logger()
        for i in range(50):
            logger.log("loss", 1.0 / (i + 1))
        os.makedirs("outputs", exist_ok=True)
        open("outputs/model.txt", "w").write("model of " + os.environ["LABRUN_RUN_ID"])
        print("done")
        """);
    clientObjects = new FileObjectStore(tmp.resolve("client/objects"));
    storeUrl = TestDatabases.sqlite(tmp.resolve("db"));
  }

  private TestServer server(ServerConfig config) {
    return TestServer.withLocalPipeline(tmp.resolve("server"), storeUrl, config);
  }

  private Snapshot upload(Http http, List<String> uploaded) throws Exception {
    return Fixtures.upload(http, clientObjects, tmp.resolve("client/cache"), project, uploaded);
  }

  private String submit(Http http, Snapshot snap, String... args) {
    return Fixtures.submit(http, snap, "train.py", args);
  }

  private static String status(Http http, String run) {
    return http.get("/api/v1/runs/" + run).json().get("status").asString();
  }

  @Test
  void runsQueuePerTargetSurviveARestartAndEndCompleted() throws Exception {
    Path gates = Files.createDirectories(tmp.resolve("gates"));
    List<String> runs = new ArrayList<>();
    List<String> uploaded = new ArrayList<>();
    Snapshot snap;
    try (TestServer srv = server(ServerConfig.defaults().withRunsPerTarget(1))) {
      snap = upload(srv.http, uploaded);
      assertThat(uploaded).hasSize(snap.entries().size() + 1);
      List<String> again = new ArrayList<>();
      upload(srv.http, again);
      assertThat(again).as("a second upload of the same project sends nothing").isEmpty();
      for (int i = 0; i < 3; i++) {
        runs.add(submit(srv.http, snap, gates.resolve("gate" + i).toString()));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  srv.http
                      .get("/api/v1/runs/" + runs.get(0) + "/logs")
                      .body()
                      .contains("waiting for gate0"));
      assertThat(status(srv.http, runs.get(0))).isEqualTo("Running");
      assertThat(status(srv.http, runs.get(1))).isEqualTo("Queued");
      assertThat(status(srv.http, runs.get(2))).isEqualTo("Queued");
      Http.Response canceled = srv.http.post("/api/v1/runs/" + runs.get(2) + "/cancel", "");
      assertThat(canceled.status()).isEqualTo(200);
      assertThat(canceled.json().get("status").asString()).isEqualTo("Canceled");
      assertThat(canceled.json().get("before_start").asBoolean()).isTrue();
      Http.Response twice = srv.http.post("/api/v1/runs/" + runs.get(2) + "/cancel", "");
      assertThat(twice.json().get("already_ended").asBoolean()).isTrue();
    }
    // A new server on the same history: the running run is followed again, the queued one waits its
    // turn.
    try (TestServer srv = server(ServerConfig.defaults().withRunsPerTarget(1))) {
      assertThat(status(srv.http, runs.get(0))).isEqualTo("Running");
      assertThat(status(srv.http, runs.get(1))).isEqualTo("Queued");
      Files.createFile(gates.resolve("gate1"));
      Files.createFile(gates.resolve("gate0"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> status(srv.http, runs.get(1)).equals("Completed"));
      assertThat(status(srv.http, runs.get(0))).isEqualTo("Completed");
      assertThat(status(srv.http, runs.get(2))).isEqualTo("Canceled");
      JsonNode info = srv.http.get("/api/v1/runs/" + runs.get(1)).json();
      assertThat(info.get("attachments").get(0).get("path").asString())
          .isEqualTo("outputs/model.txt");
      assertThat(info.get("metrics").get("loss").get("count").asInt()).isEqualTo(50);
      assertThat(info.get("snapshot_id").asString()).isEqualTo(snap.id());
      assertThat(info.get("submitted_by").asString()).startsWith("tester-");
      JsonNode log = srv.http.get("/api/v1/runs/" + runs.get(1) + "/logs").json();
      assertThat(log.get("records"))
          .extracting(r -> r.get("text").asString())
          .contains("waiting for gate1", "done");
      JsonNode started0 = srv.http.get("/api/v1/runs/" + runs.get(0)).json();
      assertThat(info.get("start_time_utc").asString())
          .as("the second run started after the first")
          .isGreaterThan(started0.get("start_time_utc").asString());
      assertThat(
              srv.http.get("/api/v1/runs/" + runs.get(1) + "/artifacts/outputs/model.txt").body())
          .isEqualTo("model of " + runs.get(1));

      // Edit one file: only that file is uploaded the next time.
      Files.writeString(
          project.resolve("train.py"),
          Files.readString(project.resolve("train.py")) + "\n# edited\n");
      List<String> edited = new ArrayList<>();
      Snapshot snap2 = upload(srv.http, edited);
      assertThat(edited)
          .containsExactlyInAnyOrder(
              snap2.id(), snap2.entry("train.py").map(SnapshotEntry::sha256).orElseThrow());
    }
  }

  @Test
  void badSubmissionsAreOneLineErrors() throws Exception {
    try (TestServer srv = server(new ServerConfig("127.0.0.1", 0, 1, 1024))) {
      Snapshot snap = Fixtures.snapshot(clientObjects, tmp.resolve("client/cache"), project);
      Http.Response notUploaded =
          srv.http.post(
              "/api/v1/runs",
              "{\"experiment\":\"iris\",\"snapshot_id\":\""
                  + snap.id()
                  + "\",\"run_configuration\":\"local\",\"script\":\"train.py\"}");
      assertThat(notUploaded.status()).isEqualTo(400);
      assertThat(notUploaded.json().get("error").asString()).contains("was not uploaded");
      byte[] manifest = snap.manifest();
      assertThat(
              srv.http.put("/api/v1/objects/" + snap.id(), "not the manifest".getBytes()).status())
          .isEqualTo(400);
      assertThat(srv.http.put("/api/v1/objects/" + "0".repeat(64), new byte[2048]).status())
          .isEqualTo(413);
      assertThat(srv.http.put("/api/v1/objects/../../etc", new byte[1]).status()).isIn(400, 404);
      // Continuing an upload the server holds nothing of: refused, nothing stored.
      Http.Response notHeld = srv.http.put("/api/v1/objects/" + snap.id() + "?offset=5", manifest);
      assertThat(notHeld.status()).isEqualTo(409);
      assertThat(notHeld.json().get("error").asString())
          .isEqualTo(
              "the server holds 0 bytes of object "
                  + snap.id()
                  + ", not 5; submit again to send the rest");
      for (String bad : List.of("-1", "x")) {
        Http.Response badOffset =
            srv.http.put("/api/v1/objects/" + snap.id() + "?offset=" + bad, manifest);
        assertThat(badOffset.status()).isEqualTo(400);
        assertThat(badOffset.json().get("error").asString())
            .isEqualTo("offset must be a number of bytes (0 or more), got '" + bad + "'");
      }
      assertThat(srv.http.put("/api/v1/objects/" + snap.id(), manifest).status()).isEqualTo(201);
      Http.Response partial =
          srv.http.post(
              "/api/v1/runs",
              "{\"experiment\":\"iris\",\"snapshot_id\":\""
                  + snap.id()
                  + "\",\"run_configuration\":\"local\",\"script\":\"train.py\"}");
      assertThat(partial.json().get("error").asString())
          .contains("files of snapshot")
          .contains("were not uploaded");
      assertThat(srv.http.post("/api/v1/objects/missing", "{\"hashes\":[\"nope\"]}").status())
          .isEqualTo(400);
      assertThat(srv.http.post("/api/v1/runs", "{not json").status()).isEqualTo(400);
      Http.Response big =
          srv.http.post(
              "/api/v1/objects/missing", "{\"hashes\":[\"" + "a".repeat(2 << 20) + "\"]}");
      assertThat(big.status()).isEqualTo(413);
      assertThat(srv.anonymous().post("/api/v1/runs", "{}").status()).isEqualTo(401);
    }
    try (TestServer srv = server(ServerConfig.defaults())) {
      Snapshot snap = upload(srv.http, new ArrayList<>());
      Http.Response badConfig =
          srv.http.post(
              "/api/v1/runs",
              "{\"experiment\":\"iris\",\"snapshot_id\":\""
                  + snap.id()
                  + "\",\"run_configuration\":\"nope\",\"script\":\"train.py\"}");
      assertThat(badConfig.status()).isEqualTo(400);
      assertThat(badConfig.json().get("error").asString()).doesNotContain("\n").contains("nope");
      Http.Response badScript =
          srv.http.post(
              "/api/v1/runs",
              "{\"experiment\":\"iris\",\"snapshot_id\":\""
                  + snap.id()
                  + "\",\"run_configuration\":\"local\",\"script\":\"../../etc/passwd\"}");
      assertThat(badScript.status()).isEqualTo(400);
      assertThat(badScript.json().get("error").asString()).contains("outside the project");
      Http.Response badName =
          srv.http.post(
              "/api/v1/runs",
              "{\"experiment\":\"../x\",\"snapshot_id\":\""
                  + snap.id()
                  + "\",\"run_configuration\":\"local\",\"script\":\"train.py\"}");
      assertThat(badName.status()).isEqualTo(400);
    }
  }
}
