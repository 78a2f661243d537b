package io.labrun.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The web UI's files (the {@code labrun-ui} folder of the server's resources), copied to a folder
 * of the server's data at start and served from there. Served from the class path instead, Jetty
 * mounts the whole labrun.jar as a zip file system for them (its index of some 30,000 entries, four
 * times over: about 20 MB of the server's heap, kept for as long as it runs) for a score of small
 * files.
 */
final class UiFiles {
  static final String FOLDER = "labrun-ui";

  private UiFiles() {}

  /** Copies the UI's files into {@code target} (emptied first); returns it. */
  static Path copyTo(Path target) {
    try {
      if (Files.exists(target)) {
        try (Stream<Path> old = Files.walk(target)) {
          for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      for (String name : names()) {
        Path to = target.resolve(name);
        Files.createDirectories(to.getParent());
        try (InputStream in = UiFiles.class.getResourceAsStream("/" + FOLDER + "/" + name)) {
          if (in == null) {
            throw new IllegalStateException(name + " of the web UI is missing from labrun");
          }
          Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the web UI's files to " + target, e);
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
