package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taking snapshots: what goes in, what is stored, and what the stat cache spares. */
class SnapshotterTest {
  @TempDir Path tmp;
  ProjectFixture p;

  @BeforeEach
  void project() {
    p = new ProjectFixture(tmp);
    p.write("aml_config/local.compute", "type: local\n");
    p.writeExecutable("train.py", "print('hi')\n");
    p.write("data/iris.csv", "5.1,3.5\n");
    p.write("data/big.tmp", "scratch");
    p.write(".gitignore", "*.tmp\n/notes/\n");
    p.write("src/.gitignore", "generated/\n!keep.tmp\n");
    p.write("src/keep.tmp", "kept by the nested .gitignore");
    p.write("src/generated/a.py", "x = 1\n");
    p.write("src/lib.py", "y = 2\n");
    p.write("notes/todo.txt", "ignored");
    p.write(".amlignore", "*.bin\n");
    p.write("model.bin", "ignored by amlignore");
    p.write("outputs/model.pkl", "a previous run's output");
    p.write(".git/HEAD", "ref: refs/heads/main\n");
    p.write("src/__pycache__/lib.cpython-311.pyc", "bytecode");
  }

  @Test
  void takesEveryFileTheRulesDoNotIgnore() {
    SnapshotReport r = p.snapshotter().takeReport(p.project);

    assertThat(r.snapshot().entries())
        .extracting(SnapshotEntry::path)
        .containsExactly(
            ".amlignore",
            ".gitignore",
            "aml_config/local.compute",
            "data/iris.csv",
            "src/.gitignore",
            "src/keep.tmp",
            "src/lib.py",
            "train.py");
    assertThat(r.snapshot().entry("train.py"))
        .hasValueSatisfying(e -> assertThat(e.executable()).isTrue());
    assertThat(r.snapshot().entry("src/lib.py"))
        .hasValueSatisfying(e -> assertThat(e.executable()).isFalse());
    assertThat(r.snapshot().entry("data/iris.csv"))
        .hasValueSatisfying(e -> assertThat(e.size()).isEqualTo(8));
    assertThat(r.filesScanned()).isEqualTo(8);
    assertThat(r.filesHashed()).isEqualTo(8);
    assertThat(r.skipped()).isEmpty();
  }

  @Test
  void theManifestIsStoredAndLoadsBack() {
    Snapshot s = p.snapshotter().take(p.project);
    assertThat(p.store.contains(s.id())).isTrue();
    assertThat(Snapshot.load(p.store, s.id())).isEqualTo(s);
  }

  @Test
  void identicalFilesAreStoredOnce() {
    p.write("copy1.txt", "same bytes");
    p.write("deep/copy2.txt", "same bytes");
    int before = p.store.ids().size();

    Snapshot s = p.snapshotter().take(p.project);

    assertThat(s.entry("copy1.txt").orElseThrow().sha256())
        .isEqualTo(s.entry("deep/copy2.txt").orElseThrow().sha256());
    // 8 files with 8 different contents + 1 shared content + the manifest
    assertThat(p.store.ids()).hasSize(before + 8 + 1 + 1);
  }

  @Test
  void anUnchangedProjectGivesTheSameSnapshotWithoutReadingAFile() {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot first = snapshotter.take(p.project);
    int filesRead = p.store.filesPut();
    int contains = p.store.containsCalls();

    SnapshotReport again = snapshotter.takeReport(p.project);
    SnapshotReport fresh =
        p.snapshotter().takeReport(p.project); // a new process: the cache is on disk

    assertThat(again.snapshot()).isEqualTo(first);
    assertThat(fresh.snapshot()).isEqualTo(first);
    assertThat(again.filesHashed()).isZero();
    assertThat(fresh.filesHashed()).isZero();
    assertThat(p.store.filesPut()).isEqualTo(filesRead);
    // no contains() per file: one per snapshot for the canary, whatever the number of files
    assertThat(p.store.containsCalls() - contains).isEqualTo(2);
  }

  @Test
  void aChangedFileIsTheOnlyOneRead() {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot before = snapshotter.take(p.project);

    p.rewrite("src/lib.py", "y = 3\n", Duration.ofMinutes(30));
    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(1);
    assertThat(r.bytesHashed()).isEqualTo(6);
    assertThat(before.diff(r.snapshot()).changed()).containsExactly("src/lib.py");
    assertThat(snapshotter.takeReport(p.project).filesHashed()).isZero();
  }

  @Test
  void addedAndRemovedFilesShowAndOnlyNewContentIsRead() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot before = snapshotter.take(p.project);

    Files.delete(p.root.resolve("data/iris.csv"));
    p.write("data/new.csv", "1,2\n");
    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(1);
    SnapshotDiff d = before.diff(r.snapshot());
    assertThat(d.added()).containsExactly("data/new.csv");
    assertThat(d.removed()).containsExactly("data/iris.csv");
    assertThat(d.changed()).isEmpty();
  }

  @Test
  void makingAFileExecutableIsNoticedWithoutReadingIt() {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot before = snapshotter.take(p.project);

    ProjectFixture.chmod(p.root.resolve("src/lib.py"), "rwxr-xr-x");
    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isZero();
    assertThat(before.diff(r.snapshot()).changed()).containsExactly("src/lib.py");
  }

  @Test
  void aFileReplacedWithTheSameSizeAndTimeIsReadAgainBecauseItsInodeChanged() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    snapshotter.take(p.project);
    Path lib = p.root.resolve("src/lib.py");
    FileTime time = Files.getLastModifiedTime(lib);

    // what rsync or an editor's save-by-rename does: new file, same size, old time restored
    Path replacement = p.root.resolve("src/lib.py.new");
    Files.writeString(replacement, "z = 9\n");
    Files.setLastModifiedTime(replacement, time);
    Files.move(replacement, lib, StandardCopyOption.REPLACE_EXISTING);
    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(1);
    assertThat(r.snapshot().entry("src/lib.py").orElseThrow().sha256())
        .isEqualTo(Manifest.sha256Hex("z = 9\n".getBytes()));
  }

  @Test
  void filesModifiedJustBeforeASnapshotAreReadAgainNextTime() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    snapshotter.take(p.project);
    Path lib = p.root.resolve("src/lib.py");
    Files.writeString(lib, "y = 4\n"); // now: within the racy margin
    FileTime written = Files.getLastModifiedTime(lib);
    assertThat(snapshotter.takeReport(p.project).filesHashed()).isEqualTo(1);

    // Rewritten in the same clock tick: same size, same time, same inode. Only not trusting
    // recent entries catches this.
    Files.writeString(lib, "y = 5\n");
    Files.setLastModifiedTime(lib, written);
    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(1);
    assertThat(r.snapshot().entry("src/lib.py").orElseThrow().sha256())
        .isEqualTo(Manifest.sha256Hex("y = 5\n".getBytes()));
  }

  @Test
  void aStoreThatLostTheLastSnapshotMakesEveryCachedObjectBeChecked() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot first = snapshotter.take(p.project);
    String lib = first.entry("src/lib.py").orElseThrow().sha256();
    p.store.delete(lib);
    p.store.delete(first.id()); // a cleanup took the snapshot and one of its objects

    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(1);
    assertThat(r.snapshot()).isEqualTo(first);
    assertThat(p.store.contains(lib)).isTrue();
    assertThat(p.store.contains(first.id())).isTrue();
  }

  @Test
  void anEmptiedStoreGetsEverythingAgain() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot first = snapshotter.take(p.project);
    p.store.clear();

    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(first.entries().size());
    p.snapshotter().materialize(r.snapshot(), tmp.resolve("out"));
    assertThat(tmp.resolve("out/src/lib.py")).hasContent("y = 2");
  }

  @Test
  void verificationFindsAnObjectLostWhileItsSnapshotStayed() throws Exception {
    p.snapshotter().take(p.project);
    Snapshot first = p.snapshotter().take(p.project);
    p.store.delete(first.entry("data/iris.csv").orElseThrow().sha256());

    Snapshotter trusting = p.snapshotter();
    assertThat(trusting.takeReport(p.project).filesHashed()).isZero();

    Snapshotter verifying =
        new Snapshotter(
            p.store, p.cacheDir, Snapshotter.Options.defaults().withVerifyStoredObjects(true));
    assertThat(verifying.takeReport(p.project).filesHashed()).isEqualTo(1);
    assertThat(p.store.contains(first.entry("data/iris.csv").orElseThrow().sha256())).isTrue();
  }

  @Test
  void aDamagedCacheCostsAReadNotAWrongSnapshot() throws Exception {
    Snapshot first = p.snapshotter().take(p.project);
    try (Stream<Path> caches = Files.list(p.cacheDir)) {
      for (Path c : caches.toList()) {
        byte[] bytes = Files.readAllBytes(c);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(c, bytes);
      }
    }
    SnapshotReport r = p.snapshotter().takeReport(p.project);

    assertThat(r.snapshot()).isEqualTo(first);
    assertThat(r.filesHashed()).isEqualTo(first.entries().size());
  }

  @Test
  void theCacheIsOneFilePerProjectWithNoTempFilesLeft() throws Exception {
    p.snapshotter().take(p.project);
    ProjectFixture other = new ProjectFixture(tmp.resolve("other"));
    other.write("a.py", "a");
    new Snapshotter(p.store, p.cacheDir).take(other.project);

    try (Stream<Path> files = Files.list(p.cacheDir)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .hasSize(2)
          .allMatch(n -> n.matches("[0-9a-f]{32}\\.statcache"));
    }
  }

  @Test
  void aSizeLimitNamesTheLargestFiles() {
    p.write("data/huge.csv", new byte[3000]);
    p.write("data/large.csv", new byte[2000]);
    Snapshotter limited =
        new Snapshotter(p.store, p.cacheDir, Snapshotter.Options.defaults().withMaxBytes(4096));

    assertThatThrownBy(() -> limited.take(p.project))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
        .hasMessageContaining("over the snapshot limit of 4.0 KiB")
        .hasMessageContaining("largest files: data/huge.csv (2.9 KiB), data/large.csv (2.0 KiB)")
        .hasMessageContaining(".amlignore");
    assertThat(p.store.filesPut()).isZero();

    Snapshotter roomy =
        new Snapshotter(p.store, p.cacheDir, Snapshotter.Options.defaults().withMaxBytes(1 << 20));
    assertThat(roomy.take(p.project).entries()).hasSize(10);
  }

  @Test
  void aMissingProjectFolderIsNotFound() throws Exception {
    Path gone = tmp.resolve("gone");
    assertThatThrownBy(() -> p.snapshotter().take(new Project(gone)))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));
  }
}
