package io.labrun.server;

import io.labrun.core.home.LabrunPaths;
import io.labrun.core.sweep.SweepFiles;
import io.labrun.core.sweep.SweepHistory;
import io.labrun.format.AmlProjectConfigs;
import io.labrun.store.FileObjectStore;
import io.labrun.store.SqlRunStore;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A server in a JVM of its own, for tests and benchmarks that need to see its memory: {@code
 * ServeMain DATA_HOME STORE_URL} prints {@code PORT n} and serves until stdin closes.
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    LabrunPaths paths = new LabrunPaths(home.resolve("data"), home.resolve("config"));
    try (SqlRunStore store = SqlRunStore.open(args[1])) {
      ServerSetup setup =
          new ServerSetup(
              store,
              store,
              store.tokens(),
              new SweepHistory(
                  store.sweepRecords(), new SweepFiles(paths.dataDir().resolve("sweeps")), false),
              new FileObjectStore(paths.objects()),
              paths,
              null,
              AmlProjectConfigs::new,
              null,
              Clock.systemUTC());
      try (LabrunServer server = LabrunServer.start(ServerConfig.defaults().withPort(0), setup)) {
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
          // serve until the parent closes our stdin
        }
      }
    }
  }
}
