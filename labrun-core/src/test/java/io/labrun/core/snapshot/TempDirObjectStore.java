package io.labrun.core.snapshot;

import io.labrun.core.history.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A correct, thread-safe {@link ObjectStore} in a folder, for tests of any module (it ships in the
 * core test-jar). Objects live at {@code <dir>/<first 2 hex>/<other 62 hex>}, are written to a temp
 * file while being hashed and renamed into place, and are made read-only, as a real store's should
 * be. Counters let a test prove what a component did or did not do: how many files were stored
 * ({@link #filesPut()}), how many {@code contains} calls were made; {@link #delete} and {@link
 * #clear} simulate a store that lost objects.
 */
public final class TempDirObjectStore implements ObjectStore {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path dir;
  private final Path tmp;
  private final AtomicInteger filesPut = new AtomicInteger();
  private final AtomicInteger byteArraysPut = new AtomicInteger();
  private final AtomicInteger containsCalls = new AtomicInteger();

  /** A store in {@code dir}, created if missing; objects already there are kept. */
  public TempDirObjectStore(Path dir) {
    this.dir = dir.toAbsolutePath();
    this.tmp = this.dir.resolve("tmp");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  @Override
  public boolean contains(String sha256) {
    containsCalls.incrementAndGet();
    return Files.isRegularFile(pathOf(sha256));
  }

  @Override
  public String put(Path file) throws IOException {
    filesPut.incrementAndGet();
    try (InputStream in = Files.newInputStream(file)) {
      return putStream(in);
    }
  }

  @Override
  public String put(byte[] bytes) throws IOException {
    byteArraysPut.incrementAndGet();
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      return putStream(in);
    }
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return Files.newInputStream(existing(sha256));
  }

  @Override
  public void copyTo(String sha256, Path target) throws IOException {
    Path source = existing(sha256);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // The copy takes the object's read-only mode; callers set the mode they want.
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public long size(String sha256) throws IOException {
    return Files.size(existing(sha256));
  }

  @Override
  public void touch(String sha256) throws IOException {
    Files.setLastModifiedTime(existing(sha256), FileTime.from(Instant.now()));
  }

  @Override
  public Removed removeUnused(Predicate<String> inUse, Instant since) throws IOException {
    Removed removed = Removed.NOTHING;
    for (String id : ids()) {
      if (!inUse.test(id) && Files.getLastModifiedTime(existing(id)).toInstant().isBefore(since)) {
        long size = Files.size(existing(id));
        delete(id);
        removed = removed.plus(size);
      }
    }
    return removed;
  }

  /** How many times {@link #put(Path)} was called: files read. */
  public int filesPut() {
    return filesPut.get();
  }

  /** How many times {@link #put(byte[])} was called. */
  public int byteArraysPut() {
    return byteArraysPut.get();
  }

  public int containsCalls() {
    return containsCalls.get();
  }

  /** The ids of all objects held, sorted. */
  public Set<String> ids() {
    Set<String> ids = new TreeSet<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(tmp))
          .forEach(p -> ids.add(p.getParent().getFileName().toString() + p.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** Forgets one object, as a cleanup or a damaged disk would. */
  public void delete(String sha256) throws IOException {
    Files.delete(existing(sha256));
  }

  /** Forgets every object. */
  public void clear() throws IOException {
    for (String id : ids()) {
      delete(id);
    }
  }

  private String putStream(InputStream in) throws IOException {
    Path temp = Files.createTempFile(tmp, "put", ".tmp");
    try {
      MessageDigest digest = sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        in.transferTo(out);
      }
      String id = HexFormat.of().formatHex(digest.digest());
      Path target = pathOf(id);
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        setReadOnly(temp);
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
          // Another thread stored the same content first: same bytes, nothing to do.
        }
      }
      return id;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private Path existing(String sha256) throws NoSuchFileException {
    Path p = pathOf(sha256);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(p.toString(), null, "no object " + sha256 + " in the store");
    }
    return p;
  }

  private Path pathOf(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a lowercase SHA-256 hex digest: " + sha256);
    }
    return dir.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2));
  }

  private static void setReadOnly(Path p) throws IOException {
    if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
    } else if (!p.toFile().setWritable(false)) {
      throw new IOException("could not make " + p + " read-only");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
