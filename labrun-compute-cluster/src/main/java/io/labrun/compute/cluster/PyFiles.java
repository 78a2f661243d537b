package io.labrun.compute.cluster;

import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The project's Python files as one zip for {@code --py-files}: Spark puts it on the {@code
 * PYTHONPATH} of the driver and of every executor, so modules of the project import on the cluster
 * as they do here. The driver itself runs in the run's working folder and sees every file.
 */
final class PyFiles {
  private PyFiles() {}

  /**
   * Zips the {@code .py} files under {@code workDir} (not {@code outputs/}); false, and no zip,
   * when the script is the only one: Spark ships the script itself, and shipping a zip costs the
   * driver Hadoop's file system start-up.
   */
  static boolean zip(Path workDir, String script, Path zip) {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(workDir)) {
      files =
          walk.filter(p -> p.toString().endsWith(".py") && Files.isRegularFile(p))
              .filter(p -> !workDir.relativize(p).startsWith(StateFolder.OUTPUTS))
              .sorted()
              .toList();
    } catch (IOException e) {
      return false; // the driver still sees the working folder; executors then miss project modules
    }
    if (files.isEmpty() || files.size() == 1 && files.get(0).equals(workDir.resolve(script))) {
      return false;
    }
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      putAll(z, workDir, "", files);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes {@code files}, each under {@code dir}, as entries named {@code prefix} plus its path
   * below {@code dir}, all with the same time: the same files make the same zip.
   */
  static void putAll(ZipOutputStream z, Path dir, String prefix, List<Path> files)
      throws IOException {
    for (Path f : files) {
      ZipEntry e = new ZipEntry(prefix + dir.relativize(f).toString().replace('\\', '/'));
      e.setLastModifiedTime(FileTime.fromMillis(0));
      z.putNextEntry(e);
      Files.copy(f, z);
      z.closeEntry();
    }
  }
}
