package io.labrun.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.sqlite.JDBC;

/**
 * The SQLite driver unpacks its native library into the temp folder on every start, which costs a
 * short command tens of milliseconds. This unpacks it once into labrun's own folder (per driver
 * version) and points the driver there; on a platform the jar has no library for, it does nothing
 * and the driver does what it always does.
 */
public final class SqliteNative {
  private SqliteNative() {}

  public static void useCachedLibrary(Path cacheRoot) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return;
    }
    String arch =
        switch (System.getProperty("os.arch", "")) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> null;
        };
    if (arch == null) {
      return;
    }
    String resource = "/org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so";
    Package p = JDBC.class.getPackage();
    String version =
        p == null || p.getImplementationVersion() == null
            ? "unknown"
            : p.getImplementationVersion();
    Path dir = cacheRoot.resolve("sqlite-" + version + "-" + arch);
    Path lib = dir.resolve("libsqlitejdbc.so");
    try {
      if (!Files.isRegularFile(lib)) {
        try (InputStream in = SqliteNative.class.getResourceAsStream(resource)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path tmp = Files.createTempFile(dir, "lib", ".tmp");
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          try {
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      System.setProperty("org.sqlite.lib.path", dir.toString());
      System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
    } catch (IOException e) {
      // fall back to the driver's own unpacking
    }
  }
}
