package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a snapshot does with symbolic links, special files and unusual file names. */
class LinksAndNamesTest {
  @TempDir Path tmp;
  ProjectFixture p;

  @BeforeEach
  void project() {
    p = new ProjectFixture(tmp);
    p.write("aml_config/local.compute", "type: local\n");
  }

  @Test
  void aLinkToAFileInsideIsTakenAsThatFilesContent() throws Exception {
    p.writeExecutable("scripts/train.py", "print(1)\n");
    Files.createSymbolicLink(p.root.resolve("train.py"), Path.of("scripts/train.py"));
    Files.createSymbolicLink(p.root.resolve("chain.py"), Path.of("train.py"));

    SnapshotReport r = p.snapshotter().takeReport(p.project);

    SnapshotEntry real = r.snapshot().entry("scripts/train.py").orElseThrow();
    assertThat(r.snapshot().entry("train.py"))
        .contains(new SnapshotEntry("train.py", real.sha256(), real.size(), true));
    assertThat(r.snapshot().entry("chain.py"))
        .hasValueSatisfying(e -> assertThat(e.sha256()).isEqualTo(real.sha256()));
    assertThat(r.skipped()).isEmpty();

    Path out = tmp.resolve("out");
    p.snapshotter().materialize(r.snapshot(), out);
    assertThat(Files.isSymbolicLink(out.resolve("train.py"))).isFalse();
    assertThat(out.resolve("train.py")).hasContent("print(1)");
  }

  @Test
  void aLinkedFileThatChangesIsReadAgain() throws Exception {
    p.write("real.txt", "one");
    Files.createSymbolicLink(p.root.resolve("link.txt"), Path.of("real.txt"));
    Snapshotter snapshotter = p.snapshotter();
    snapshotter.take(p.project);

    p.rewrite("real.txt", "two", Duration.ofMinutes(5));
    SnapshotReport r = snapshotter.takeReport(p.project);

    assertThat(r.filesHashed()).isEqualTo(2);
    assertThat(r.snapshot().entry("link.txt").orElseThrow().sha256())
        .isEqualTo(r.snapshot().entry("real.txt").orElseThrow().sha256());
  }

  @Test
  void linksOutOfTheProjectToFoldersAndNowhereAreSkippedAndReported() throws Exception {
    Path outside = Files.writeString(tmp.resolve("secret.txt"), "not part of the project");
    Files.createDirectories(tmp.resolve("datasets"));
    p.write("src/lib.py", "x = 1\n");
    Files.createSymbolicLink(p.root.resolve("absolute"), outside);
    Files.createSymbolicLink(p.root.resolve("relative"), Path.of("../secret.txt"));
    Files.createSymbolicLink(p.root.resolve("data"), tmp.resolve("datasets"));
    Files.createSymbolicLink(p.root.resolve("src-alias"), Path.of("src"));
    Files.createSymbolicLink(p.root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(p.root.resolve("dangling"), Path.of("nothing-here"));

    SnapshotReport r = p.snapshotter().takeReport(p.project);

    assertThat(r.snapshot().entries())
        .extracting(SnapshotEntry::path)
        .containsExactly("aml_config/local.compute", "src/lib.py");
    assertThat(r.skipped())
        .extracting(SnapshotReport.Skipped::path)
        .containsExactlyInAnyOrder("absolute", "relative", "data", "src-alias", "loop", "dangling");
    assertThat(reason(r, "absolute")).contains("outside the project");
    assertThat(reason(r, "relative")).contains("../secret.txt", "outside the project");
    assertThat(reason(r, "src-alias")).contains("links to folders are not followed");
    assertThat(reason(r, "dangling")).contains("does not resolve");
    assertThat(reason(r, "loop")).contains("does not resolve");
  }

  @Test
  void ignoredLinksAreNotEvenReported() throws Exception {
    p.write(".amlignore", "data\n");
    Files.createSymbolicLink(p.root.resolve("data"), tmp);
    assertThat(p.snapshotter().takeReport(p.project).skipped()).isEmpty();
  }

  @Test
  void aProjectReachedThroughALinkStillSeesItsOwnLinksAsInside() throws Exception {
    p.write("real.txt", "r");
    Files.createSymbolicLink(p.root.resolve("link.txt"), p.root.resolve("real.txt"));
    Path alias = Files.createSymbolicLink(tmp.resolve("alias"), p.root);

    Snapshot s = p.snapshotter().take(new Project(alias));

    assertThat(s.entry("link.txt")).isPresent();
  }

  @Test
  void pipesAreSkippedNotReadForever() throws Exception {
    assertThat(Path.of("/usr/bin/mkfifo")).as("coreutils mkfifo").exists();
    Process mkfifo =
        new ProcessBuilder("/usr/bin/mkfifo", p.root.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    SnapshotReport r = p.snapshotter().takeReport(p.project);

    assertThat(reason(r, "pipe")).contains("not a regular file");
  }

  @Test
  void spacesUnicodeAndControlCharactersInNamesRoundTrip() throws Exception {
    assertThat(System.getProperty("sun.jnu.encoding"))
        .as("file names need a UTF-8 locale: scripts/test.sh sets LANG=C.UTF-8")
        .isEqualToIgnoringCase("UTF-8");
    List<String> names =
        List.of(
            "my data/file with spaces.csv",
            "caf\u00e9/na\u00efve.txt",
            "\u65e5\u672c\u8a9e/\u30c7\u30fc\u30bf.csv",
            "emoji \uD83D\uDE00.txt",
            "new\nline.txt",
            "back\\slash.txt",
            "tab\t.txt",
            " leading space",
            "trailing space ");
    for (String n : names) {
      p.write(n, "content of " + n);
    }
    Snapshotter snapshotter = p.snapshotter();
    Snapshot s = snapshotter.take(p.project);
    assertThat(Snapshot.load(p.store, s.id())).isEqualTo(s);

    Path out = tmp.resolve("out");
    snapshotter.materialize(s, out);
    for (String n : names) {
      assertThat(out.resolve(n)).hasContent("content of " + n);
    }
    assertThat(snapshotter.takeReport(p.project).filesHashed()).isZero();
  }

  @Test
  void aNameThatIsNotUtf8IsRefusedUnlessIgnored() throws Exception {
    assertThat(System.getProperty("sun.jnu.encoding"))
        .as("file names need a UTF-8 locale: scripts/test.sh sets LANG=C.UTF-8")
        .isEqualToIgnoringCase("UTF-8");
    assertThat(Path.of("/bin/sh")).exists();
    // Java cannot spell this name (Latin-1 "café"), so the shell makes it.
    Files.createDirectories(p.root.resolve("data"));
    Process touch =
        new ProcessBuilder("/bin/sh", "-c", "touch \"$(printf 'data/caf\\351.txt')\"")
            .directory(p.root.toFile())
            .start();
    assertThat(touch.waitFor()).isZero();

    assertThatThrownBy(() -> p.snapshotter().take(p.project))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
        .hasMessageContaining("data/caf\uFFFD.txt")
        .hasMessageContaining("not valid UTF-8")
        .hasMessageContaining(".amlignore");

    p.write(".amlignore", "data/caf*.txt\n");
    assertThat(p.snapshotter().take(p.project).entries())
        .extracting(SnapshotEntry::path)
        .containsExactly(".amlignore", "aml_config/local.compute");
  }

  private static String reason(SnapshotReport r, String path) {
    return r.skipped().stream()
        .filter(s -> s.path().equals(path))
        .findFirst()
        .orElseThrow()
        .reason();
  }
}
