package io.labrun.objects.s3;

import io.labrun.core.history.ObjectIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a streamed upload needs to be continued by any server sharing the bucket, kept in the bucket
 * itself as a small object {@code PREFIX/uploads/SHA}: the multipart upload's id, how many parts of
 * it (numbered from 1, none missing) hold how many bytes, a hash of their ETags, and the SHA-256
 * state after those bytes. Written each time that run of parts grows, so it may lag behind what S3
 * holds but never runs ahead of it. Before an upload is continued the state is checked against the
 * parts S3 lists (ListParts): anything that does not match, and the upload starts over.
 */
final class UploadStates {
  private static final String FORMAT = "labrun streamed upload 1";

  /** How long a listing of the states answers "is there one for this id?". */
  private static final long LISTING_NANOS = 2_000_000_000L;

  private final S3Client s3;
  private final S3Location location;
  private Set<String> listed;
  private long listedAt;

  UploadStates(S3Client s3, S3Location location) {
    this.s3 = s3;
    this.location = location;
  }

  /** The state to save, or as read back. */
  record Saved(String uploadId, int parts, long received, String etags, byte[] sha256) {}

  /**
   * An upload S3 holds as its state says: continue it from {@link #received} with the parts and the
   * hash taken up again.
   */
  record Continuable(
      String uploadId, List<CompletedPart> parts, long received, Sha256 digest, String etags) {}

  static String key(S3Location location, String sha256) {
    return location.prefix() + "uploads/" + sha256;
  }

  /** What an upload of {@code sha256} left to continue from, checked against S3's parts. */
  Optional<Continuable> continuable(String sha256) {
    Saved saved = saved(sha256).orElse(null);
    if (saved == null) {
      return Optional.empty();
    }
    Map<Integer, Part> held = new TreeMap<>();
    try {
      s3.listPartsPaginator(
              ListPartsRequest.builder()
                  .bucket(location.bucket())
                  .key(UnusedKeys.objectKey(location, sha256))
                  .uploadId(saved.uploadId())
                  .build())
          .parts()
          .forEach(p -> held.put(p.partNumber(), p));
    } catch (NoSuchUploadException e) {
      delete(sha256); // completed or aborted since: the state speaks of nothing any more
      return Optional.empty();
    } catch (S3Exception e) {
      return Optional.empty(); // parts S3 will not list now: start over
    }
    List<CompletedPart> parts = new ArrayList<>();
    long bytes = 0;
    for (int n = 1; n <= saved.parts(); n++) {
      Part p = held.get(n);
      if (p == null || p.size() == null) {
        return Optional.empty();
      }
      parts.add(CompletedPart.builder().partNumber(n).eTag(p.eTag()).build());
      bytes += p.size();
    }
    Sha256 digest;
    try {
      digest = Sha256.resumed(saved.sha256());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String etags = etags(parts);
    if (bytes != saved.received()
        || digest.count() != saved.received()
        || !etags.equals(saved.etags())) {
      return Optional.empty();
    }
    return Optional.of(
        new Continuable(saved.uploadId(), List.copyOf(parts), saved.received(), digest, etags));
  }

  /**
   * The state saved for {@code sha256}, unchecked; empty when there is none or it is unreadable.
   */
  Optional<Saved> saved(String sha256) {
    return mayHold(sha256) ? read(sha256) : Optional.empty();
  }

  /** A hash of the parts' ETags in order: the state names the very parts it was saved after. */
  static String etags(List<CompletedPart> parts) {
    MessageDigest md = ObjectIds.newDigest();
    for (CompletedPart p : parts) {
      md.update(unquoted(p.eTag()).getBytes(StandardCharsets.US_ASCII));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }

  void save(String sha256, Saved s) {
    String text =
        FORMAT
            + "\nupload "
            + s.uploadId()
            + "\nparts "
            + s.parts()
            + "\nreceived "
            + s.received()
            + "\netags "
            + s.etags()
            + "\nsha256-state "
            + HexFormat.of().formatHex(s.sha256())
            + "\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    s3.putObject(
        PutObjectRequest.builder()
            .bucket(location.bucket())
            .key(key(location, sha256))
            .contentLength((long) bytes.length)
            .contentMD5(FileRange.md5(bytes))
            .contentType("text/plain")
            .build(),
        RequestBody.fromBytes(bytes));
    synchronized (this) {
      if (listed != null) {
        listed.add(sha256);
      }
    }
  }

  /** Removes the state of {@code sha256}, if any; one that will not go is checked before use. */
  void delete(String sha256) {
    synchronized (this) {
      if (listed != null) {
        listed.remove(sha256);
      }
    }
    try {
      s3.deleteObject(
          DeleteObjectRequest.builder()
              .bucket(location.bucket())
              .key(key(location, sha256))
              .build());
    } catch (SdkException e) {
      // the next upload of the id checks it against S3's parts; garbage collection removes it
    }
  }

  /** Every saved state and when it was last written, by id. */
  Map<String, Instant> all() {
    String folder = location.prefix() + "uploads/";
    Map<String, Instant> all = new LinkedHashMap<>();
    s3.listObjectsV2Paginator(
            ListObjectsV2Request.builder().bucket(location.bucket()).prefix(folder).build())
        .contents()
        .forEach(o -> all.put(o.key().substring(folder.length()), o.lastModified()));
    return all;
  }

  /**
   * Whether a state of {@code sha256} may be in the bucket: one listing answers for every id asked
   * within two seconds (a submit asks about each file it lacks), kept up to date with this store's
   * own writes; another server's state saved meanwhile is seen at the next listing.
   */
  private synchronized boolean mayHold(String sha256) {
    if (listed == null || System.nanoTime() - listedAt > LISTING_NANOS) {
      try {
        listed = new HashSet<>(all().keySet());
      } catch (SdkException e) {
        return true; // cannot tell: read it
      }
      listedAt = System.nanoTime();
    }
    return listed.contains(sha256);
  }

  private Optional<Saved> read(String sha256) {
    String text;
    try {
      text =
          s3.getObjectAsBytes(
                  GetObjectRequest.builder()
                      .bucket(location.bucket())
                      .key(key(location, sha256))
                      .build())
              .asUtf8String();
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      return Optional.empty(); // cannot tell: the upload starts over
    }
    return parse(text);
  }

  static Optional<Saved> parse(String text) {
    String[] lines = text.split("\n");
    if (lines.length != 6 || !lines[0].equals(FORMAT)) {
      return Optional.empty();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int space = lines[i].indexOf(' ');
      if (space < 0) {
        return Optional.empty();
      }
      fields.put(lines[i].substring(0, space), lines[i].substring(space + 1));
    }
    try {
      return Optional.of(
          new Saved(
              require(fields, "upload"),
              Integer.parseInt(require(fields, "parts")),
              Long.parseLong(require(fields, "received")),
              require(fields, "etags"),
              HexFormat.of().parseHex(require(fields, "sha256-state"))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String require(Map<String, String> fields, String name) {
    String v = fields.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("no " + name);
    }
    return v;
  }

  static String unquoted(String etag) {
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }
}
