package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a snapshot back out: for a run's working folder and for {@code history restore}. */
class MaterializeTest {
  @TempDir Path tmp;
  ProjectFixture p;

  @BeforeEach
  void project() throws Exception {
    p = new ProjectFixture(tmp);
    Random random = new Random(42);
    p.write("aml_config/local.compute", "type: local\n");
    p.writeExecutable("run.sh", "#!/bin/sh\necho hi\n");
    p.writeExecutable("bin/tool", "#!/bin/sh\n");
    p.write("empty.txt", new byte[0]);
    p.write("one.bin", new byte[] {7});
    byte[] big = new byte[3 << 20];
    random.nextBytes(big);
    p.write("data/deep/er/big.bin", big);
    p.write("data/deep/er/twin.bin", big);
    p.write(".gitignore", "*.log\n");
    p.write("debug.log", "ignored");
    Files.createDirectories(p.root.resolve("empty/folder"));
  }

  @Test
  void theCopyIsByteIdenticalWithTheSameExecutableBits() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot s = snapshotter.take(p.project);
    Path out = tmp.resolve("work");

    snapshotter.materialize(s, out);

    for (SnapshotEntry e : s.entries()) {
      Path copy = out.resolve(e.path());
      assertThat(copy).hasSameBinaryContentAs(p.root.resolve(e.path()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
          .isEqualTo(e.executable() ? "rwxr-xr-x" : "rw-r--r--");
    }
    assertThat(filesUnder(out))
        .containsExactlyInAnyOrderElementsOf(
            s.entries().stream().map(SnapshotEntry::path).toList());
    assertThat(out.resolve("debug.log")).doesNotExist();
    assertThat(out.resolve("empty")).as("empty folders are not part of a snapshot").doesNotExist();
  }

  @Test
  void aMaterializedProjectSnapshotsToTheSameId() {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot s = snapshotter.take(p.project);
    Path out = tmp.resolve("restored");
    snapshotter.materialize(s, out);

    assertThat(snapshotter.take(new Project(out)).id()).isEqualTo(s.id());
  }

  @Test
  void aRunChangingItsFilesCannotChangeTheStore() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot s = snapshotter.take(p.project);
    Path out = tmp.resolve("work");
    snapshotter.materialize(s, out);

    Files.writeString(out.resolve("one.bin"), "changed by the run");

    String sha = s.entry("one.bin").orElseThrow().sha256();
    try (var in = p.store.open(sha)) {
      assertThat(in.readAllBytes()).containsExactly(7);
    }
    assertThat(Files.getPosixFilePermissions(out.resolve("one.bin")))
        .contains(PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void theFolderMustBeNewOrEmpty() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot s = snapshotter.take(p.project);
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    snapshotter.materialize(s, empty);
    assertThat(empty.resolve("run.sh")).exists();

    assertThatThrownBy(() -> snapshotter.materialize(s, empty))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
        .hasMessageContaining("is not empty");
    assertThatThrownBy(() -> snapshotter.materialize(s, empty.resolve("run.sh")))
        .hasMessageContaining("is a file");
  }

  @Test
  void aLostObjectIsReportedAndTheCachesAreDropped() throws Exception {
    Snapshotter snapshotter = p.snapshotter();
    Snapshot s = snapshotter.take(p.project);
    String sha = s.entry("run.sh").orElseThrow().sha256();
    p.store.delete(sha);

    assertThatThrownBy(() -> snapshotter.materialize(s, tmp.resolve("work")))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORE))
        .hasMessageContaining("lost the content of run.sh")
        .hasMessageContaining(s.id());
    try (Stream<Path> caches = Files.list(p.cacheDir)) {
      assertThat(caches).isEmpty();
    }

    SnapshotReport again = snapshotter.takeReport(p.project);
    assertThat(again.filesHashed()).isEqualTo(s.entries().size());
    assertThat(p.store.contains(sha)).isTrue();
    snapshotter.materialize(again.snapshot(), tmp.resolve("work2"));
  }

  @Test
  void anEmptySnapshotMakesAnEmptyFolder() throws Exception {
    Snapshot empty = Snapshot.of(List.of());
    p.snapshotter().materialize(empty, tmp.resolve("nothing"));
    assertThat(tmp.resolve("nothing")).isEmptyDirectory();
  }

  private static List<String> filesUnder(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString().replace('\\', '/'))
          .toList();
    }
  }
}
