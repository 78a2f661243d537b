package io.labrun.core.snapshot;

import io.labrun.core.project.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * A project folder, a {@link TempDirObjectStore} and a stat-cache folder under one temp folder.
 * Files are written with a modification time in the past ({@link #AGE}), as files a user saved a
 * while ago: files modified within seconds of a snapshot are deliberately not trusted from the
 * cache.
 */
final class ProjectFixture {
  static final Duration AGE = Duration.ofHours(1);

  final Path root;
  final Project project;
  final TempDirObjectStore store;
  final Path cacheDir;

  ProjectFixture(Path tmp) {
    try {
      root = Files.createDirectories(tmp.resolve("project"));
      Files.createDirectories(root.resolve("aml_config"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    project = new Project(root);
    store = new TempDirObjectStore(tmp.resolve("store"));
    cacheDir = tmp.resolve("cache");
  }

  Snapshotter snapshotter() {
    return new Snapshotter(store, cacheDir);
  }

  Path write(String path, String content) {
    return write(path, content.getBytes(StandardCharsets.UTF_8));
  }

  Path write(String path, byte[] content) {
    try {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      return age(file, AGE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path writeExecutable(String path, String content) {
    Path file = write(path, content);
    chmod(file, "rwxr-xr-x");
    return file;
  }

  /** Rewrites a file now and dates it {@code age} back, different from {@link #AGE}. */
  Path rewrite(String path, String content, Duration age) {
    Path file = write(path, content);
    return age(file, age);
  }

  static Path age(Path file, Duration age) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void chmod(Path file, String perms) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
