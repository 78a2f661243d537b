package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Working folders handed from one run to the next: only a folder its run left exactly as written is
 * handed on, and the next run always finds its snapshot's files, whole and unchanged.
 */
class WorkFoldersTest {
  @TempDir Path tmp;
  ProjectFixture p;
  Snapshot snapshot;
  WorkFolders folders;
  Path runs;

  @BeforeEach
  void project() {
    p = new ProjectFixture(tmp);
    p.write("aml_config/local.compute", "type: local\n");
    p.writeExecutable("train.py", "print('hi')\n");
    p.write("data/iris.csv", "5.1,3.5\n");
    snapshot = p.snapshotter().take(p.project);
    runs = tmp.resolve("runs");
    folders = new WorkFolders(p.snapshotter(), tmp.resolve("spares"));
  }

  @AfterEach
  void close() {
    folders.close();
  }

  @Test
  void aFolderItsRunLeftAsWrittenIsHandedOnWithItsOutputsGone() throws Exception {
    Path first = runs.resolve("r1/work");
    folders.materialize(snapshot, first);
    Object key =
        Files.readAttributes(first.resolve("train.py"), BasicFileAttributes.class).fileKey();
    Files.writeString(
        Files.createDirectories(first.resolve("outputs")).resolve("model.pkl"), "weights");
    Files.readString(first.resolve("data/iris.csv")); // reading changes nothing

    folders.release(first);
    Path second = runs.resolve("r2/work");
    folders.materialize(snapshot, second);

    assertThat(first).doesNotExist();
    assertThat(
            Files.readAttributes(second.resolve("train.py"), BasicFileAttributes.class).fileKey())
        .isEqualTo(key);
    assertThat(tree(second))
        .containsExactly(
            "aml_config", "aml_config/local.compute", "data", "data/iris.csv", "train.py");
    assertThat(folders.describe()).isEqualTo("1 written, 1 handed on");
  }

  @Test
  void aChangedFileIsNeverHandedOnEvenWithItsSizeAndTimesPutBack() throws Exception {
    Path first = runs.resolve("r1/work");
    folders.materialize(snapshot, first);
    Path csv = first.resolve("data/iris.csv");
    var mtime = Files.getLastModifiedTime(csv);
    Files.writeString(csv, "9.9,9.9\n"); // same size
    Files.setLastModifiedTime(csv, mtime);

    folders.release(first);
    Path second = runs.resolve("r2/work");
    folders.materialize(snapshot, second);

    assertThat(second.resolve("data/iris.csv")).hasContent("5.1,3.5");
    assertThat(folders.describe()).isEqualTo("2 written, 0 handed on");
  }

  @Test
  void extraDeletedOrReplacedFilesAndModeChangesAreNotHandedOn() throws Exception {
    List<Consumer<Path>> changes =
        List.of(
            w -> write(w.resolve("data/new.txt"), "x"),
            w -> write(w.resolve("__pycache__/m.pyc"), "x"),
            w -> delete(w.resolve("data/iris.csv")),
            w -> {
              delete(w.resolve("train.py"));
              write(w.resolve("train.py"), "print('hi')\n");
            },
            w -> chmod(w.resolve("train.py"), "rw-r--r--"),
            w -> chmod(w, "rwx------"),
            w -> rewrite(w.resolve("aml_config/local.compute"))); // the same bytes written again
    int i = 0;
    for (var change : changes) {
      Path w = runs.resolve("r" + i++ + "/work");
      folders.materialize(snapshot, w);
      change.accept(w);
      folders.release(w);
      assertThat(w).doesNotExist();
    }
    Path last = runs.resolve("last/work");
    folders.materialize(snapshot, last);
    assertThat(folders.describe()).isEqualTo((changes.size() + 1) + " written, 0 handed on");
    assertThat(tree(last))
        .containsExactly(
            "aml_config", "aml_config/local.compute", "data", "data/iris.csv", "train.py");
    assertThat(last.resolve("train.py")).hasContent("print('hi')");
    assertThat(Files.isExecutable(last.resolve("train.py"))).isTrue();
  }

  @Test
  void aFolderItDidNotWriteIsDeleted() throws Exception {
    Path other = runs.resolve("r1/work");
    p.snapshotter().materialize(snapshot, other);

    folders.release(other);

    assertThat(other).doesNotExist();
    assertThat(spares()).isEmpty();
  }

  @Test
  void aSpareChangedWhileItWaitedIsNotUsed() throws Exception {
    Path first = runs.resolve("r1/work");
    folders.materialize(snapshot, first);
    folders.release(first);
    try (Stream<Path> s = Files.walk(tmp.resolve("spares"))) {
      Path spareCsv = s.filter(f -> f.endsWith("data/iris.csv")).findFirst().orElseThrow();
      Files.writeString(spareCsv, "0.0,0.0\n");
    }

    Path second = runs.resolve("r2/work");
    folders.materialize(snapshot, second);

    assertThat(second.resolve("data/iris.csv")).hasContent("5.1,3.5");
    assertThat(folders.describe()).isEqualTo("2 written, 0 handed on");
  }

  @Test
  void closingDeletesTheSparesAndSparesOfDeadProcessesGo() throws Exception {
    Path dead = Files.createDirectories(tmp.resolve("spares/999999999-left/abc-1/data"));
    Path first = runs.resolve("r1/work");
    folders.materialize(snapshot, first);
    folders.release(first);
    assertThat(dead.getParent().getParent()).doesNotExist();
    assertThat(spares()).hasSize(1);

    folders.close();

    assertThat(spares()).isEmpty();
  }

  @Test
  void rememberedFoldersAreBoundedAndAForgottenOneIsDeleted() throws Exception {
    for (int i = 0; i <= WorkFolders.REMEMBERED; i++) {
      folders.materialize(snapshot, runs.resolve("r" + i + "/work"));
    }

    folders.release(runs.resolve("r0/work")); // the oldest: forgotten
    folders.release(runs.resolve("r1/work"));

    assertThat(runs.resolve("r0/work")).doesNotExist();
    assertThat(runs.resolve("r1/work")).doesNotExist();
    assertThat(spareFolders()).hasSize(1);
  }

  @Test
  void aSpareNobodyTookInTimeIsDeleted() throws Exception {
    folders.close();
    folders = new WorkFolders(p.snapshotter(), tmp.resolve("spares"), Duration.ZERO);
    Path first = runs.resolve("r1/work");
    folders.materialize(snapshot, first);
    folders.release(first);
    assertThat(spareFolders()).hasSize(1);

    Path second = runs.resolve("r2/work");
    folders.materialize(snapshot, second);

    assertThat(spareFolders()).isEmpty();
    assertThat(folders.describe()).isEqualTo("2 written, 0 handed on");
    assertThat(second.resolve("train.py")).hasContent("print('hi')");
  }

  @Test
  void keepsAtMostItsLimitOfSpares() throws Exception {
    int n = WorkFolders.MAX_SPARES + 3;
    for (int i = 0; i < n; i++) {
      folders.materialize(snapshot, runs.resolve("r" + i + "/work"));
    }
    for (int i = 0; i < n; i++) {
      folders.release(runs.resolve("r" + i + "/work"));
      assertThat(runs.resolve("r" + i + "/work")).doesNotExist();
    }
    try (Stream<Path> s = Files.list(spares().get(0))) {
      assertThat(s.count()).isEqualTo(WorkFolders.MAX_SPARES);
    }
  }

  private List<Path> spares() throws Exception {
    if (!Files.isDirectory(tmp.resolve("spares"))) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmp.resolve("spares"))) {
      return s.toList();
    }
  }

  /** The spare folders now kept (below this object's own folder). */
  private List<Path> spareFolders() throws Exception {
    List<Path> out = new ArrayList<>();
    for (Path own : spares()) {
      try (Stream<Path> s = Files.list(own)) {
        out.addAll(s.toList());
      }
    }
    return out;
  }

  private static List<String> tree(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(f -> !f.equals(root))
          .map(f -> root.relativize(f).toString())
          .sorted()
          .toList();
    }
  }

  private static void write(Path f, String s) {
    try {
      Files.createDirectories(f.getParent());
      Files.writeString(f, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void rewrite(Path f) {
    try {
      Files.writeString(f, Files.readString(f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path f) {
    try {
      Files.delete(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chmod(Path f, String mode) {
    try {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
