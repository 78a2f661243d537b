package io.labrun.core.home;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sizes, contents, removal and private creation of folders labrun made (working folders, caches,
 * state); links are not followed.
 */
public final class Folders {
  private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private Folders() {}

  /**
   * Creates {@code dir} (and missing parents) and makes it readable by its owner alone (0700),
   * whatever the umask; an existing folder is tightened the same way. On a file system without
   * POSIX modes it is only created.
   */
  public static Path createPrivate(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(dir, OWNER_ONLY_FOLDER);
    }
    return dir;
  }

  /**
   * Makes an existing file readable by its owner alone (0600), whatever the umask; nothing to do
   * when it is absent.
   */
  public static void makePrivate(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
        && Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
    }
  }

  /**
   * Writes {@code text} to {@code file}, readable by its owner alone (0600) before the first byte
   * is written: for records that hold secrets (a run's launch record).
   */
  public static void writePrivate(Path file, String text) throws IOException {
    try (OutputStream out =
        Files.newOutputStream(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      makePrivate(file);
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The regular files under {@code dir} by their {@code /}-separated paths in it, sorted; empty
   * when the folder is not there.
   */
  public static Map<String, Path> files(Path dir) throws IOException {
    Map<String, Path> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
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
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
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
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
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
