package io.labrun.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test store other modules rely on must itself be right. */
class TempDirObjectStoreTest {
  private static final String HELLO_SHA =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @TempDir Path tmp;

  @Test
  void storesContentUnderItsSha256Once() throws Exception {
    TempDirObjectStore store = new TempDirObjectStore(tmp.resolve("s"));
    Path f = Files.writeString(tmp.resolve("f"), "hello");

    assertThat(store.put(f)).isEqualTo(HELLO_SHA);
    assertThat(store.put("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo(HELLO_SHA);
    assertThat(store.ids()).containsExactly(HELLO_SHA);
    assertThat(store.contains(HELLO_SHA)).isTrue();
    assertThat(store.size(HELLO_SHA)).isEqualTo(5);
    try (InputStream in = store.open(HELLO_SHA)) {
      assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    }
    assertThat(store.filesPut()).isEqualTo(1);
    assertThat(store.byteArraysPut()).isEqualTo(1);
  }

  @Test
  void objectsAreReadOnlyAndCopiesReplaceTheTarget() throws Exception {
    TempDirObjectStore store = new TempDirObjectStore(tmp.resolve("s"));
    String id = store.put("hello".getBytes(StandardCharsets.UTF_8));
    Path object = store.dir().resolve(id.substring(0, 2)).resolve(id.substring(2));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(object)))
        .isEqualTo("r--r--r--");

    Path target = tmp.resolve("out/deep/copy.txt");
    store.copyTo(id, target);
    store.copyTo(id, target);
    assertThat(target).hasContent("hello");
  }

  @Test
  void missingObjectsAreNoSuchFile() throws Exception {
    TempDirObjectStore store = new TempDirObjectStore(tmp.resolve("s"));
    String id = store.put("hello".getBytes(StandardCharsets.UTF_8));
    store.delete(id);
    assertThat(store.contains(id)).isFalse();
    assertThatThrownBy(() -> store.open(id)).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> store.copyTo(id, tmp.resolve("x")))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> store.contains("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentPutsOfTheSameContentAgree() throws Exception {
    TempDirObjectStore store = new TempDirObjectStore(tmp.resolve("s"));
    byte[] data = new byte[1 << 20];
    new Random(1).nextBytes(data);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        ids.add(pool.submit(() -> store.put(data)));
      }
      String first = ids.get(0).get();
      for (Future<String> f : ids) {
        assertThat(f.get()).isEqualTo(first);
      }
      assertThat(store.ids()).containsExactly(first);
      assertThat(store.size(first)).isEqualTo(data.length);
    } finally {
      pool.shutdownNow();
    }
  }
}
