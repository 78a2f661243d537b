package io.labrun.core.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * What the last snapshot of one project learned about its files: for each path the size, the
 * modification time in nanoseconds and the file key (device and inode) it had, and the hash of its
 * content, which the object store holds. A file whose size, time and key are unchanged is taken at
 * its word and not read again, as Git's index does.
 *
 * <p>One binary file per project, named by a hash of the project folder, replaced atomically (temp
 * file + rename) and closed by a CRC-32: a torn or damaged cache reads as empty, which costs one
 * full re-hash, never a wrong snapshot. It also names the snapshot it was written with, the canary
 * the {@link Snapshotter} uses to notice a store that lost objects or is another store. The file is
 * read in one go and decoded with bulk {@code String} constructors, as it is on the path of every
 * submit, often in a JVM that has not warmed up.
 *
 * <pre>
 * int magic "LRSC", int version, 64 bytes snapshot id (ASCII, or 64 spaces), int count,
 * count x (int n, n bytes path UTF-8, long size, long mtime ns, int k, k bytes file key UTF-8,
 *          64 bytes sha256 ASCII),
 * int CRC-32 of all bytes before it
 * </pre>
 */
final class StatCache {
  private static final int MAGIC = 0x4c525343; // "LRSC"
  private static final int VERSION = 2;
  private static final String NO_SNAPSHOT = " ".repeat(64);

  /** What was known about one file. */
  record Entry(long size, long mtimeNanos, String fileKey, String sha256) {
    boolean sameFile(long size, long mtimeNanos, String fileKey) {
      return this.size == size
          && this.mtimeNanos == mtimeNanos
          && Objects.equals(this.fileKey, fileKey);
    }
  }

  private final String snapshotId;
  private final Map<String, Entry> entries;

  StatCache(String snapshotId, Map<String, Entry> entries) {
    this.snapshotId = snapshotId;
    this.entries = entries;
  }

  static StatCache empty() {
    return new StatCache("", Map.of());
  }

  /** The cache file for the project in {@code projectRoot}. */
  static Path fileFor(Path cacheDir, Path projectRoot) {
    String key =
        Manifest.sha256Hex(
            projectRoot.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
    return cacheDir.resolve(key.substring(0, 32) + ".statcache");
  }

  /** The snapshot this cache was written with, "" if none. */
  String snapshotId() {
    return snapshotId;
  }

  Entry get(String path) {
    return entries.get(path);
  }

  int size() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Reads {@code file}; a missing, foreign or damaged file gives an empty cache. */
  static StatCache load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return empty();
    }
    if (bytes.length < 80) {
      return empty();
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt(bytes.length - 4) != (int) crc.getValue()
        || in.getInt() != MAGIC
        || in.getInt() != VERSION) {
      return empty();
    }
    try {
      String snapshotId = ascii(bytes, in, 64);
      int count = in.getInt();
      Map<String, Entry> entries = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
      for (int i = 0; i < count; i++) {
        String path = utf8(bytes, in, in.getInt());
        long size = in.getLong();
        long mtime = in.getLong();
        int keyLength = in.getInt();
        String key = keyLength == 0 ? null : utf8(bytes, in, keyLength);
        entries.put(path, new Entry(size, mtime, key, ascii(bytes, in, 64)));
      }
      if (in.position() != bytes.length - 4) {
        return empty();
      }
      return new StatCache(snapshotId.equals(NO_SNAPSHOT) ? "" : snapshotId, entries);
    } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
      return empty();
    }
  }

  /** Replaces {@code file} atomically with this cache. */
  void save(Path file) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 + entries.size() * 140);
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.write(
        (snapshotId.isEmpty() ? NO_SNAPSHOT : snapshotId).getBytes(StandardCharsets.US_ASCII));
    out.writeInt(entries.size());
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry v = e.getValue();
      byte[] path = e.getKey().getBytes(StandardCharsets.UTF_8);
      out.writeInt(path.length);
      out.write(path);
      out.writeLong(v.size());
      out.writeLong(v.mtimeNanos());
      byte[] key = v.fileKey() == null ? new byte[0] : v.fileKey().getBytes(StandardCharsets.UTF_8);
      out.writeInt(key.length);
      out.write(key);
      out.write(v.sha256().getBytes(StandardCharsets.US_ASCII));
    }
    CRC32 crc = new CRC32();
    byte[] body = buffer.toByteArray();
    crc.update(body);

    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp)) {
        os.write(body);
        os.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String ascii(byte[] bytes, ByteBuffer in, int length) {
    String s = new String(bytes, in.position(), length, StandardCharsets.ISO_8859_1);
    in.position(in.position() + length);
    return s;
  }

  private static String utf8(byte[] bytes, ByteBuffer in, int length) {
    String s = new String(bytes, in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return s;
  }
}
