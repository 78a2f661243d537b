package io.labrun.server;

import io.labrun.core.history.ObjectIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The web UI's files (the {@code labrun-ui} folder of the server's resources), copied to a folder
 * of the server's data at start and served from there. Served from the class path instead, Jetty
 * mounts the whole labrun.jar as a zip file system for them (its index of some 30,000 entries, four
 * times over: about 20 MB of the server's heap, kept for as long as it runs) for a score of small
 * files. Each version of the files has a folder of its own, named by their hash and written whole
 * (a temporary folder renamed), so servers of one data folder, started together or of different
 * labrun versions, never serve or remove each other's files.
 */
final class UiFiles {
  static final String FOLDER = "labrun-ui";

  private UiFiles() {}

  /**
   * The folder in {@code parent} that holds this labrun's UI files, written now unless an earlier
   * start (or another server) wrote it already.
   */
  static Path copyTo(Path parent) {
    try {
      Map<String, byte[]> files = new TreeMap<>();
      for (String name : names()) {
        try (InputStream in = UiFiles.class.getResourceAsStream("/" + FOLDER + "/" + name)) {
          if (in == null) {
            throw new IllegalStateException(name + " of the web UI is missing from labrun");
          }
          files.put(name, in.readAllBytes());
        }
      }
      Path target = parent.resolve(version(files));
      if (Files.isDirectory(target)) {
        return target;
      }
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, ".writing-");
      try {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Path to = tmp.resolve(f.getKey());
          Files.createDirectories(to.getParent());
          Files.write(to, f.getValue());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        if (!Files.isDirectory(target)) {
          throw e;
        } // else another server wrote the same version meanwhile (renamed whole): use it
      } finally {
        removeTree(tmp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the web UI's files to " + parent, e);
    }
  }

  /** The first 16 hex digits of the SHA-256 over the files' names and contents. */
  private static String version(Map<String, byte[]> files) {
    MessageDigest digest = ObjectIds.newDigest();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      digest.update(f.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(Long.toString(f.getValue().length).getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) 0);
      digest.update(f.getValue());
    }
    return ObjectIds.hex(digest).substring(0, 16);
  }

  private static void removeTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> old = Files.walk(root)) {
      for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The UI's files, relative to its folder: from the jar's index, or the classes folder. */
  private static List<String> names() throws IOException {
    Path where;
    try {
      where = Path.of(UiFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(where)) {
      Path folder = where.resolve(FOLDER);
      try (Stream<Path> files = Files.walk(folder)) {
        files
            .filter(Files::isRegularFile)
            .forEach(f -> names.add(folder.relativize(f).toString().replace('\\', '/')));
      }
    } else {
      try (JarFile jar = new JarFile(where.toFile())) {
        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
          if (!e.isDirectory() && e.getName().startsWith(FOLDER + "/")) {
            names.add(e.getName().substring(FOLDER.length() + 1));
          }
        }
      }
    }
    if (names.isEmpty()) {
      throw new IOException("no file of the web UI found in " + where);
    }
    return names;
  }
}
