package io.labrun.core.home;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/** Sizes, contents and removal of folders labrun made (working folders, caches, state); links are not followed. */
public final class Folders {
  private Folders() {}

  /**
   * The regular files under {@code dir} by their {@code /}-separated paths in it, sorted; empty
   * when the folder is not there.
   */
  public static Map<String, Path> files(Path dir) throws IOException {
    Map<String, Path> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          files.put(dir.relativize(file).toString().replace('\\', '/'), file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return files;
  }

  /** Removes a folder and everything in it; nothing to do when it is gone. */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The bytes a folder's files take, 0 when it is gone; what cannot be read is not counted. */
  public static long size(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    long[] total = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          total[0] += attrs.size();
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // count what could be read
    }
    return total[0];
  }
}
