package io.labrun.server;

import io.labrun.core.finish.RunFinisher;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.Execution;
import io.labrun.core.project.Project;
import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.core.snapshot.Snapshot;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.store.FileObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs with history as labrun records it: through the real snapshotter and finisher. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private Fixtures() {}

  /** The same run in another experiment and sweep (null: in none). */
  static Run placed(Run run, String experiment, String sweepId) {
    return new Run(
        run.id(),
        experiment,
        run.runConfiguration(),
        run.target(),
        run.targetType(),
        run.script(),
        run.arguments(),
        run.environment(),
        run.user(),
        run.host(),
        run.gitCommit(),
        run.gitDirty(),
        run.snapshotId(),
        run.created(),
        run.started(),
        run.ended(),
        run.status(),
        run.exitCode(),
        run.statusDetail(),
        sweepId,
        run.attempt(),
        run.attributes());
  }

  static Run run(String id, long minutes, String target, String script, RunStatus status) {
    Run r =
        new Run(
            id,
            "iris",
            "local",
            target,
            "local",
            script,
            List.of("0.5", "--epochs", "3"),
            Map.of("MODE", "fast", "DB_PASSWORD", "***"),
            "alice",
            "laptop",
            "abc123",
            false,
            null,
            T0.plusSeconds(60 * minutes),
            null,
            null,
            RunStatus.QUEUED,
            null,
            null,
            null,
            1,
            Map.of("project_root", "/home/alice/secret-project", "submitter_pid", "4242"));
    if (status == RunStatus.QUEUED) {
      return r;
    }
    r = r.withStatus(RunStatus.RUNNING, r.created().plusSeconds(1));
    return status == RunStatus.RUNNING
        ? r
        : r.withExit(status == RunStatus.COMPLETED ? 0 : 1, null)
            .withStatus(status, r.created().plusSeconds(30 + minutes));
  }

  static void points(RunStore store, String runId, String name, int n, double scale) {
    List<MetricPoint> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      points.add(new MetricPoint(name, i, T0.plusMillis(i), scale * i / Math.max(1, n - 1), null));
    }
    store.appendMetrics(runId, points);
  }

  /**
   * Snapshots {@code project} (links that leave it are skipped, as labrun does) and records it with
   * the run.
   */
  static Snapshot snapshot(ObjectStore objects, Path cache, Path project) {
    return new Snapshotter(objects, cache).take(new Project(project));
  }

  /**
   * What {@code labrun experiment submit} in remote mode does: snapshots {@code project}, asks the
   * server which objects it lacks and uploads those; their hashes are added to {@code uploaded}.
   */
  static Snapshot upload(
      Http http, ObjectStore clientObjects, Path cache, Path project, List<String> uploaded)
      throws IOException {
    Snapshot snap = snapshot(clientObjects, cache, project);
    Set<String> hashes = new LinkedHashSet<>();
    snap.entries().forEach(e -> hashes.add(e.sha256()));
    hashes.add(snap.id());
    Http.Response asked =
        http.post(
            "/api/v1/objects/missing", Http.JSON.writeValueAsString(Map.of("hashes", hashes)));
    for (tools.jackson.databind.JsonNode m : asked.json().get("missing")) {
      byte[] bytes;
      try (InputStream in = clientObjects.open(m.asString())) {
        bytes = in.readAllBytes();
      }
      Http.Response put = http.put("/api/v1/objects/" + m.asString(), bytes);
      if (put.status() != 201) {
        throw new AssertionError("upload of " + m.asString() + " answered " + put);
      }
      uploaded.add(m.asString());
    }
    return snap;
  }

  /** {@link #upload} with a client's objects and cache under {@code client}. */
  static Snapshot upload(Http http, Path client, Path project) throws IOException {
    return upload(
        http,
        new FileObjectStore(client.resolve("objects")),
        client.resolve("cache"),
        project,
        new ArrayList<>());
  }

  /**
   * Submits {@code script} of an uploaded snapshot to the {@code local} run configuration; returns
   * the run id.
   */
  static String submit(Http http, Snapshot snap, String script, String... args) {
    Http.Response r =
        http.post(
            "/api/v1/runs",
            Http.JSON.writeValueAsString(
                Map.of(
                    "experiment",
                    "iris",
                    "snapshot_id",
                    snap.id(),
                    "run_configuration",
                    "local",
                    "script",
                    script,
                    "arguments",
                    List.of(args))));
    if (r.status() != 202 || !r.json().get("status").asString().equals("Queued")) {
      throw new AssertionError("submit answered " + r);
    }
    return r.json().get("run_id").asString();
  }

  /**
   * Ends a running run through the real {@link RunFinisher}: {@code outputs} become its artifacts,
   * {@code metricsLines} (the scripts' metrics file format) its metrics.
   */
  static Run finish(
      RunStore store,
      ObjectStore objects,
      LabrunPaths paths,
      Run run,
      Path outputs,
      String metricsLines)
      throws IOException {
    Path metrics = Files.createDirectories(paths.runState(run.id()).resolve("metrics-in"));
    Files.writeString(metrics.resolve("metrics-1.log"), metricsLines);
    Execution done =
        new Execution() {
          @Override
          public Map<String, String> attributes() {
            return Map.of();
          }

          @Override
          public byte[] readOutput(long offset, int max) {
            return new byte[0];
          }

          @Override
          public Optional<ExitRecord> poll() {
            return Optional.empty();
          }

          @Override
          public void cancel() {}

          @Override
          public Collected collect(Path scratch) {
            return new Collected(outputs, metrics);
          }

          @Override
          public void cleanUp() {}
        };
    return new RunFinisher(store, objects, paths, Clock.systemUTC())
        .finish(
            run.id(),
            done,
            new ExitRecord(0, null, run.started().plusSeconds(20), false, false, false, null, 0));
  }

  /** Writes records in the supervisor's output.log format for the run. */
  static Path log(LabrunPaths paths, String runId, List<String> lines) throws IOException {
    Path log = Files.createDirectories(paths.runState(runId)).resolve("output.log");
    StringBuilder sb = new StringBuilder();
    long t = T0.toEpochMilli();
    for (String line : lines) {
      sb.append(t++).append("\to\t").append(line).append('\n');
    }
    Files.writeString(
        log,
        sb.toString(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return log;
  }
}
