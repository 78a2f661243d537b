package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labrun.core.project.Project;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.SnapshotEntry;
import io.labrun.format.ProjectTemplate;
import io.labrun.objects.s3.S3Location;
import io.labrun.objects.s3.S3ObjectStore;
import io.labrun.objects.s3.S3Settings;
import io.labrun.store.FileObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collection of a server whose objects are in the test S3 server's bucket, while a client
 * keeps submitting: the project files every submission names are old enough to collect and no run
 * uses them between runs, yet no collection (one per deleted run) takes one a submission counts on;
 * every run completes, and in the end every object a remaining run uses is in the bucket while the
 * artifacts of deleted runs are gone.
 */
class S3CollectionIT {
  private static final Duration GRACE = Duration.ofSeconds(20);
  @TempDir Path tmp;

  @Test
  void collectionsRacingSubmissionsNeverTakeAnObjectANewRunCountsOn() throws Exception {
    if (System.getenv("LABRUN_TEST_S3_BUCKET") == null) {
      throw new IllegalStateException(
          "no test S3 server: start it with eval \"$(scripts/test-env/s3.sh)\"");
    }
    String url =
        "s3://"
            + System.getenv("LABRUN_TEST_S3_BUCKET")
            + "/collect-"
            + UUID.randomUUID().toString().substring(0, 8);
    Path project = Files.createDirectories(tmp.resolve("client/iris"));
    ProjectTemplate.create(new Project(project));
    Files.writeString(
        project.resolve("train.py"),
        """
        import os
        os.makedirs("outputs", exist_ok=True)
        open("outputs/model.txt", "w").write("model of " + os.environ["LABRUN_RUN_ID"])
        """);
    FileObjectStore clientObjects = new FileObjectStore(tmp.resolve("client/objects"));
    Path cache = tmp.resolve("client/cache");
    try (S3ObjectStore objects =
            S3ObjectStore.open(S3Settings.of(S3Location.parse(url), System.getenv()));
        TestServer srv =
            TestServer.withLocalPipeline(
                tmp.resolve("server"),
                TestDatabases.sqlite(tmp.resolve("db")),
                ServerConfig.defaults().withUnusedObjectGrace(GRACE),
                objects)) {
      // Runs to delete later, one at a time: each deletion starts a collection.
      List<String> doomed = new ArrayList<>();
      List<String> doomedModels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Files.writeString(project.resolve("doomed.txt"), "run " + i);
        Snapshot s = Fixtures.upload(srv.http, clientObjects, cache, project, new ArrayList<>());
        String run = Fixtures.submit(srv.http, s, "train.py");
        await().atMost(Duration.ofSeconds(60)).until(() -> status(srv, run).equals("Completed"));
        doomed.add(run);
        doomedModels.add(artifact(srv, run));
      }
      Files.delete(project.resolve("doomed.txt"));
      // Every object so far is now older than the grace: only use (or a submission naming it) keeps
      // it.
      Instant old = Instant.now();
      await()
          .atMost(GRACE.plusSeconds(30))
          .until(() -> Instant.now().isAfter(old.plus(GRACE).plusSeconds(2)));

      CompletableFuture<List<String>> submitting =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> runs = new ArrayList<>();
                try {
                  for (int i = 0; i < 3; i++) {
                    Files.writeString(project.resolve("new.txt"), "submission " + i);
                    Snapshot s =
                        Fixtures.upload(srv.http, clientObjects, cache, project, new ArrayList<>());
                    String run = Fixtures.submit(srv.http, s, "train.py");
                    runs.add(run);
                    await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> !status(srv, run).matches("Queued|Preparing|Running"));
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return runs;
              });
      for (String run : doomed) {
        assertThat(srv.http.send(srv.http.request("/api/v1/runs/" + run).DELETE().build()).status())
            .isEqualTo(200);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> !objects.contains(doomedModels.get(doomed.indexOf(run))));
      }
      List<String> kept = submitting.get();

      for (String run : kept) {
        assertThat(status(srv, run)).as(run).isEqualTo("Completed");
        String snapshotId =
            srv.http.get("/api/v1/runs/" + run + "/snapshot").json().get("snapshot_id").asString();
        Snapshot snap = Snapshot.load(objects, snapshotId);
        assertThat(snap.entries())
            .allSatisfy(e -> assertThat(objects.contains(e.sha256())).as(e.path()).isTrue());
        assertThat(objects.contains(artifact(srv, run))).isTrue();
      }
      assertThat(doomedModels).noneSatisfy(m -> assertThat(objects.contains(m)).isTrue());
      Snapshot first =
          Snapshot.load(
              objects,
              srv.http
                  .get("/api/v1/runs/" + kept.get(0) + "/snapshot")
                  .json()
                  .get("snapshot_id")
                  .asString());
      assertThat(first.entry("train.py").map(SnapshotEntry::sha256))
          .hasValueSatisfying(sha -> assertThat(objects.contains(sha)).isTrue());
    }
  }

  private static String status(TestServer srv, String run) {
    return srv.http.get("/api/v1/runs/" + run).json().get("status").asString();
  }

  private static String artifact(TestServer srv, String run) {
    return srv.http
        .get("/api/v1/runs/" + run + "/artifacts")
        .json()
        .get("artifacts")
        .get(0)
        .get("sha256")
        .asString();
  }
}
