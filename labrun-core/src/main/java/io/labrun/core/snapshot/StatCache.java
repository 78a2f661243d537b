package io.labrun.core.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * What the last snapshot of one project learned about its files: for each path the size, the
 * modification time in nanoseconds and the file key (device and inode) it had, and the hash of its
 * content, which the object store holds. A file whose size, time and key are unchanged is taken at
 * its word and not read again, as Git's index does.
 *
 * <p>One binary file per project, named by a hash of the project folder, replaced atomically
 * (temp file + rename) and closed by a CRC-32: a torn or damaged cache reads as empty, which costs
 * one full re-hash, never a wrong snapshot. It also names the snapshot it was written with, the
 * canary the {@link Snapshotter} uses to notice a store that lost objects or is another store.
 */
final class StatCache {
  private static final int MAGIC = 0x4c525343; // "LRSC"
  private static final int VERSION = 1;

  /** What was known about one file. */
  record Entry(long size, long mtimeNanos, String fileKey, String sha256) {
    boolean sameFile(long size, long mtimeNanos, String fileKey) {
      return this.size == size && this.mtimeNanos == mtimeNanos && Objects.equals(this.fileKey, fileKey);
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
    String key = Manifest.sha256Hex(projectRoot.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
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
    try (InputStream raw = Files.newInputStream(file)) {
      CRC32 crc = new CRC32();
      DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc));
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        return empty();
      }
      String snapshotId = in.readUTF();
      int count = in.readInt();
      if (count < 0) {
        return empty();
      }
      Map<String, Entry> entries = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
      for (int i = 0; i < count; i++) {
        String path = in.readUTF();
        long size = in.readLong();
        long mtime = in.readLong();
        String key = in.readUTF();
        String sha = in.readUTF();
        entries.put(path, new Entry(size, mtime, key.isEmpty() ? null : key, sha));
      }
      long expected = crc.getValue();
      if (in.readInt() != (int) expected || in.read() != -1) {
        return empty();
      }
      return new StatCache(snapshotId, entries);
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException | RuntimeException e) {
      return empty();
    }
  }

  /** Replaces {@code file} atomically with this cache. */
  void save(Path file) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream raw = Files.newOutputStream(tmp)) {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(snapshotId);
        out.writeInt(entries.size());
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
          Entry v = e.getValue();
          out.writeUTF(e.getKey());
          out.writeLong(v.size());
          out.writeLong(v.mtimeNanos());
          out.writeUTF(v.fileKey() == null ? "" : v.fileKey());
          out.writeUTF(v.sha256());
        }
        out.flush();
        // The checksum covers everything before it, so it is written past the checked stream.
        DataOutputStream tail = new DataOutputStream(raw);
        tail.writeInt((int) crc.getValue());
        tail.flush();
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
