package io.labrun.objects.s3;

import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.ObjectStore.ContentMismatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Content arriving as a stream (a client's upload to the server) sent on to S3 as it comes, with no
 * temporary file: read a part at a time into a {@link PartBuffers} buffer and hashed on the way,
 * each full part sent while the next one is read (several at once, each with its Content-MD5), and
 * the object completed only once the whole stream hashed to the id it is stored under. Content that
 * hashes otherwise, or a failure of S3, aborts the upload: S3 never shows an object under a wrong
 * id. A stream that breaks off (its sender killed, its connection cut) after whole parts reached S3
 * leaves them there, with the hash of the bytes so far ({@link Unfinished}): the next upload of the
 * same id continues after them. Content shorter than one part goes up in one PUT.
 */
final class StreamedUpload {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String sha256;
  private final PartBuffers buffers;
  private final ExecutorService pool;

  StreamedUpload(
      S3Client s3,
      String bucket,
      String key,
      String sha256,
      PartBuffers buffers,
      ExecutorService pool) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.sha256 = sha256;
    this.buffers = buffers;
    this.pool = pool;
  }

  /**
   * Continues {@code from} (parts already in S3 and the hash of their bytes): {@code in} yields the
   * bytes after them.
   */
  void resume(InputStream in, Unfinished from) throws IOException {
    inParts(in, null, from.digest, from.uploadId, from.parts, from.received);
  }

  void run(InputStream in) throws IOException {
    MessageDigest digest = ObjectIds.newDigest();
    byte[] first = buffers.take();
    int length;
    try {
      length = fill(in, first, digest);
      if (length < first.length) {
        check(digest);
        putWhole(first, length);
        return;
      }
    } catch (IOException | RuntimeException e) {
      buffers.give(first);
      throw e;
    }
    inParts(in, first, digest, MultipartUpload.start(s3, bucket, key), List.of(), 0);
  }

  private void putWhole(byte[] bytes, int length) {
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(key)
              .contentLength((long) length)
              .contentMD5(FileRange.md5(bytes, length))
              .build(),
          body(bytes, length));
    } finally {
      buffers.give(bytes);
    }
  }

  /**
   * Sends the parts after {@code done} (which hold {@code received} bytes) to the upload {@code
   * uploadId}: {@code first}, when given, is the next full part already read (and hashed), the rest
   * follows from {@code in}.
   */
  private void inParts(
      InputStream in,
      byte[] first,
      MessageDigest digest,
      String uploadId,
      List<CompletedPart> done,
      long received)
      throws IOException {
    List<Future<CompletedPart>> sent = new ArrayList<>();
    long read = received;
    try {
      byte[] buffer = first;
      int length = first == null ? 0 : first.length;
      for (int number = done.size() + 1; ; number++) {
        if (buffer != null) {
          sent.add(send(uploadId, number, buffer, length));
          read += length;
        }
        buffer = buffers.take();
        try {
          length = fill(in, buffer, digest);
        } catch (IOException e) {
          buffers.give(buffer);
          throw new BrokenOff(e, keep(uploadId, done, sent, digest, read));
        } catch (RuntimeException e) {
          buffers.give(buffer);
          throw e;
        }
        if (length == 0) {
          buffers.give(buffer);
          break;
        }
      }
      List<CompletedPart> parts = new ArrayList<>(done);
      for (Future<CompletedPart> f : sent) {
        parts.add(MultipartUpload.await(f, List.of()));
      }
      check(digest);
      s3.completeMultipartUpload(
          CompleteMultipartUploadRequest.builder()
              .bucket(bucket)
              .key(key)
              .uploadId(uploadId)
              .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
              .build());
    } catch (BrokenOff e) {
      if (e.kept == null) {
        abort(uploadId);
      }
      throw e;
    } catch (IOException | RuntimeException e) {
      settle(sent);
      abort(uploadId);
      throw e;
    }
  }

  /**
   * What to continue from once the stream broke off: every part sent, if all of them reached S3
   * (then {@code digest}, which holds only whole parts, hashed exactly their bytes); null if one
   * did not, or none was sent.
   */
  private Unfinished keep(
      String uploadId,
      List<CompletedPart> done,
      List<Future<CompletedPart>> sent,
      MessageDigest digest,
      long read) {
    List<CompletedPart> parts = new ArrayList<>(done);
    boolean whole = true;
    for (Future<CompletedPart> f : sent) {
      try {
        parts.add(f.get());
      } catch (ExecutionException failed) {
        whole = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        settle(sent);
        return null;
      }
    }
    return whole && !parts.isEmpty()
        ? new Unfinished(uploadId, List.copyOf(parts), digest, read, Instant.now())
        : null;
  }

  /**
   * Parts of an upload in S3 whose sender went away, and the SHA-256 state of their {@code
   * received} bytes: what the next upload of the same id continues from.
   */
  record Unfinished(
      String uploadId,
      List<CompletedPart> parts,
      MessageDigest digest,
      long received,
      Instant since) {}

  /**
   * The stream broke off; {@link #kept} is what S3 holds to continue from, null when the upload was
   * aborted instead.
   */
  static final class BrokenOff extends IOException {
    final transient Unfinished kept;

    BrokenOff(IOException cause, Unfinished kept) {
      super(cause.getMessage(), cause);
      this.kept = kept;
    }
  }

  /**
   * Waits for the parts still being sent: each gives its buffer back when it ends (a part canceled
   * before it started never would).
   */
  private static void settle(List<Future<CompletedPart>> sent) {
    for (Future<CompletedPart> f : sent) {
      try {
        f.get();
      } catch (ExecutionException failed) {
        // the upload is being aborted anyway
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Sends one part from its buffer, which goes back to the pool once S3 has it (or refused it). */
  private Future<CompletedPart> send(String uploadId, int number, byte[] buffer, int length) {
    return pool.submit(
        () -> {
          try {
            String etag =
                s3.uploadPart(
                        UploadPartRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength((long) length)
                            .contentMD5(FileRange.md5(buffer, length))
                            .build(),
                        body(buffer, length))
                    .eTag();
            return CompletedPart.builder().partNumber(number).eTag(etag).build();
          } finally {
            buffers.give(buffer);
          }
        });
  }

  /** The buffer's bytes as a request body, not copied (fromByteBuffer would copy each part). */
  private static RequestBody body(byte[] buffer, int length) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream");
  }

  /** Reads until {@code buffer} is full or the stream ends; returns how many bytes it holds. */
  private static int fill(InputStream in, byte[] buffer, MessageDigest digest) throws IOException {
    int n = in.readNBytes(buffer, 0, buffer.length);
    digest.update(buffer, 0, n);
    return n;
  }

  private void check(MessageDigest digest) throws ContentMismatch {
    String actual = ObjectIds.hex(digest);
    if (!actual.equals(sha256)) {
      throw new ContentMismatch(sha256, actual);
    }
  }

  private void abort(String uploadId) {
    abort(s3, bucket, key, uploadId);
  }

  /** Aborts a multipart upload; one that will not abort is left for garbage collection. */
  static void abort(S3Client s3, String bucket, String key, String uploadId) {
    try {
      s3.abortMultipartUpload(
          AbortMultipartUploadRequest.builder().bucket(bucket).key(key).uploadId(uploadId).build());
    } catch (SdkException e) {
      // left for garbage collection, which aborts uploads nobody finished within a day
    }
  }
}
