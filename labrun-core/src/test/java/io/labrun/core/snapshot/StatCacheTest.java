package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatCacheTest {
  private static final String SHA = "ab".repeat(32);
  private static final String ID = "cd".repeat(32);

  @TempDir Path tmp;

  @Test
  void savesAndLoadsEveryField() throws Exception {
    Path file = tmp.resolve("c/x.statcache");
    Map<String, StatCache.Entry> entries =
        Map.of(
            "a.py", new StatCache.Entry(12, 1_795_717_451_463_527_578L, "(dev=fe00,ino=42)", SHA),
            "caf\u00e9/\u65e5\u672c.csv", new StatCache.Entry(0, -5, null, SHA),
            "new\nline", new StatCache.Entry(Long.MAX_VALUE, 0, "", SHA));
    new StatCache(ID, entries).save(file);

    StatCache loaded = StatCache.load(file);

    assertThat(loaded.snapshotId()).isEqualTo(ID);
    assertThat(loaded.size()).isEqualTo(3);
    assertThat(loaded.get("a.py")).isEqualTo(entries.get("a.py"));
    assertThat(loaded.get("caf\u00e9/\u65e5\u672c.csv"))
        .isEqualTo(entries.get("caf\u00e9/\u65e5\u672c.csv"));
    assertThat(loaded.get("new\nline").fileKey()).isNull(); // "" and null both mean: no file key
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void anEmptyCacheRoundTrips() throws Exception {
    Path file = tmp.resolve("e.statcache");
    new StatCache("", Map.of()).save(file);
    assertThat(StatCache.load(file).snapshotId()).isEmpty();
    assertThat(StatCache.load(file).isEmpty()).isTrue();
  }

  @Test
  void missingTruncatedOrAlteredFilesReadAsEmpty() throws Exception {
    Path file = tmp.resolve("x.statcache");
    assertThat(StatCache.load(file).isEmpty()).isTrue();

    new StatCache(ID, Map.of("a", new StatCache.Entry(1, 2, "k", SHA))).save(file);
    byte[] good = Files.readAllBytes(file);
    for (int cut : new int[] {0, 3, 50, good.length - 1}) {
      Files.write(file, Arrays.copyOf(good, cut));
      assertThat(StatCache.load(file).isEmpty()).as("cut at %d", cut).isTrue();
    }
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      Files.write(file, bad);
      assertThat(StatCache.load(file).isEmpty()).as("bit flipped in byte %d", i).isTrue();
    }
  }

  @Test
  void eachProjectHasItsOwnFile() {
    Path dir = tmp.resolve("cache");
    assertThat(StatCache.fileFor(dir, Path.of("/a/project")))
        .isNotEqualTo(StatCache.fileFor(dir, Path.of("/b/project")));
    assertThat(StatCache.fileFor(dir, Path.of("/a/project/../project")))
        .isEqualTo(StatCache.fileFor(dir, Path.of("/a/project")));
  }
}
