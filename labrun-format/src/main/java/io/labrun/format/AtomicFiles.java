package io.labrun.format;

import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.UUID;

/**
 * Writes a file so that a reader sees the old content or the new, never half of it: a temporary
 * file in the same folder, then a rename. An existing file's permissions are kept (a .compute file
 * may hold a password).
 */
final class AtomicFiles {
  private AtomicFiles() {}

  static void write(Path target, String text, String label) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            "."
                + target.getFileName()
                + "."
                + UUID.randomUUID().toString().substring(0, 8)
                + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.write(
          tmp,
          text.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      keepPermissions(target, tmp);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileAlreadyExistsException e) {
      throw LabrunException.badInput(
          "cannot write "
              + label
              + ": "
              + dir
              + " holds a file that is in the way ("
              + e.getFile()
              + ")");
    } catch (IOException e) {
      throw LabrunException.badInput("cannot write " + label + ": " + reason(e));
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover temp file is harmless; it is hidden and never read
      }
    }
  }

  private static void keepPermissions(Path target, Path tmp) throws IOException {
    PosixFileAttributeView from = Files.getFileAttributeView(target, PosixFileAttributeView.class);
    PosixFileAttributeView to = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
    if (from != null && to != null && Files.exists(target)) {
      to.setPermissions(from.readAttributes().permissions());
    }
  }

  static String reason(IOException e) {
    String kind =
        e.getClass()
            .getSimpleName()
            .replace("NoSuchFileException", "no such file or folder")
            .replace("AccessDeniedException", "permission denied")
            .replace("FileSystemException", "file system error")
            .replace("Exception", " error");
    return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
  }
}
