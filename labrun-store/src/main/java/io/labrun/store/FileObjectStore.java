package io.labrun.store;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Content-addressed files in a folder: the object with SHA-256 {@code abcdef...} lives at {@code
 * ab/cdef...}. An object is written under a temporary name in the same folder tree, made read-only
 * and then renamed into place, so a reader never sees half an object, a crash leaves none under its
 * final name, and processes storing the same content at once all end with one correct file.
 */
public final class FileObjectStore implements ObjectStore {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final String TEMP_PREFIX = ".tmp-";
  private static final String SERVERS = ".servers";

  private final Path root;

  /** The store in {@code root} (typically {@code <data folder>/objects}), created if missing. */
  public FileObjectStore(Path root) {
    this.root = root.toAbsolutePath();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot create the object folder "
              + this.root
              + " ("
              + e.getMessage()
              + "); check the path and its permissions, or choose another data folder",
          e);
    }
    removeAbandonedTemporaryFiles();
  }

  public Path root() {
    return root;
  }

  /** Every object's id, in order (a migration copies them one by one). */
  public List<String> ids() throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, "[0-9a-f][0-9a-f]")) {
      for (Path folder : folders) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
          for (Path f : files) {
            String sha = folder.getFileName().toString() + f.getFileName();
            if (SHA256.matcher(sha).matches()) {
              ids.add(sha);
            }
          }
        }
      }
    }
    Collections.sort(ids);
    return ids;
  }

  /** The file holding an object. */
  public Path file(String sha256) throws NoSuchFileException {
    return existing(sha256);
  }

  @Override
  public boolean contains(String sha256) {
    return Files.isRegularFile(pathOf(sha256));
  }

  @Override
  public String put(Path file) throws IOException {
    // The hash is known only once the bytes went through, so they go to a temporary file first.
    Path temp = Files.createTempFile(root, TEMP_PREFIX, "");
    try {
      MessageDigest digest = sha256();
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        in.transferTo(out);
      }
      return settle(temp, HexFormat.of().formatHex(digest.digest()));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public String put(byte[] bytes) throws IOException {
    String sha = HexFormat.of().formatHex(sha256().digest(bytes));
    if (contains(sha)) {
      return sha;
    }
    Path temp = Files.createTempFile(root, TEMP_PREFIX, "");
    try {
      Files.write(temp, bytes);
      return settle(temp, sha);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return Files.newInputStream(existing(sha256));
  }

  @Override
  public InputStream open(String sha256, long offset) throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(existing(sha256));
    channel.position(offset);
    return Channels.newInputStream(channel);
  }

  @Override
  public void copyTo(String sha256, Path target) throws IOException {
    Path source = existing(sha256);
    Path folder = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      Files.createDirectories(
          folder); // (which costs an exception when it exists: a snapshot writes many files into
      // one folder)
    }
    // Next to the target, so the final rename stays on one file system and is atomic.
    Path temp = Files.createTempFile(folder, "." + target.getFileName() + TEMP_PREFIX, "");
    boolean moved = false;
    try {
      try (InputStream in = Files.newInputStream(source)) {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      // A temporary file is private (0600); the copy is an ordinary file of the user's.
      PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
      if (posix != null) {
        posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
      }
      moved = moveIntoPlace(temp, target);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public long size(String sha256) throws IOException {
    return Files.size(existing(sha256));
  }

  @Override
  public void touch(String sha256) throws IOException {
    Files.setLastModifiedTime(existing(sha256), FileTime.from(Instant.now()));
  }

  /** A file {@code .servers/ID} beside the objects, its time that of the server's last word. */
  @Override
  public void serverRunning(String server) throws IOException {
    Path record = Files.createDirectories(root.resolve(SERVERS)).resolve(server);
    if (!Files.exists(record)) {
      Files.createFile(record);
    }
    Files.setLastModifiedTime(record, FileTime.from(Instant.now()));
  }

  @Override
  public void serverStopped(String server) throws IOException {
    Files.deleteIfExists(root.resolve(SERVERS).resolve(server));
  }

  @Override
  public Optional<Instant> serverSeen() throws IOException {
    Path folder = root.resolve(SERVERS);
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    Instant latest = null;
    try (DirectoryStream<Path> records = Files.newDirectoryStream(folder)) {
      for (Path r : records) {
        Instant t = Files.getLastModifiedTime(r).toInstant();
        latest = latest == null || t.isAfter(latest) ? t : latest;
      }
    }
    return Optional.ofNullable(latest);
  }

  @Override
  public Removed removeUnused(Predicate<String> inUse, Instant since) throws IOException {
    Removed removed = Removed.NOTHING;
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, "[0-9a-f][0-9a-f]")) {
      for (Path folder : folders) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
          for (Path f : files) {
            String sha = folder.getFileName().toString() + f.getFileName();
            if (SHA256.matcher(sha).matches()
                && !inUse.test(sha)
                && Files.getLastModifiedTime(f).toInstant().isBefore(since)) {
              long size = Files.size(f);
              if (Files.deleteIfExists(f)) {
                removed = removed.plus(size);
              }
            }
          }
        }
      }
    }
    return removed;
  }

  // What a process killed in the middle of a put left. A day old: surely no put still writes it.
  private void removeAbandonedTemporaryFiles() {
    Instant dayAgo = Instant.now().minus(Duration.ofDays(1));
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
      for (Path t : temps) {
        if (Files.getLastModifiedTime(t).toInstant().isBefore(dayAgo)) {
          Files.deleteIfExists(t);
        }
      }
    } catch (IOException e) {
      // Only disk space is at stake; the next store opened tries again.
    }
  }

  /** Gives the stored bytes in {@code temp} their final name, unless another writer did already. */
  private String settle(Path temp, String sha) throws IOException {
    Path target = pathOf(sha);
    if (Files.isRegularFile(target)) {
      return sha;
    }
    Files.createDirectories(target.getParent());
    makeReadOnly(temp);
    // Another process may rename the same content into place meanwhile: the bytes are the same,
    // so whichever rename lands last leaves a correct object.
    moveIntoPlace(temp, target);
    return sha;
  }

  /**
   * Renames {@code temp} to {@code target}; false when it stays (equal content was there already).
   */
  private static boolean moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      // Some file systems refuse to rename over an existing file; equal content is there already.
      if (!Files.isRegularFile(target)) {
        throw e;
      }
      return false;
    }
    return true;
  }

  private static void makeReadOnly(Path file) throws IOException {
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      posix.setPermissions(PosixFilePermissions.fromString("r--r--r--"));
    } else if (!file.toFile().setReadOnly()) {
      throw new IOException("cannot make " + file + " read-only");
    }
  }

  private Path existing(String sha256) throws NoSuchFileException {
    Path p = pathOf(sha256);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(
          p.toString(), null, "object " + sha256 + " is not in the object store " + root);
    }
    return p;
  }

  private Path pathOf(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256 in lowercase hex: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
