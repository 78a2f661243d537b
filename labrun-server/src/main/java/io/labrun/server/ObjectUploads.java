package io.labrun.server;

import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.ObjectStore.ContentMismatch;
import io.labrun.core.history.ObjectStore.OffsetMismatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Uploads of objects to the server, resumable: an upload broken off (its sender killed, its
 * connection cut) keeps what arrived, and the next upload of the same id sends only the rest
 * ({@link #received}, then {@link #put} from that offset). A store that streams uploads (S3) keeps
 * the parts itself, with what it needs to continue them saved in the bucket, so a server restarted
 * meanwhile (or another on the same bucket) continues them too; for the others the bytes go to a
 * staging file {@code uploads/SHA.part} on the server's disk, which a restart of the server keeps
 * too. Either way the whole content is checked against its id at the end. One upload of an id runs
 * at a time on a server; staging files nobody continued within a day are removed.
 */
final class ObjectUploads {
  static final Duration ABANDONED = Duration.ofDays(1);
  private static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(30);

  private final ObjectStore objects;
  private final Path staging;
  private final Clock clock;
  private final ConcurrentHashMap<String, Busy> running = new ConcurrentHashMap<>();

  ObjectUploads(ObjectStore objects, Path staging, Clock clock) {
    this.objects = objects;
    this.staging = staging;
    this.clock = clock;
  }

  /**
   * Bytes of {@code sha} an upload that broke off left here: the next upload sends the rest. An
   * upload of it still going on (a sender killed a moment ago, not yet noticed) is waited for, up
   * to 30 s, so the answer is what it left.
   */
  long received(String sha) throws IOException {
    return inTurn(
        sha,
        () -> {
          if (objects.streamsUploads()) {
            return objects.received(sha);
          }
          try {
            return Files.size(staged(sha));
          } catch (IOException e) {
            return 0L;
          }
        });
  }

  /**
   * Stores {@code in}, the content of {@code sha} after its first {@code offset} bytes (which an
   * earlier upload left here): {@link OffsetMismatch} if those are not what is here, {@link
   * ContentMismatch} if the whole does not hash to {@code sha}. Waits up to 30 s for another upload
   * of the same id (a sender that was just killed, not yet noticed) to end.
   */
  void put(InputStream in, String sha, long offset) throws IOException {
    inTurn(
        sha,
        () -> {
          if (objects.streamsUploads()) {
            objects.put(in, sha, offset);
          } else {
            stageAndPut(in, sha, offset);
          }
          return null;
        });
  }

  /**
   * Runs {@code action} once no other upload of {@code sha} runs on this server (waiting up to 30
   * s; 409 if it still runs then), and holds the others off meanwhile.
   */
  private <T> T inTurn(String sha, Action<T> action) throws IOException {
    Busy busy = running.compute(sha, (k, b) -> (b == null ? new Busy() : b).join());
    try {
      if (!busy.lock.tryLock(WAIT_FOR_OTHER.toSeconds(), TimeUnit.SECONDS)) {
        throw new ApiError(
            409, "another upload of object " + sha + " is still going on; try again once it ended");
      }
      try {
        return action.run();
      } finally {
        busy.lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for another upload of " + sha);
    } finally {
      running.compute(sha, (k, b) -> b.leave() ? null : b);
    }
  }

  private interface Action<T> {
    T run() throws IOException;
  }

  /** The lock of one id's uploads and how many requests use it (it goes when none does). */
  private static final class Busy {
    final ReentrantLock lock = new ReentrantLock();
    int users;

    Busy join() {
      users++;
      return this;
    }

    /** True when no request uses it any more. */
    boolean leave() {
      return --users == 0;
    }
  }

  /**
   * Appends to the staging file (hashing what it holds first), then stores it once it hashes to
   * {@code sha}. A stream that breaks off leaves the file for the next attempt; content that hashes
   * otherwise removes it.
   */
  private void stageAndPut(InputStream in, String sha, long offset) throws IOException {
    Files.createDirectories(staging);
    Path part = staged(sha);
    long held = Files.exists(part) ? Files.size(part) : 0;
    if (offset != held) {
      if (offset == 0) {
        Files.delete(part); // a new upload from the start: what a broken one left goes
        held = 0;
      } else {
        throw new OffsetMismatch(sha, offset, held);
      }
    }
    if (held == 0) {
      removeAbandoned();
    }
    MessageDigest digest = ObjectIds.newDigest();
    if (held > 0) {
      try (InputStream before = new DigestInputStream(Files.newInputStream(part), digest)) {
        before.transferTo(OutputStream.nullOutputStream());
      }
    }
    try (OutputStream out =
        new DigestOutputStream(
            Files.newOutputStream(
                part,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND),
            digest)) {
      in.transferTo(out);
    }
    String actual = ObjectIds.hex(digest);
    try {
      if (!actual.equals(sha)) {
        throw new ContentMismatch(sha, actual);
      }
      objects.put(part, sha);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** Staging files nobody continued within a day: their senders are not coming back. */
  private void removeAbandoned() throws IOException {
    Instant before = clock.instant().minus(ABANDONED);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging, "*.part")) {
      for (Path f : files) {
        String sha = f.getFileName().toString().replace(".part", "");
        if (Files.getLastModifiedTime(f).toInstant().isBefore(before)
            && !running.containsKey(sha)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  private Path staged(String sha) {
    return staging.resolve(sha + ".part");
  }
}
