package io.labrun.compute.docker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Files going out of containers: a tar from the engine unpacked safely, and folders removed. */
final class ContainerArchives {
  private ContainerArchives() {}

  /**
   * Unpacks regular files and folders of {@code tar} into {@code dir}. Links, devices and entries
   * that would land outside {@code dir} are skipped: a run's outputs must not write elsewhere.
   */
  static void extract(InputStream tar, Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = root.resolve(e.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
          continue;
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
