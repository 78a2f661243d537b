package io.labrun.core.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@code pip:} entry that names a wheel file or a package folder in the project rather than a
 * package on an index. Its content (not its path) goes into the environment's hash, and it is
 * copied into the build as {@code contextPath}.
 *
 * @param entry the entry as written in the conda file
 * @param source the file or folder on this machine
 * @param contextPath where the build sees it, relative to the build folder ({@code wheels/x.whl})
 * @param sha256 of the file, or of the folder's files and their relative paths
 */
public record LocalPackage(String entry, Path source, String contextPath, String sha256) {

  /** True when a {@code pip:} entry is a path rather than a requirement or URL. */
  public static boolean isPath(String entry) {
    String e = entry.trim();
    if (e.contains("://") || e.startsWith("-")) {
      return false;
    }
    return e.contains("/") || e.endsWith(".whl") || e.endsWith(".tar.gz") || e.endsWith(".zip");
  }

  /** Reads the file or folder that {@code entry} names, relative to the project root. */
  static LocalPackage of(String entry, Path projectRoot) throws IOException {
    Path p = projectRoot.resolve(entry.trim()).normalize();
    String sha;
    String name = p.getFileName().toString();
    if (Files.isRegularFile(p)) {
      sha = digest(p);
      return new LocalPackage(entry.trim(), p, "wheels/" + name, sha);
    }
    sha = digestFolder(p);
    return new LocalPackage(entry.trim(), p, "packages/" + name + "-" + sha.substring(0, 8), sha);
  }

  private static String digest(Path file) throws IOException {
    MessageDigest sha = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static String digestFolder(Path dir) throws IOException {
    MessageDigest sha = newDigest();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(f -> !dir.relativize(f).toString().contains("__pycache__"))
              .sorted()
              .toList();
    }
    try {
      for (Path f : files) {
        sha.update(
            dir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(digest(f).getBytes(StandardCharsets.US_ASCII));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
