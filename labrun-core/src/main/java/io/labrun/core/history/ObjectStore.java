package io.labrun.core.history;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Port: content-addressed storage of files (snapshot contents, manifests, artifacts), keyed by the
 * SHA-256 of their bytes as lowercase hex. Identical content is stored once.
 */
public interface ObjectStore {
  boolean contains(String sha256);

  /** Stores a file and returns its hash. Storing content already present writes nothing. */
  String put(Path file) throws IOException;

  /**
   * Stores a file whose hash the caller has just computed (the server, which hashed an upload as it
   * arrived): a store that would hash it again may skip that pass. The default hashes anyway.
   */
  default String put(Path file, String sha256) throws IOException {
    return put(file);
  }

  /**
   * Whether {@link #put(InputStream, String)} sends content on as it arrives (an S3 multipart
   * upload): the server then writes an upload to no temporary file, so no disk bounds its size.
   */
  default boolean streamsUploads() {
    return false;
  }

  /**
   * Stores what {@code in} yields as the object {@code sha256}, provided it hashes to that; stores
   * nothing otherwise ({@link ContentMismatch}). Only stores that {@link #streamsUploads} take
   * streams; the others are given a file ({@link #put(Path, String)}).
   */
  default void put(InputStream in, String sha256) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " stores files only");
  }

  /**
   * How many bytes of {@code sha256} an upload that broke off (its sender killed, its connection
   * cut) left here to continue from: {@link #put(InputStream, String, long)} with that offset sends
   * only the rest. 0 when there is none, and always for stores that do not keep them.
   */
  default long received(String sha256) {
    return 0;
  }

  /**
   * Continues the upload of {@code sha256} from {@code offset}, the bytes {@link #received} said
   * this store holds: {@code in} yields the content after them. Checked as a whole at the end, like
   * {@link #put(InputStream, String)}; an offset this store does not hold stores nothing ({@link
   * OffsetMismatch}). A stream that breaks off again keeps what arrived for the next attempt.
   */
  default void put(InputStream in, String sha256, long offset) throws IOException {
    if (offset != 0) {
      throw new OffsetMismatch(sha256, offset, 0);
    }
    put(in, sha256);
  }

  /** A continued upload whose offset is not what the store holds of it: nothing was stored. */
  final class OffsetMismatch extends IOException {
    private final long received;

    public OffsetMismatch(String sha256, long offset, long received) {
      super(
          "the upload of "
              + sha256
              + " continues from byte "
              + offset
              + ", but "
              + received
              + " bytes of it are here");
      this.received = received;
    }

    public long received() {
      return received;
    }
  }

  /** Content that does not hash to the id it was sent as: nothing was stored. */
  final class ContentMismatch extends IOException {
    private final String actual;

    public ContentMismatch(String expected, String actual) {
      super("the content hashes to " + actual + ", not " + expected);
      this.actual = actual;
    }

    public String actual() {
      return actual;
    }
  }

  /** Stores bytes and returns their hash. */
  String put(byte[] bytes) throws IOException;

  InputStream open(String sha256) throws IOException;

  /**
   * The object's bytes from {@code offset} on (a download resumed, an HTTP range). Stores that can
   * start reading in the middle override this; the default reads past the first bytes.
   */
  default InputStream open(String sha256, long offset) throws IOException {
    InputStream in = open(sha256);
    try {
      in.skipNBytes(offset);
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Writes the object to {@code target} (replacing it), creating parent folders. */
  void copyTo(String sha256, Path target) throws IOException;

  long size(String sha256) throws IOException;

  /** Marks a stored object as just used: {@link #removeUnused} spares it for a while. */
  void touch(String sha256) throws IOException;

  /**
   * Garbage collection: removes every object that {@code inUse} does not name and that nobody
   * stored or touched since {@code since}; says how many were removed and their bytes.
   */
  Removed removeUnused(Predicate<String> inUse, Instant since) throws IOException;

  /**
   * Records that the server {@code server} (an id of its own) uses this store and collects its
   * unused objects: written when it starts and again every minute while it runs, so that {@code
   * labrun server gc} from outside does not sweep beside it. Stores no server shares record
   * nothing.
   */
  default void serverRunning(String server) throws IOException {}

  /** The server {@code server} stopped: its record goes. */
  default void serverStopped(String server) throws IOException {}

  /** When a server using this store last recorded that it runs; empty when none runs. */
  default Optional<Instant> serverSeen() throws IOException {
    return Optional.empty();
  }

  /** What a garbage collection removed: objects and the bytes they held. */
  record Removed(int objects, long bytes) {
    public static final Removed NOTHING = new Removed(0, 0);

    public Removed plus(long size) {
      return new Removed(objects + 1, bytes + size);
    }
  }
}
