package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String C = "c".repeat(64);

  @TempDir Path tmp;

  private static SnapshotEntry file(String path, String sha) {
    return new SnapshotEntry(path, sha, 3, false);
  }

  @Test
  void theManifestIsSortedCanonicalTextAndTheIdItsHash() {
    Snapshot s =
        Snapshot.of(
            List.of(
                new SnapshotEntry("train.py", A, 120, true),
                new SnapshotEntry("aml_config/local.compute", B, 7, false),
                new SnapshotEntry("data/my file.csv", C, 0, false)));

    String manifest = new String(s.manifest(), StandardCharsets.UTF_8);
    assertThat(manifest)
        .isEqualTo(
            "labrun-snapshot 1\n"
                + B
                + " 7 644 aml_config/local.compute\n"
                + C
                + " 0 644 data/my file.csv\n"
                + A
                + " 120 755 train.py\n");
    assertThat(s.id()).isEqualTo(Manifest.sha256Hex(s.manifest()));
    assertThat(s.entries())
        .extracting(SnapshotEntry::path)
        .containsExactly("aml_config/local.compute", "data/my file.csv", "train.py");
    assertThat(s.totalSize()).isEqualTo(127);
  }

  @Test
  void identicalContentGivesTheSameIdWhateverTheInputOrder() {
    SnapshotEntry x = file("x", A);
    SnapshotEntry y = file("y/z", B);
    assertThat(Snapshot.of(List.of(x, y)).id()).isEqualTo(Snapshot.of(List.of(y, x)).id());
    assertThat(Snapshot.of(List.of(x)).id())
        .isNotEqualTo(Snapshot.of(List.of(new SnapshotEntry("x", A, 3, true))).id());
  }

  @Test
  void pathsSortInCodePointOrderLikeCSort() {
    // '-' (2D) < '/' (2F) < 'b' (62) < U+FFFD < U+1F600 (a surrogate pair in UTF-16)
    Snapshot s =
        Snapshot.of(
            List.of(
                file("a\uD83D\uDE00", A),
                file("a\uFFFD", A),
                file("ab", A),
                file("a/b", A),
                file("a-b", A)));
    assertThat(s.entries())
        .extracting(SnapshotEntry::path)
        .containsExactly("a-b", "a/b", "ab", "a\uFFFD", "a\uD83D\uDE00");
  }

  @Test
  void oddNamesRoundTripThroughTheManifest() {
    List<String> names =
        List.of(
            "with space",
            "tab\there",
            "new\nline",
            "back\\slash",
            "cr\rx",
            "bell\u0007",
            "del\u007f",
            "caf\u00e9.txt",
            "\u65e5\u672c\u8a9e/\u30c7\u30fc\u30bf.csv",
            "emoji \uD83D\uDE00",
            " leading and trailing ");
    Snapshot s = Snapshot.of(names.stream().map(n -> file(n, A)).toList());
    String text = new String(s.manifest(), StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            " new\\nline\n",
            " tab\\there\n",
            " back\\\\slash\n",
            " bell\\x07\n",
            " del\\x7f\n",
            " cr\\rx\n");
    assertThat(text.lines().count()).isEqualTo(names.size() + 1);
    assertThat(new Snapshot(s.id(), Manifest.parse(s.manifest()))).isEqualTo(s);
  }

  @Test
  void theConstructorChecksTheIdAndTheOrder() {
    Snapshot s = Snapshot.of(List.of(file("a", A), file("b", B)));
    assertThatThrownBy(() -> new Snapshot(C, s.entries()))
        .hasMessageContaining("not the hash of its manifest");
    assertThatThrownBy(() -> new Snapshot(s.id(), List.of(file("b", B), file("a", A))))
        .hasMessageContaining("sorted");
    assertThatThrownBy(() -> Snapshot.of(List.of(file("a", A), file("a", B))))
        .hasMessageContaining("without duplicates");
    assertThatThrownBy(() -> Snapshot.of(List.of(file("a", A), file("a/b", B))))
        .hasMessageContaining("both a file and the folder");
    assertThatThrownBy(
            () ->
                Snapshot.of(List.of(file("a", A), file("a-b", B), file("a.c", B), file("a/c", C))))
        .hasMessageContaining("'a' is both a file and the folder of 'a/c'");
    assertThat(Snapshot.of(List.of(file("a", A), file("a-b", B), file("ab/c", C))).entries())
        .hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/abs",
        "dir/",
        "a//b",
        "./a",
        "a/./b",
        "a/../b",
        "..",
        "nul\u0000",
        "lone\uD800"
      })
  void entriesRefusePathsThatCouldEscapeOrNotRoundTrip(String path) {
    assertThatThrownBy(() -> file(path, A)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entriesRefuseBadHashesAndSizes() {
    assertThatThrownBy(() -> file("a", A.toUpperCase())).hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> file("a", "abc")).hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> new SnapshotEntry("a", A, -1, false)).hasMessageContaining("negative");
  }

  @Test
  void diffListsAddedRemovedAndChangedPaths() {
    Snapshot before =
        Snapshot.of(List.of(file("same", A), file("gone", A), file("edited", A), file("chmod", A)));
    Snapshot after =
        Snapshot.of(
            List.of(
                file("same", A),
                file("new", B),
                file("edited", B),
                new SnapshotEntry("chmod", A, 3, true)));

    SnapshotDiff d = before.diff(after);
    assertThat(d.added()).containsExactly("new");
    assertThat(d.removed()).containsExactly("gone");
    assertThat(d.changed()).containsExactly("chmod", "edited");
    assertThat(after.diff(before).added()).containsExactly("gone");
    assertThat(before.diff(before).isEmpty()).isTrue();
    assertThat(Snapshot.of(List.of()).diff(before).added()).hasSize(4);
  }

  @Test
  void entryFindsAPathByBinarySearch() {
    Snapshot s = Snapshot.of(List.of(file("a", A), file("b/c", B), file("d", C)));
    assertThat(s.entry("b/c")).map(SnapshotEntry::sha256).contains(B);
    assertThat(s.entry("b")).isEmpty();
    assertThat(s.entry("zzz")).isEmpty();
  }

  @Test
  void loadReadsBackWhatWasStored() throws Exception {
    TempDirObjectStore store = new TempDirObjectStore(tmp.resolve("store"));
    Snapshot s = Snapshot.of(List.of(file("a", A), file("b c/\u00e9", B)));
    assertThat(store.put(s.manifest())).isEqualTo(s.id());

    assertThat(Snapshot.load(store, s.id())).isEqualTo(s);
  }

  @Test
  void loadSaysWhatIsWrong() throws Exception {
    TempDirObjectStore store = new TempDirObjectStore(tmp.resolve("store"));
    assertThatThrownBy(() -> Snapshot.load(store, "nope"))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT));
    assertThatThrownBy(() -> Snapshot.load(store, A))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND));

    String notAManifest = store.put("hello\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Snapshot.load(store, notAManifest))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORE))
        .hasMessageContaining("not a readable snapshot manifest");

    String unsorted =
        store.put(
            ("labrun-snapshot 1\n" + A + " 1 644 b\n" + A + " 1 644 a\n")
                .getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Snapshot.load(store, unsorted)).hasMessageContaining("sorted");

    Snapshot s = Snapshot.of(List.of(file("a", A)));
    store.put(s.manifest());
    Path object = store.dir().resolve(s.id().substring(0, 2)).resolve(s.id().substring(2));
    Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(object, "labrun-snapshot 1\n");
    assertThatThrownBy(() -> Snapshot.load(store, s.id())).hasMessageContaining("damaged");
  }

  @Test
  void manifestParsingNamesTheBadLine() {
    assertThatThrownBy(
            () ->
                Manifest.parse(
                    ("labrun-snapshot 1\n" + A + " 1 600 a\n").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("line 2")
        .hasMessageContaining("mode '600'");
    assertThatThrownBy(
            () ->
                Manifest.parse(
                    ("labrun-snapshot 1\n" + A + " 1 644 a").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("no line end");
    assertThatThrownBy(
            () ->
                Manifest.parse(
                    ("labrun-snapshot 1\n" + A + " x 644 a\n").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Manifest.parse("labrun-snapshot 2\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("known version");
    assertThat(Manifest.parse("labrun-snapshot 1\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }
}
