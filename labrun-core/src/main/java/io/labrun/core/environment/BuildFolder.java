package io.labrun.core.environment;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an {@link ImageRecipe} as the tar stream a Docker build takes as its context (POSIX ustar;
 * a name over 100 bytes, or a file of 8 GiB or more, gets a pax header, as GNU tar writes). The
 * same folder for the engine here and for one on a host over SSH.
 */
public final class BuildFolder {
  private static final int BLOCK = 512;
  private static final long MAX_USTAR_SIZE = 077777777777L;

  private BuildFolder() {}

  public static Path tar(ImageRecipe recipe, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tar = Files.createTempFile(dir, "context-", ".tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      long now = System.currentTimeMillis() / 1000;
      for (Map.Entry<String, String> f : recipe.texts().entrySet()) {
        byte[] bytes = recipe.bytes(f.getKey());
        header(out, f.getKey(), bytes.length, f.getKey().endsWith(".sh") ? 0755 : 0644, now);
        out.write(bytes);
        pad(out, bytes.length);
      }
      for (Map.Entry<String, Path> c : recipe.copies().entrySet()) {
        add(out, c.getKey(), c.getValue(), now);
      }
      out.write(new byte[2 * BLOCK]); // the end of the archive
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tar);
      throw e;
    }
    return tar;
  }

  private static void add(OutputStream out, String name, Path source, long now) throws IOException {
    if (!Files.isDirectory(source)) {
      file(out, name, source, now);
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      file(out, name + "/" + source.relativize(f).toString().replace('\\', '/'), f, now);
    }
  }

  private static void file(OutputStream out, String name, Path f, long now) throws IOException {
    long size = Files.size(f);
    header(out, name, size, Files.isExecutable(f) ? 0755 : 0644, now);
    long copied = Files.copy(f, out);
    if (copied != size) {
      throw new IOException(f + " changed while it was added to the build folder");
    }
    pad(out, size);
  }

  /**
   * A regular file's header, after a pax header when its name or size does not fit ustar's fields.
   */
  private static void header(OutputStream out, String name, long size, int mode, long mtime)
      throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder pax = new StringBuilder();
    if (nameBytes.length > 100) {
      pax.append(paxRecord("path", name));
    }
    if (size > MAX_USTAR_SIZE) {
      pax.append(paxRecord("size", Long.toString(size)));
    }
    if (!pax.isEmpty()) {
      byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
      out.write(block("PaxHeaders/" + shortName(name), records.length, 0644, mtime, 'x'));
      out.write(records);
      pad(out, records.length);
    }
    out.write(
        block(
            nameBytes.length > 100 ? shortName(name) : name,
            size > MAX_USTAR_SIZE ? 0 : size,
            mode,
            mtime,
            '0'));
  }

  /** A pax record: its own length in decimal, counting the digits of that length too. */
  private static String paxRecord(String key, String value) {
    int rest = key.length() + value.getBytes(StandardCharsets.UTF_8).length + 3; // ' ', '=', '\n'
    int length = rest + Integer.toString(rest).length();
    if (Integer.toString(length).length() > Integer.toString(rest).length()) {
      length++;
    }
    return length + " " + key + "=" + value + "\n";
  }

  /** The last 100 bytes' worth of a long name, for readers that ignore pax headers. */
  private static String shortName(String name) {
    String s = name;
    while (s.getBytes(StandardCharsets.UTF_8).length > 100 - "PaxHeaders/".length()) {
      s = s.substring(1);
    }
    return s;
  }

  private static byte[] block(String name, long size, int mode, long mtime, char type) {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' '); // the checksum counts itself as spaces
    h[156] = (byte) type;
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    put(h, 148, 8, checksum);
    return h;
  }

  private static void octal(byte[] h, int at, int width, long value) {
    put(
        h,
        at,
        width,
        String.format("%0" + (width - 1) + "o\0", value).getBytes(StandardCharsets.US_ASCII));
  }

  private static void put(byte[] h, int at, int width, byte[] bytes) {
    System.arraycopy(bytes, 0, h, at, Math.min(width, bytes.length));
  }

  private static void pad(OutputStream out, long written) throws IOException {
    int rest = (int) (written % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }
}
