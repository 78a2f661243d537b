package io.labrun.objects.s3;

import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Objects in an S3-compatible bucket: the object with id {@code abc...} is the key {@code
 * PREFIX/objects/abc...}. An object is uploaded only when its key is absent (a HEAD first), so
 * content any run or user stored before costs nothing again; S3 checks every upload against its
 * Content-MD5, and files larger than a part go up as a resumable, parallel {@link MultipartUpload}.
 * Nothing is held whole in memory: uploads read the file, downloads stream the response. A touch is
 * a marker key {@code PREFIX/touched/abc...} whose time garbage collection reads ({@link
 * UnusedKeys}), since S3 cannot change an object's time in place.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
  /** An unfinished multipart upload this old is abandoned: no uploader resumes it any more. */
  static final Duration ABANDONED = Duration.ofDays(1);

  /**
   * Parts of a streamed upload, held in memory: 8 MiB keeps the server's memory flat (with 16 MiB
   * parts its RSS passed 300 MB under a 512 MiB upload); S3's 10,000 parts then take objects up to
   * 78 GiB through the server.
   */
  static final long STREAMED_PART = 8L << 20;

  private final S3Client s3;
  private final S3Settings settings;
  private final String bucket;
  private final ExecutorService parts;
  private final PartBuffers buffers;
  private final KnownObjects known = new KnownObjects();

  /** What streamed uploads broken off (by their sender, or a server killed) left to continue. */
  private final UploadStates states;

  S3ObjectStore(S3Client s3, S3Settings settings) {
    this.s3 = s3;
    this.settings = settings;
    this.bucket = settings.location().bucket();
    this.parts =
        Executors.newFixedThreadPool(
            settings.parallel(),
            r -> {
              Thread t = new Thread(r, "labrun-s3-part");
              t.setDaemon(true);
              return t;
            });
    this.buffers =
        new PartBuffers(settings.parallel(), Math.min(settings.partBytes(), STREAMED_PART));
    this.states = new UploadStates(s3, settings.location());
  }

  /**
   * Connects and checks the bucket: wrong credentials or a missing bucket fail here, in one line.
   */
  public static S3ObjectStore open(S3Settings settings) {
    S3Client s3 = S3Connection.client(settings);
    try {
      S3Connection.check(s3, settings);
    } catch (RuntimeException e) {
      s3.close();
      throw e;
    }
    return new S3ObjectStore(s3, settings);
  }

  public S3Location location() {
    return settings.location();
  }

  @Override
  public boolean contains(String sha256) {
    return known.has(sha256) || head(sha256) != null;
  }

  @Override
  public String put(Path file) throws IOException {
    return put(file, ObjectIds.of(file));
  }

  /** Skips hashing the file again; S3 still checks every byte sent against its Content-MD5. */
  @Override
  public String put(Path file, String sha) throws IOException {
    if (contains(sha)) {
      return sha;
    }
    long size = Files.size(file);
    try {
      if (size > settings.partBytes()) {
        new MultipartUpload(s3, bucket, key(sha), file, size, settings.partBytes(), parts).run();
      } else {
        String md5 = FileRange.md5(file, 0, size);
        s3.putObject(
            PutObjectRequest.builder()
                .bucket(bucket)
                .key(key(sha))
                .contentLength(size)
                .contentMD5(md5)
                .build(),
            RequestBody.fromFile(file));
      }
    } catch (SdkException e) {
      throw failure(e, "store " + file);
    }
    known.written(sha);
    return sha;
  }

  @Override
  public boolean streamsUploads() {
    return true;
  }

  /**
   * Sends the stream on to S3 as it arrives ({@link StreamedUpload}); the caller asked {@link
   * #contains} first (the server answers an upload of a present object without reading it).
   */
  @Override
  public void put(InputStream in, String sha256) throws IOException {
    put(in, sha256, 0);
  }

  /**
   * What the bucket's state of an upload of {@code sha256} says S3 holds of it, checked against the
   * parts S3 lists: 0 when there is nothing to continue.
   */
  @Override
  public long received(String sha256) {
    return states.continuable(sha256).map(UploadStates.Continuable::received).orElse(0L);
  }

  /**
   * Continues the upload broken off at {@code offset} (its parts in S3, its state in the bucket,
   * whichever server saved it); from 0, starts over (aborting what a broken-off upload left). The
   * caller makes sure one upload of an id runs at a time on this server.
   */
  @Override
  public void put(InputStream in, String sha256, long offset) throws IOException {
    String key = key(sha256);
    StreamedUpload upload = new StreamedUpload(s3, bucket, key, sha256, buffers, parts, states);
    try {
      UploadStates.Continuable from = offset == 0 ? null : states.continuable(sha256).orElse(null);
      if (offset != 0 && (from == null || from.received() != offset)) {
        throw new OffsetMismatch(sha256, offset, from == null ? 0 : from.received());
      }
      if (offset != 0) {
        upload.resume(in, from);
      } else {
        // a new upload from the start: what a broken-off one left goes, matching its state or not
        UploadStates.Saved left = states.saved(sha256).orElse(null);
        if (left != null) {
          StreamedUpload.abort(s3, bucket, key, left.uploadId());
          states.delete(sha256);
        }
        upload.run(in);
      }
    } catch (SdkException e) {
      throw failure(e, "store " + sha256 + " in");
    }
    known.written(sha256);
  }

  @Override
  public String put(byte[] bytes) throws IOException {
    String sha = ObjectIds.of(bytes);
    if (contains(sha)) {
      return sha;
    }
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(key(sha))
              .contentLength((long) bytes.length)
              .contentMD5(FileRange.md5(bytes))
              .build(),
          RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw failure(e, "store an object");
    }
    known.written(sha);
    return sha;
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return open(sha256, 0);
  }

  @Override
  public InputStream open(String sha256, long offset) throws IOException {
    GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key(sha256));
    if (offset > 0) {
      get.range("bytes=" + offset + "-");
    }
    try {
      return new AbortingStream(s3.getObject(get.build()));
    } catch (NoSuchKeyException e) {
      throw missing(sha256);
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return InputStream.nullInputStream(); // an offset at the end: nothing more to read
      }
      throw failure(e, "read " + sha256);
    } catch (SdkException e) {
      throw failure(e, "read " + sha256);
    }
  }

  /**
   * Downloads into a temporary file next to {@code target}, checks it hashes to its id, then
   * renames it into place.
   */
  @Override
  public void copyTo(String sha256, Path target) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".tmp-", "");
    try {
      MessageDigest digest = ObjectIds.newDigest();
      try (InputStream in = open(sha256);
          OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        in.transferTo(out);
      }
      String actual = ObjectIds.hex(digest);
      if (!actual.equals(sha256)) {
        throw new IOException(
            "object "
                + sha256
                + " in "
                + settings.location()
                + " holds content that hashes to "
                + actual
                + "; the bucket's copy is damaged: store the file again");
      }
      PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
      if (posix != null) {
        posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public long size(String sha256) throws IOException {
    HeadObjectResponse head = head(sha256);
    if (head == null) {
      throw missing(sha256);
    }
    return head.contentLength();
  }

  @Override
  public void touch(String sha256) throws IOException {
    if (!contains(sha256)) {
      throw missing(sha256);
    }
    // The marker is written each time, even for a known id: its time is what the grace counts from.
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(UnusedKeys.markKey(settings.location(), sha256))
              .build(),
          RequestBody.empty());
    } catch (SdkException e) {
      throw failure(e, "mark " + sha256 + " as used");
    }
    known.written(sha256);
  }

  /**
   * Also aborts the multipart uploads nobody continued within a day of {@code since}, and removes
   * their saved states.
   */
  @Override
  public Removed removeUnused(Predicate<String> inUse, Instant since) throws IOException {
    try {
      UnusedKeys keys = new UnusedKeys(s3, settings.location());
      keys.abandonUploads(since.minus(ABANDONED), states.all());
      return keys.remove(inUse, since);
    } catch (SdkException e) {
      throw failure(e, "remove unused objects from");
    } finally {
      known.forget();
    }
  }

  /** An empty key {@code PREFIX/servers/ID}, its LastModified that of the server's last word. */
  @Override
  public void serverRunning(String server) throws IOException {
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(UnusedKeys.serverKey(settings.location(), server))
              .build(),
          RequestBody.empty());
    } catch (SdkException e) {
      throw failure(e, "record a running server in");
    }
  }

  @Override
  public void serverStopped(String server) throws IOException {
    try {
      new UnusedKeys(s3, settings.location())
          .delete(UnusedKeys.serverKey(settings.location(), server));
    } catch (SdkException e) {
      throw failure(e, "remove a stopped server's record from");
    }
  }

  @Override
  public Optional<Instant> serverSeen() throws IOException {
    try {
      return new UnusedKeys(s3, settings.location()).serverSeen();
    } catch (SdkException e) {
      throw failure(e, "list the servers recorded in");
    }
  }

  /**
   * Aborts multipart uploads started before {@code before} (a killed uploader's) and not continued
   * since, with their saved states; returns how many.
   */
  public int abortUploadsStartedBefore(Instant before) throws IOException {
    try {
      return new UnusedKeys(s3, settings.location()).abandonUploads(before, states.all());
    } catch (SdkException e) {
      throw failure(e, "list the unfinished uploads of");
    }
  }

  @Override
  public void close() {
    parts.shutdownNow();
    s3.close();
  }

  @Override
  public String toString() {
    return settings.location() + settings.endpoint().map(u -> " (" + u + ")").orElse("");
  }

  String key(String sha256) {
    if (!ObjectIds.isValid(sha256)) {
      throw new IllegalArgumentException("not a SHA-256 in lowercase hex: " + sha256);
    }
    return UnusedKeys.objectKey(settings.location(), sha256);
  }

  private HeadObjectResponse head(String sha256) {
    try {
      return s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key(sha256)).build());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw S3Connection.failure(e, settings, "look up " + sha256 + " in");
    } catch (SdkException e) {
      throw S3Connection.failure(e, settings, "look up " + sha256 + " in");
    }
  }

  private NoSuchFileException missing(String sha256) {
    return new NoSuchFileException(
        key(sha256), null, "object " + sha256 + " is not in " + settings.location());
  }

  private IOException failure(SdkException e, String doing) {
    return new IOException(S3Connection.failure(e, settings, doing).getMessage(), e);
  }

  /**
   * A download that, closed before its end (a client that went away), aborts the connection instead
   * of reading the rest of a large object only to reuse it.
   */
  private static final class AbortingStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private long left;

    AbortingStream(ResponseInputStream<GetObjectResponse> response) {
      super(response);
      this.response = response;
      Long length = response.response().contentLength();
      this.left = length == null ? Long.MAX_VALUE : length;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        left--;
      } else {
        left = 0;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        left -= n;
      } else if (n < 0) {
        left = 0;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      if (left > 0) {
        response.abort();
      }
      super.close();
    }
  }
}
