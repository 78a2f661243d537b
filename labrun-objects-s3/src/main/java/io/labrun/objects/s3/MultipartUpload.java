package io.labrun.objects.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * One file uploaded in parts, several at once. Resumable: the key is the content's SHA-256, so an
 * unfinished upload of that key (a killed uploader's, a dropped connection's) is found again with
 * ListMultipartUploads and continued: each part it already holds is kept when its ETag is the MD5
 * of that stretch of the file, and only the others are sent. Every part is sent with its
 * Content-MD5, so S3 refuses a part damaged on the way. An upload that fails is left for the next
 * attempt to resume; garbage collection aborts those nobody resumed within a day.
 */
final class MultipartUpload {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final Path file;
  private final long size;
  private final long partBytes;
  private final ExecutorService pool;

  MultipartUpload(
      S3Client s3,
      String bucket,
      String key,
      Path file,
      long size,
      long partBytes,
      ExecutorService pool) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.file = file;
    this.size = size;
    this.partBytes = partBytes;
    this.pool = pool;
  }

  /**
   * Uploads the parts S3 does not hold yet, then completes the object; returns how many parts were
   * sent.
   */
  int run() throws IOException {
    String uploadId = unfinished().orElse(null);
    Map<Integer, Part> held = uploadId == null ? Map.of() : heldParts(uploadId);
    if (held == null) {
      uploadId =
          null; // its parts cannot be listed (a part cut off mid-write, on some servers): start
      // over
    }
    if (uploadId == null) {
      uploadId = start();
      held = Map.of();
    }
    String id = uploadId;
    Map<Integer, Part> kept = held;
    int count = (int) ((size + partBytes - 1) / partBytes);
    List<Future<CompletedPart>> futures = new ArrayList<>();
    int[] sent = new int[1];
    for (int n = 1; n <= count; n++) {
      int number = n;
      futures.add(pool.submit(() -> part(id, number, kept.get(number), sent)));
    }
    List<CompletedPart> done = new ArrayList<>();
    for (Future<CompletedPart> f : futures) {
      done.add(await(f, futures));
    }
    done.sort(Comparator.comparing(CompletedPart::partNumber));
    s3.completeMultipartUpload(
        CompleteMultipartUploadRequest.builder()
            .bucket(bucket)
            .key(key)
            .uploadId(id)
            .multipartUpload(CompletedMultipartUpload.builder().parts(done).build())
            .build());
    synchronized (sent) {
      return sent[0];
    }
  }

  /** Keeps a part S3 already holds with the right content; sends it otherwise. */
  private CompletedPart part(String uploadId, int number, Part held, int[] sent)
      throws IOException {
    long offset = (number - 1) * partBytes;
    long length = Math.min(partBytes, size - offset);
    String md5 = FileRange.md5(file, offset, length);
    if (held != null
        && held.size() == length
        && FileRange.etagOf(md5).equalsIgnoreCase(quoted(held.eTag()))) {
      return CompletedPart.builder().partNumber(number).eTag(held.eTag()).build();
    }
    String etag =
        s3.uploadPart(
                UploadPartRequest.builder()
                    .bucket(bucket)
                    .key(key)
                    .uploadId(uploadId)
                    .partNumber(number)
                    .contentLength(length)
                    .contentMD5(md5)
                    .build(),
                RequestBody.fromContentProvider(
                    () -> open(offset, length), length, "application/octet-stream"))
            .eTag();
    synchronized (sent) {
      sent[0]++;
    }
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  private InputStream open(long offset, long length) {
    try {
      return FileRange.open(file, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest unfinished upload of this key, if any. */
  private Optional<String> unfinished() {
    return s3
        .listMultipartUploadsPaginator(
            ListMultipartUploadsRequest.builder().bucket(bucket).prefix(key).build())
        .uploads()
        .stream()
        .filter(u -> u.key().equals(key))
        .max(Comparator.comparing(u -> u.initiated() == null ? Instant.EPOCH : u.initiated()))
        .map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId);
  }

  private String start() {
    return start(s3, bucket, key);
  }

  static String start(S3Client s3, String bucket, String key) {
    return s3.createMultipartUpload(
            CreateMultipartUploadRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentType("application/octet-stream")
                .build())
        .uploadId();
  }

  /** The parts S3 holds for the upload; null when it will not list them. */
  private Map<Integer, Part> heldParts(String uploadId) {
    Map<Integer, Part> held = new HashMap<>();
    try {
      s3.listPartsPaginator(
              ListPartsRequest.builder().bucket(bucket).key(key).uploadId(uploadId).build())
          .parts()
          .forEach(p -> held.put(p.partNumber(), p));
    } catch (S3Exception e) {
      return null;
    }
    return held;
  }

  private static String quoted(String etag) {
    return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
  }

  /** The part {@code f} sent; cancels all the others if it failed. */
  static CompletedPart await(Future<CompletedPart> f, List<Future<CompletedPart>> all)
      throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      all.forEach(x -> x.cancel(true));
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "the upload was interrupted; storing the file again resumes it");
    } catch (ExecutionException e) {
      all.forEach(x -> x.cancel(true));
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof SdkException sdk) {
        throw sdk;
      }
      throw new IOException(cause);
    }
  }
}
