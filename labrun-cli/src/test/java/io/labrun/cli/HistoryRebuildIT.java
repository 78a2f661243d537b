package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history database truncated to 0 bytes or damaged is refused (exit 6, the file and how to
 * recover named), never taken for a new empty history; {@code history rebuild} makes every run's
 * record again from the run folders: status, arguments, metrics, params, artifacts.
 */
class HistoryRebuildIT {
  @TempDir Path tmp;
  Cli cli;
  Path project;
  Path db;

  @BeforeEach
  void runs() throws Exception {
    cli = new Cli(tmp);
    assertThat(cli.in(tmp, "project", "init", "p").code()).isZero();
    project = tmp.resolve("p");
    db = tmp.resolve("labrun/data/labrun.db");
    Files.writeString(
        project.resolve("train.py"),
        """
        import os, sys
        from azureml.logging import get_azureml_logger
        import labrun
        logger = get_azureml_logger()
        for step in range(3):
            labrun.log_metric("loss", float(sys.argv[1]) / (step + 1), step=step)
        logger.log("Accuracy", 0.9)
        labrun.log_param("solver", "lbfgs")
        os.makedirs("outputs", exist_ok=True)
        open("outputs/model.txt", "w").write(sys.argv[1])
        sys.exit(int(sys.argv[2]))
        """);
    for (String[] args :
        List.of(new String[] {"1.0", "0"}, new String[] {"2.0", "0"}, new String[] {"3.0", "1"})) {
      Cli.Result r =
          cli.in(project, "experiment", "submit", "-c", "local", "train.py", args[0], args[1]);
      assertThat(r.code()).as(r.toString()).isEqualTo(Integer.parseInt(args[1]));
    }
  }

  private List<String> everything() {
    Cli.Result list = cli.in(project, "history", "list", "-o", "json");
    assertThat(list.code()).as(list.toString()).isZero();
    List<String> all = new ArrayList<>(List.of(list.out()));
    for (String id :
        cli.in(project, "history", "list", "-o", "json", "--query", "[].run_id")
            .out()
            .split("\"")) {
      if (id.startsWith("p_")) {
        Cli.Result info = cli.in(project, "history", "info", "-r", id, "-o", "json");
        assertThat(info.code()).as(info.toString()).isZero();
        all.add(info.out());
      }
    }
    return all;
  }

  @Test
  void aTruncatedDatabaseIsRefusedAndRebuiltFromTheRunFolders() throws Exception {
    List<String> before = everything();
    assertThat(before).hasSize(4);
    assertThat(before.get(3)).contains("\"loss\"").contains("lbfgs").contains("outputs/model.txt");
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    for (String[] command :
        List.of(
            new String[] {"history", "list"},
            new String[] {"experiment", "submit", "-c", "local", "train.py", "4", "0"})) {
      Cli.Result refused = cli.in(project, command);
      assertThat(refused.code()).as(refused.toString()).isEqualTo(6);
      assertThat(refused.err().strip().lines()).as(refused.toString()).hasSize(1);
      assertThat(refused.err())
          .contains(db.toString())
          .contains("is empty")
          .contains("labrun history rebuild");
    }
    assertThat(Files.size(db)).isZero();

    Cli.Result rebuilt = cli.in(project, "history", "rebuild");
    assertThat(rebuilt.code()).as(rebuilt.toString()).isZero();
    assertThat(rebuilt.out()).contains("with 3 runs");
    assertThat(everything()).isEqualTo(before);
    Cli.Result next = cli.in(project, "experiment", "submit", "-c", "local", "train.py", "4", "0");
    assertThat(next.code()).as(next.toString()).isZero();
    assertThat(
            cli.in(project, "history", "list", "-o", "json", "--query", "length(@)").out().strip())
        .isEqualTo("4");
  }

  @Test
  void aDamagedOrMissingDatabaseIsRefusedAndRebuilt() throws Exception {
    List<String> before = everything();
    byte[] garbage = new byte[8192];
    Arrays.fill(garbage, (byte) 'x');
    Files.write(db, garbage);
    Files.deleteIfExists(db.resolveSibling("labrun.db-wal"));
    Files.deleteIfExists(db.resolveSibling("labrun.db-shm"));
    Cli.Result damaged = cli.in(project, "history", "list");
    assertThat(damaged.code()).as(damaged.toString()).isEqualTo(6);
    assertThat(damaged.err()).contains(db.toString()).contains("labrun history rebuild");
    assertThat(cli.in(project, "history", "rebuild").code()).isZero();
    assertThat(everything()).isEqualTo(before);
    assertThat(Files.list(db.getParent()).map(f -> f.getFileName().toString()))
        .anyMatch(n -> n.startsWith("labrun.db.before-rebuild-"));

    Files.delete(db);
    Cli.Result missing = cli.in(project, "history", "list");
    assertThat(missing.code()).as(missing.toString()).isEqualTo(6);
    assertThat(missing.err()).contains("is missing");
    Cli.Result healthy = cli.in(project, "history", "rebuild");
    assertThat(healthy.code()).as(healthy.toString()).isZero();
    Cli.Result again = cli.in(project, "history", "rebuild");
    assertThat(again.code()).as(again.toString()).isEqualTo(2);
    assertThat(again.err()).contains("holds 3 runs").contains("--force");
  }
}
