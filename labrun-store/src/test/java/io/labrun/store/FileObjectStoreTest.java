package io.labrun.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {
  // sha256("hello\n")
  private static final String HELLO =
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

  @TempDir Path dir;
  private Path root;
  private FileObjectStore objects;

  @BeforeEach
  void open() {
    root = dir.resolve("objects");
    objects = new FileObjectStore(root);
  }

  @Test
  void aRunningServerIsRecordedBesideTheObjectsUntilItStops() throws IOException {
    assertThat(objects.serverSeen()).isEmpty();
    Instant before = Instant.now().minusSeconds(2); // file times may be coarser than the clock
    objects.serverRunning("server-1");
    objects.serverRunning("server-1");
    assertThat(objects.serverSeen()).hasValueSatisfying(t -> assertThat(t).isAfter(before));
    assertThat(objects.ids()).isEmpty();
    assertThat(objects.removeUnused(id -> false, Instant.now().plusSeconds(60)))
        .isEqualTo(ObjectStore.Removed.NOTHING);
    objects.serverStopped("server-1");
    assertThat(objects.serverSeen()).isEmpty();
  }

  @Test
  void removeUnusedSparesObjectsInUseAndObjectsStoredOrTouchedSince() throws IOException {
    String used = objects.put("used".getBytes(StandardCharsets.UTF_8));
    String unused = objects.put("unused".getBytes(StandardCharsets.UTF_8));
    String touched = objects.put("touched".getBytes(StandardCharsets.UTF_8));
    String fresh = objects.put("fresh".getBytes(StandardCharsets.UTF_8));
    Instant hourAgo = Instant.now().minusSeconds(3600);
    for (String sha : List.of(used, unused, touched, fresh)) {
      Files.setLastModifiedTime(
          root.resolve(sha.substring(0, 2)).resolve(sha.substring(2)),
          FileTime.from(hourAgo.minusSeconds(60)));
    }
    objects.touch(touched);
    Files.setLastModifiedTime(
        root.resolve(fresh.substring(0, 2)).resolve(fresh.substring(2)),
        FileTime.from(hourAgo.plusSeconds(60)));

    assertThat(objects.removeUnused(used::equals, hourAgo))
        .isEqualTo(new ObjectStore.Removed(1, "unused".length()));

    assertThat(objects.contains(unused)).isFalse();
    assertThat(objects.contains(used)).isTrue();
    assertThat(objects.contains(touched)).isTrue();
    assertThat(objects.contains(fresh)).isTrue();
  }

  @Test
  void bytesAreStoredUnderTheirHashWithATwoCharacterFanOut() throws IOException {
    String sha = objects.put("hello\n".getBytes(StandardCharsets.UTF_8));

    assertThat(sha).isEqualTo(HELLO);
    assertThat(root.resolve("58").resolve(HELLO.substring(2))).hasContent("hello");
    assertThat(objects.contains(HELLO)).isTrue();
    assertThat(objects.size(HELLO)).isEqualTo(6);
    try (InputStream in = objects.open(HELLO)) {
      assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello\n");
    }
  }

  @Test
  void aFileAndEqualBytesAreOneObject() throws IOException {
    Path a = Files.writeString(dir.resolve("a.txt"), "hello\n");
    Path b = Files.writeString(dir.resolve("b.txt"), "hello\n");

    assertThat(objects.put(a)).isEqualTo(HELLO);
    Object stored = fileKey(objectFile(HELLO));
    assertThat(objects.put(b)).isEqualTo(HELLO);
    assertThat(objects.put("hello\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(HELLO);

    assertThat(storedFiles()).containsExactly(objectFile(HELLO));
    assertThat(fileKey(objectFile(HELLO))).as("the same file, not rewritten").isEqualTo(stored);
  }

  @Test
  void storedObjectsAreReadOnly() throws IOException {
    String sha = objects.put(Files.writeString(dir.resolve("a.txt"), "data"));
    assertThat(Files.getPosixFilePermissions(objectFile(sha)))
        .isEqualTo(PosixFilePermissions.fromString("r--r--r--"));
  }

  @Test
  void aLargeFileIsStreamed() throws IOException {
    byte[] big = new byte[5 * 1024 * 1024 + 17];
    new Random(1).nextBytes(big);
    Path file = Files.write(dir.resolve("big.bin"), big);

    String sha = objects.put(file);

    assertThat(sha).isEqualTo(objects.put(big));
    assertThat(objects.size(sha)).isEqualTo(big.length);
    assertThat(Files.readAllBytes(objectFile(sha))).isEqualTo(big);
  }

  @Test
  void concurrentPutsOfTheSameContentLeaveOneWholeObject() throws Exception {
    byte[] content = new byte[2 * 1024 * 1024];
    new Random(2).nextBytes(content);
    List<Path> copies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      copies.add(Files.write(dir.resolve("copy" + i), content));
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(copies.size());
    try {
      List<Future<String>> hashes = new ArrayList<>();
      for (int i = 0; i < copies.size(); i++) {
        Path copy = copies.get(i);
        boolean asBytes = i % 2 == 0;
        hashes.add(
            pool.submit(
                (Callable<String>)
                    () -> {
                      start.await();
                      return asBytes ? objects.put(content) : objects.put(copy);
                    }));
      }
      start.countDown();
      String first = hashes.get(0).get(1, TimeUnit.MINUTES);
      for (Future<String> h : hashes) {
        assertThat(h.get(1, TimeUnit.MINUTES)).isEqualTo(first);
      }
      assertThat(storedFiles()).containsExactly(objectFile(first));
      assertThat(Files.readAllBytes(objectFile(first))).isEqualTo(content);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedPutLeavesNothingBehind() {
    assertThatThrownBy(() -> objects.put(dir.resolve("does-not-exist")))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> objects.put(dir)).isInstanceOf(IOException.class);
    assertThat(storedFiles()).isEmpty();
  }

  @Test
  void aLeftoverTemporaryFileIsNoObject() throws IOException {
    // What a crash in the middle of a put leaves: bytes under a temporary name only.
    Files.writeString(root.resolve(".tmp-123"), "hello\n");
    assertThat(objects.contains(HELLO)).isFalse();
    assertThat(objects.put("hello\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(HELLO);
    assertThat(objects.contains(HELLO)).isTrue();
  }

  @Test
  void temporaryFilesADayOldAreRemovedWhenTheStoreOpens() throws IOException {
    Path old = Files.writeString(root.resolve(".tmp-old"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
    Path recent = Files.writeString(root.resolve(".tmp-recent"), "x");

    new FileObjectStore(root);

    assertThat(old).doesNotExist();
    assertThat(recent).exists();
  }

  @Test
  void copyToReplacesTheTargetWithAWritableFile() throws IOException {
    String sha = objects.put("new content".getBytes(StandardCharsets.UTF_8));
    Path target = dir.resolve("out/deep/model.pkl");
    objects.copyTo(sha, target);
    assertThat(target).hasContent("new content");

    Files.writeString(target, "old");
    objects.copyTo(sha, target);

    assertThat(target).hasContent("new content");
    assertThat(Files.getPosixFilePermissions(target))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void copyingAMissingObjectLeavesTheTargetAlone() throws IOException {
    Path target = Files.writeString(dir.resolve("keep.txt"), "keep");
    assertThatThrownBy(() -> objects.copyTo(HELLO, target))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(HELLO);
    assertThat(target).hasContent("keep");
  }

  @Test
  void missingAndMalformedHashes() {
    assertThat(objects.contains(HELLO)).isFalse();
    assertThatThrownBy(() -> objects.open(HELLO)).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> objects.size(HELLO)).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> objects.contains("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> objects.contains(HELLO.toUpperCase()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRootThatCannotBeCreatedIsAStoreError() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> new FileObjectStore(file.resolve("objects")))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.STORE))
        .hasMessageContaining("cannot create the object folder");
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  private Path objectFile(String sha) {
    return root.resolve(sha.substring(0, 2)).resolve(sha.substring(2));
  }

  /** Every file under the root, temporary ones included. */
  private List<Path> storedFiles() {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
