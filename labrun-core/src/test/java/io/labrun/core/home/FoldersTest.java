package io.labrun.core.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {
  @TempDir Path tmp;

  @Test
  void filesAreListedByTheirPathsInTheFolderSortedWithoutFoldersOrLinks() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("d/sub dir"));
    Files.writeString(dir.resolve("b.txt"), "b");
    Files.writeString(tmp.resolve("d/a.txt"), "a");
    Files.createDirectories(tmp.resolve("d/empty"));
    Files.createSymbolicLink(tmp.resolve("d/link"), tmp.resolve("d/a.txt"));
    assertThat(Folders.files(tmp.resolve("d")))
        .containsExactly(
            Map.entry("a.txt", tmp.resolve("d/a.txt")),
            Map.entry("sub dir/b.txt", dir.resolve("b.txt")));
    assertThat(Folders.files(tmp.resolve("absent"))).isEmpty();
  }
}
