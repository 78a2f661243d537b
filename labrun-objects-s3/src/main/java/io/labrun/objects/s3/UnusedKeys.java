package io.labrun.objects.s3;

import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.ObjectStore.Removed;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bucket's layout ({@code PREFIX/objects/ID}, {@code PREFIX/touched/ID}, the saved states of
 * unfinished uploads {@code PREFIX/uploads/ID}, never counted as objects) and its sweep: an object
 * no run uses goes once neither it nor its touch marker is newer than the grace's start, so an
 * object a submission just uploaded or named is never taken. Markers older than that mark nothing
 * any more and go too. The caller (the server's collector) holds submissions off while it sweeps,
 * so no run can come to use an object between the listing and the delete.
 */
final class UnusedKeys {
  private final S3Client s3;
  private final S3Location location;

  UnusedKeys(S3Client s3, S3Location location) {
    this.s3 = s3;
    this.location = location;
  }

  static String objectKey(S3Location location, String sha256) {
    return location.prefix() + "objects/" + sha256;
  }

  static String markKey(S3Location location, String sha256) {
    return location.prefix() + "touched/" + sha256;
  }

  static String serverKey(S3Location location, String server) {
    return location.prefix() + "servers/" + server;
  }

  /** The newest record of a running server. */
  Optional<Instant> serverSeen() {
    Instant latest = null;
    for (S3Object r : list(location.prefix() + "servers/")) {
      latest = latest == null || r.lastModified().isAfter(latest) ? r.lastModified() : latest;
    }
    return Optional.ofNullable(latest);
  }

  Removed remove(Predicate<String> inUse, Instant since) {
    Map<String, Instant> marks = new HashMap<>();
    String markFolder = location.prefix() + "touched/";
    for (S3Object m : list(markFolder)) {
      String sha = m.key().substring(markFolder.length());
      marks.put(sha, m.lastModified());
      if (m.lastModified().isBefore(since)) {
        delete(m.key());
      }
    }
    Removed removed = Removed.NOTHING;
    String objectFolder = location.prefix() + "objects/";
    for (S3Object o : list(objectFolder)) {
      String sha = o.key().substring(objectFolder.length());
      Instant touched = marks.getOrDefault(sha, Instant.EPOCH);
      if (ObjectIds.isValid(sha)
          && !inUse.test(sha)
          && o.lastModified().isBefore(since)
          && touched.isBefore(since)) {
        delete(o.key());
        removed = removed.plus(o.size());
      }
    }
    return removed;
  }

  /**
   * Aborts the multipart uploads started before {@code before} whose saved state ({@code states},
   * by id, with when each was last written) is not newer than that, and removes the states older
   * than that: nobody continued them within the day. Returns how many uploads it aborted.
   */
  int abandonUploads(Instant before, Map<String, Instant> states) {
    int aborted = 0;
    String objectFolder = location.prefix() + "objects/";
    for (MultipartUpload u :
        s3.listMultipartUploadsPaginator(
                ListMultipartUploadsRequest.builder()
                    .bucket(location.bucket())
                    .prefix(objectFolder)
                    .build())
            .uploads()) {
      Instant saved = states.get(u.key().substring(objectFolder.length()));
      if (u.initiated() != null
          && u.initiated().isBefore(before)
          && (saved == null || saved.isBefore(before))) {
        s3.abortMultipartUpload(
            AbortMultipartUploadRequest.builder()
                .bucket(location.bucket())
                .key(u.key())
                .uploadId(u.uploadId())
                .build());
        aborted++;
      }
    }
    states.forEach(
        (sha, saved) -> {
          if (saved.isBefore(before)) {
            delete(UploadStates.key(location, sha));
          }
        });
    return aborted;
  }

  private Iterable<S3Object> list(String folder) {
    return s3.listObjectsV2Paginator(
            ListObjectsV2Request.builder().bucket(location.bucket()).prefix(folder).build())
        .contents();
  }

  void delete(String key) {
    s3.deleteObject(DeleteObjectRequest.builder().bucket(location.bucket()).key(key).build());
  }
}
