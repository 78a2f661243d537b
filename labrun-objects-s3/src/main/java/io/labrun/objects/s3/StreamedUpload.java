package io.labrun.objects.s3;

import io.labrun.core.history.ObjectStore.ContentMismatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
 * temporary file: read a part at a time into a {@link PartBuffers} buffer (off the heap) and hashed
 * on the way, each full part sent while the next one is read (several at once, each with its
 * Content-MD5), and the object completed only once the whole stream hashed to the id it is stored
 * under. Content that hashes otherwise, or a failure of S3, aborts the upload: S3 never shows an
 * object under a wrong id. As whole parts reach S3, the bucket records them with the hash of their
 * bytes ({@link SavedProgress}, {@link UploadStates}): a stream that breaks off (its sender killed,
 * its connection cut, the server itself killed) leaves them there, and the next upload of the same
 * id, by this server or any other on the bucket, continues after them. Content shorter than one
 * part goes up in one PUT.
 */
final class StreamedUpload {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final String sha256;
  private final PartBuffers buffers;
  private final ExecutorService pool;
  private final UploadStates states;
  private final byte[] chunk = new byte[1 << 16];

  StreamedUpload(
      S3Client s3,
      String bucket,
      String key,
      String sha256,
      PartBuffers buffers,
      ExecutorService pool,
      UploadStates states) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.sha256 = sha256;
    this.buffers = buffers;
    this.pool = pool;
    this.states = states;
  }

  /**
   * Continues {@code from} (parts already in S3 and the hash of their bytes): {@code in} yields the
   * bytes after them.
   */
  void resume(InputStream in, UploadStates.Continuable from) throws IOException {
    inParts(
        in,
        null,
        from.digest(),
        new SavedProgress(states, sha256, from.uploadId(), from.parts(), from.received()),
        from.parts(),
        from.received());
  }

  void run(InputStream in) throws IOException {
    Sha256 digest = new Sha256();
    ByteBuffer first = buffers.take();
    int length;
    try {
      length = fill(in, first, digest);
      if (length < first.capacity()) {
        check(digest);
        putWhole(first, length);
        return;
      }
    } catch (IOException | RuntimeException e) {
      buffers.give(first);
      throw e;
    }
    String uploadId = MultipartUpload.start(s3, bucket, key);
    inParts(
        in, first, digest, new SavedProgress(states, sha256, uploadId, List.of(), 0), List.of(), 0);
  }

  private void putWhole(ByteBuffer bytes, int length) {
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
   * progress} saves: {@code first}, when given, is the next full part already read (and hashed),
   * the rest follows from {@code in}.
   */
  private void inParts(
      InputStream in,
      ByteBuffer first,
      Sha256 digest,
      SavedProgress progress,
      List<CompletedPart> done,
      long received)
      throws IOException {
    String uploadId = progress.uploadId();
    List<Future<CompletedPart>> sent = new ArrayList<>();
    try {
      ByteBuffer buffer = first;
      int length = first == null ? 0 : first.capacity();
      for (int number = done.size() + 1; ; number++) {
        if (buffer != null) {
          // the hash state after a whole part is what a continued upload takes up again
          byte[] state = length == buffer.capacity() ? digest.state() : null;
          sent.add(send(progress, number, buffer, length, state));
        }
        buffer = buffers.take();
        try {
          length = fill(in, buffer, digest);
        } catch (IOException e) {
          buffers.give(buffer);
          throw new BrokenOff(e);
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
      states.delete(sha256);
    } catch (BrokenOff e) {
      settle(sent);
      if (progress.held() == 0) {
        abort(uploadId); // nothing in S3 to continue from
      }
      throw e;
    } catch (IOException | RuntimeException e) {
      settle(sent);
      abort(uploadId);
      throw e;
    }
  }

  /**
   * The stream broke off: the parts that reached S3 before it, none missing, stay there for the
   * next upload of the id ({@link UploadStates}).
   */
  static final class BrokenOff extends IOException {
    BrokenOff(IOException cause) {
      super(cause.getMessage(), cause);
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
        // not kept: the upload is aborted, or continues before this part
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Sends one part from its buffer, which goes back to the pool once S3 has it (or refused it); a
   * part S3 took is told to {@code progress}.
   */
  private Future<CompletedPart> send(
      SavedProgress progress, int number, ByteBuffer buffer, int length, byte[] digestState) {
    return pool.submit(
        () -> {
          CompletedPart part;
          try {
            String etag =
                s3.uploadPart(
                        UploadPartRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .uploadId(progress.uploadId())
                            .partNumber(number)
                            .contentLength((long) length)
                            .contentMD5(FileRange.md5(buffer, length))
                            .build(),
                        body(buffer, length))
                    .eTag();
            part = CompletedPart.builder().partNumber(number).eTag(etag).build();
          } finally {
            buffers.give(buffer);
          }
          progress.arrived(part, length, digestState);
          return part;
        });
  }

  /** The buffer's bytes as a request body, not copied (fromByteBuffer would copy each part). */
  private static RequestBody body(ByteBuffer buffer, int length) {
    return RequestBody.fromContentProvider(
        () -> new BufferStream(buffer.duplicate().position(0).limit(length)),
        length,
        "application/octet-stream");
  }

  /**
   * Reads until {@code buffer} is full or the stream ends, through {@code chunk} (the buffer is off
   * the heap), hashing on the way; returns how many bytes it holds.
   */
  private int fill(InputStream in, ByteBuffer buffer, Sha256 digest) throws IOException {
    buffer.clear();
    while (buffer.hasRemaining()) {
      int n = in.read(chunk, 0, Math.min(chunk.length, buffer.remaining()));
      if (n < 0) {
        break;
      }
      digest.update(chunk, 0, n);
      buffer.put(chunk, 0, n);
    }
    return buffer.position();
  }

  /** A part's bytes as a stream, for the HTTP client to send. */
  private static final class BufferStream extends InputStream {
    private final ByteBuffer bytes;

    BufferStream(ByteBuffer bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return bytes.hasRemaining() ? bytes.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, bytes.remaining());
      bytes.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return bytes.remaining();
    }
  }

  private void check(Sha256 digest) throws ContentMismatch {
    String actual = digest.hex();
    if (!actual.equals(sha256)) {
      throw new ContentMismatch(sha256, actual);
    }
  }

  private void abort(String uploadId) {
    abort(s3, bucket, key, uploadId);
    states.delete(sha256);
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
