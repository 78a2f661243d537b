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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What remote submissions leave on the server is cleaned up, on the real local target: a snapshot's
 * unpacked project folder goes when its last run ends, and deleting runs removes the objects no run
 * uses any more (their snapshot manifests, files and artifacts), but never an object a submission
 * in progress has named or uploaded, nor one another run uses.
 */
class ServerCleanupIT {
  @TempDir Path tmp;

  @Test
  void projectFoldersGoWhenRunsEndAndDeletingRunsCollectsOnlyObjectsNobodyUses() throws Exception {
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
    try (TestServer srv =
        TestServer.withLocalPipeline(
            tmp.resolve("server"),
            TestDatabases.sqlite(tmp.resolve("db")),
            ServerConfig.defaults())) {
      Path projects = srv.paths.dataDir().resolve("server/projects");
      Files.writeString(project.resolve("a.txt"), "only in the first snapshot");
      Snapshot s1 =
          Fixtures.upload(
              srv.http, clientObjects, tmp.resolve("client/cache"), project, new ArrayList<>());
      String a = Fixtures.submit(srv.http, s1, "train.py");
      await().atMost(Duration.ofSeconds(60)).until(() -> status(srv, a).equals("Completed"));
      await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(projects.resolve(s1.id())));

      Files.delete(project.resolve("a.txt"));
      Snapshot s2 =
          Fixtures.upload(
              srv.http, clientObjects, tmp.resolve("client/cache"), project, new ArrayList<>());
      String b = Fixtures.submit(srv.http, s2, "train.py");
      await().atMost(Duration.ofSeconds(60)).until(() -> status(srv, b).equals("Completed"));
      await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(projects.resolve(s2.id())));

      // Everything stored so far is old: only use protects it from now on.
      age(srv.paths.objects());
      String aFile = s1.entry("a.txt").map(SnapshotEntry::sha256).orElseThrow();
      String aModel = artifact(srv, a);
      String bModel = artifact(srv, b);

      // A submission in progress: it has asked which objects the server lacks (a.txt, present) and
      // uploaded c.txt.
      Files.writeString(project.resolve("a.txt"), "only in the first snapshot");
      Files.writeString(project.resolve("c.txt"), "new");
      List<String> uploaded = new ArrayList<>();
      Snapshot s3 =
          Fixtures.upload(srv.http, clientObjects, tmp.resolve("client/cache"), project, uploaded);
      assertThat(uploaded)
          .doesNotContain(aFile)
          .contains(s3.entry("c.txt").map(SnapshotEntry::sha256).orElseThrow());

      assertThat(srv.http.send(srv.http.request("/api/v1/runs/" + a).DELETE().build()).status())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !srv.objects.contains(s1.id()) && !srv.objects.contains(aModel));
      assertThat(srv.objects.contains(aFile))
          .as("a.txt, named by the submission in progress")
          .isTrue();
      assertThat(srv.objects.contains(s2.id()))
          .as("the snapshot of a run still in history")
          .isTrue();
      assertThat(s2.entries())
          .allSatisfy(e -> assertThat(srv.objects.contains(e.sha256())).as(e.path()).isTrue());
      assertThat(srv.objects.contains(bModel))
          .as("the artifact of a run still in history")
          .isTrue();

      String c = Fixtures.submit(srv.http, s3, "train.py");
      await().atMost(Duration.ofSeconds(60)).until(() -> status(srv, c).equals("Completed"));
      assertThat(srv.http.get("/api/v1/runs/" + c + "/snapshot/a.txt").body())
          .isEqualTo("only in the first snapshot");
      await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(projects.resolve(s3.id())));
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

  /** Sets every stored object's time two hours back, past the collection's grace of one hour. */
  private static void age(Path objects) throws Exception {
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    try (var walk = Files.walk(objects)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, old);
      }
    }
  }
}
