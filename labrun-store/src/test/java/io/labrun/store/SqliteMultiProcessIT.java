package io.labrun.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.RunQuery;
import io.labrun.core.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty real JVM processes, as twenty {@code labrun} commands started at once, write to one new
 * SQLite history: all of them race to create the file and its schema, then each records a run.
 */
class SqliteMultiProcessIT {
  private static final int PROCESSES = 20;
  private static final int POINTS = 5_000;

  @TempDir Path dir;

  @Test
  void twentyProcessesOnOneFileLoseNothing() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("data/labrun.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      processes.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  classpath,
                  HistoryWriterMain.class.getName(),
                  url,
                  "p" + i,
                  Integer.toString(POINTS))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("p" + i + ".log").toFile())
              .start());
    }
    for (int i = 0; i < PROCESSES; i++) {
      Process p = processes.get(i);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("process %d ended", i).isTrue();
      assertThat(p.exitValue())
          .as(
              "process %d: %s",
              i, Files.readString(dir.resolve("p" + i + ".log"), StandardCharsets.UTF_8))
          .isZero();
    }

    try (SqlRunStore store = SqlRunStore.open(url)) {
      assertThat(store.list(RunQuery.all().withLimit(100)))
          .hasSize(PROCESSES)
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED));
      for (int i = 0; i < PROCESSES; i++) {
        assertThat(store.metricSummaries("p" + i).get("loss").count()).isEqualTo(POINTS);
        assertThat(store.params("p" + i)).containsKey("pid");
      }
      assertThat(store.schemaVersion()).isEqualTo(Migrations.latest());
    }
  }
}
