package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UiFilesTest {
  @TempDir Path tmp;

  @Test
  void theUisFilesAreCopiedWholeIntoAFolderOfTheirVersionBesideOthers() throws IOException {
    Path parent = tmp.resolve("server/ui");
    Files.createDirectories(parent.resolve("0123456789abcdef"));
    Files.writeString(parent.resolve("0123456789abcdef/app.js"), "an older labrun's, in use");
    Path ui = UiFiles.copyTo(parent);
    assertThat(ui.getParent()).isEqualTo(parent);
    assertThat(parent.resolve("0123456789abcdef/app.js")).hasContent("an older labrun's, in use");
    for (String name : new String[] {"index.html", "app.js", "vendor/uPlot.iife.min.js"}) {
      try (InputStream in = UiFiles.class.getResourceAsStream("/labrun-ui/" + name)) {
        assertThat(ui.resolve(name)).hasBinaryContent(in.readAllBytes());
      }
    }
    assertThat(UiFiles.copyTo(parent)).as("the same version again").isEqualTo(ui);
  }

  @Test
  void serversStartingTogetherOnOneDataFolderAllGetTheWholeFiles() throws Exception {
    Path parent = tmp.resolve("server/ui");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> starts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starts.add(pool.submit((Callable<Path>) () -> UiFiles.copyTo(parent)));
      }
      Path ui = starts.get(0).get();
      for (Future<Path> f : starts) {
        assertThat(f.get()).isEqualTo(ui);
      }
      try (InputStream in = UiFiles.class.getResourceAsStream("/labrun-ui/index.html")) {
        assertThat(ui.resolve("index.html")).hasBinaryContent(in.readAllBytes());
      }
      try (Stream<Path> left = Files.list(parent)) {
        assertThat(left).as("no temporary folder left").containsExactly(ui);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
