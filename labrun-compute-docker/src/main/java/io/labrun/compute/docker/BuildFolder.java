package io.labrun.compute.docker;

import io.labrun.core.environment.ImageRecipe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes an {@link ImageRecipe} as the tar stream a Docker build takes as its context. */
public final class BuildFolder {
  private BuildFolder() {}

  public static Path tar(ImageRecipe recipe, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tar = Files.createTempFile(dir, "context-", ".tar");
    try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, String> f : recipe.texts().entrySet()) {
        byte[] bytes = recipe.bytes(f.getKey());
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(bytes.length);
        e.setMode(f.getKey().endsWith(".sh") ? 0100755 : 0100644);
        t.putArchiveEntry(e);
        t.write(bytes);
        t.closeArchiveEntry();
      }
      for (Map.Entry<String, Path> c : recipe.copies().entrySet()) {
        add(t, c.getKey(), c.getValue());
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tar);
      throw e;
    }
    return tar;
  }

  private static void add(TarArchiveOutputStream t, String name, Path source) throws IOException {
    if (!Files.isDirectory(source)) {
      file(t, name, source);
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      file(t, name + "/" + source.relativize(f).toString().replace('\\', '/'), f);
    }
  }

  private static void file(TarArchiveOutputStream t, String name, Path f) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(Files.size(f));
    e.setMode(Files.isExecutable(f) ? 0100755 : 0100644);
    t.putArchiveEntry(e);
    Files.copy(f, t);
    t.closeArchiveEntry();
  }
}
