package io.labrun.server;

import io.labrun.app.RunPipeline;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import io.labrun.core.sweep.SweepFiles;
import io.labrun.core.sweep.SweepHistory;
import io.labrun.format.AmlProjectConfigs;
import io.labrun.store.FileObjectStore;
import io.labrun.store.SqlRunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * A labrun server on a free loopback port over a history at {@code storeUrl}, with one admin token.
 */
final class TestServer implements AutoCloseable {
  final LabrunPaths paths;
  final SqlRunStore store;
  final ObjectStore objects;
  final LabrunServer server;
  final String token;
  final Http http;

  TestServer(
      Path home, String storeUrl, Project project, RunPipeline pipeline, ServerConfig config) {
    this(home, storeUrl, project, p -> pipeline, config);
  }

  /** A server whose pipeline is made from its own store, objects and paths (null for none). */
  TestServer(
      Path home,
      String storeUrl,
      Project project,
      Function<TestServer, RunPipeline> pipeline,
      ServerConfig config) {
    this(home, storeUrl, project, pipeline, config, null);
  }

  /** The same, keeping objects in {@code objects} (null: the data folder's). */
  TestServer(
      Path home,
      String storeUrl,
      Project project,
      Function<TestServer, RunPipeline> pipeline,
      ServerConfig config,
      ObjectStore objects) {
    this.paths = new LabrunPaths(home.resolve("data"), home.resolve("config"));
    this.store = SqlRunStore.open(storeUrl);
    this.objects = objects != null ? objects : new FileObjectStore(paths.objects());
    this.token = ApiTokenText.generate();
    store
        .tokens()
        .add("tester-" + UUID.randomUUID(), ApiTokenText.sha256(token), Instant.now(), Role.ADMIN);
    ServerSetup setup =
        new ServerSetup(
            store,
            store,
            store.tokens(),
            new SweepHistory(
                store.sweepRecords(), new SweepFiles(paths.dataDir().resolve("sweeps")), false),
            this.objects,
            paths,
            project,
            AmlProjectConfigs::new,
            pipeline.apply(this),
            Clock.systemUTC());
    this.server = LabrunServer.start(config.withPort(0), setup);
    this.http = new Http(server.port(), token);
  }

  /**
   * A server that runs submitted projects on the real local target (HOME for the scripts inside
   * {@code home}).
   */
  static TestServer withLocalPipeline(Path home, String storeUrl, ServerConfig config) {
    return withLocalPipeline(home, storeUrl, config, null);
  }

  /** The same, keeping objects in {@code objects} (null: the data folder's). */
  static TestServer withLocalPipeline(
      Path home, String storeUrl, ServerConfig config, ObjectStore objects) {
    return new TestServer(
        home,
        storeUrl,
        null,
        s -> {
          try {
            return new LocalPipeline(s.store, s.objects, s.paths, home.resolve("user"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        config,
        objects);
  }

  TestServer(Path home, String storeUrl) {
    this(home, storeUrl, null, (RunPipeline) null, ServerConfig.defaults());
  }

  /** A client with a new token of that name and role. */
  Http as(String name, Role role) {
    String t = ApiTokenText.generate();
    store.tokens().add(name, ApiTokenText.sha256(t), Instant.now(), role);
    return http.withToken(t);
  }

  Http anonymous() {
    return http.withToken(null);
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }
}
