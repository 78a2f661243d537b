package io.labrun.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.sweep.Goal;
import io.labrun.core.sweep.Sweep;
import io.labrun.core.sweep.SweepFiles;
import io.labrun.core.sweep.SweepHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps an older labrun kept in the data folder ({@code DATA/sweeps/ID.json}, {@code ID.canceled})
 * beside a history of schema version 8 keep working once this labrun opens it: they are imported
 * into the store when first looked up, and are then found without the files.
 */
class SweepHistoryTest {
  @TempDir Path data;

  @Test
  void anOlderLabrunsSweepFilesAreImportedOnFirstUse() throws Exception {
    SqlRunStore.openFile(data.resolve(History.DATABASE)).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("labrun.db"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE sweeps"); // as labrun left it before version 9
      s.execute("DELETE FROM schema_version WHERE version > 8");
    }
    SweepFiles files = new SweepFiles(data.resolve("sweeps"));
    Sweep canceled = TestSweeps.sweep("iris-sweep_old1", "loss", Goal.MIN, "r1", "r2");
    Sweep going = TestSweeps.sweep("iris-sweep_old2", "acc", Goal.MAX, "r3");
    files.write(canceled);
    files.markCanceled(canceled.id());
    files.write(going);

    try (SqlRunStore store = History.open(data)) {
      SweepHistory sweeps = new SweepHistory(store.sweepRecords(), files, true);
      assertThat(sweeps.read(canceled.id())).contains(canceled);
      assertThat(sweeps.canceled(canceled.id())).isTrue();
      assertThat(sweeps.read(going.id())).contains(going);
      assertThat(sweeps.canceled(going.id())).isFalse();
      assertThat(sweeps.read("iris-sweep_none")).isEmpty();
    }
    try (Stream<Path> old = Files.list(data.resolve("sweeps"))) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    try (SqlRunStore store = History.open(data)) {
      var inStore = store.sweepRecords();
      assertThat(inStore.read(canceled.id())).as("imported").contains(canceled);
      assertThat(inStore.canceled(canceled.id())).isTrue();
      assertThat(inStore.read(going.id())).contains(going);
      assertThat(inStore.canceled(going.id())).isFalse();
    }
  }

  @Test
  void anEmbeddedHistoryCopiesItsSweepsToTheDataFolderAndATeamHistoryDoesNot() throws Exception {
    Sweep sweep = TestSweeps.sweep("iris-sweep_new", "loss", Goal.MIN, "r1");
    try (SqlRunStore store = History.open(data)) {
      SweepFiles embedded = new SweepFiles(data.resolve("embedded"));
      SweepHistory beside = new SweepHistory(store.sweepRecords(), embedded, true);
      beside.write(sweep);
      beside.markCanceled(sweep.id());
      // what 'history rebuild' (which makes the database again from the data folder) can read back
      assertThat(embedded.read(sweep.id())).contains(sweep);
      assertThat(embedded.canceled(sweep.id())).isTrue();

      SweepFiles team = new SweepFiles(data.resolve("team"));
      SweepHistory shared = new SweepHistory(store.sweepRecords(), team, false);
      Sweep other = TestSweeps.sweep("iris-sweep_team", "loss", Goal.MIN, "r2");
      shared.write(other);
      shared.markCanceled(other.id());
      assertThat(shared.read(other.id())).contains(other);
      assertThat(shared.canceled(other.id())).isTrue();
      assertThat(data.resolve("team")).doesNotExist();
    }
  }
}
