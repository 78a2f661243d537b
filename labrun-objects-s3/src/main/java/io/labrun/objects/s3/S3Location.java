package io.labrun.objects.s3;

import io.labrun.core.error.LabrunException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a team's objects live: {@code s3://BUCKET/PREFIX}. The prefix (possibly empty) is a folder
 * of the bucket, so several labrun servers (or other data) can share one bucket.
 */
public record S3Location(String bucket, String prefix) {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Reads {@code s3://BUCKET[/PREFIX]}; a bad one is bad input, said in one line. */
  public static S3Location parse(String url) {
    String u = url == null ? "" : url.strip();
    if (!u.startsWith("s3://")) {
      throw LabrunException.badInput(
          "'" + u + "' is not an S3 location; write s3://BUCKET/PREFIX (the prefix may be empty)");
    }
    String rest = u.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (!BUCKET.matcher(bucket).matches()) {
      throw LabrunException.badInput(
          "'"
              + bucket
              + "' is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-'); write"
              + " s3://BUCKET/PREFIX");
    }
    String prefix =
        slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/{2,}", "/").replaceFirst("^/", "");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    return new S3Location(bucket, prefix);
  }

  /** True for a value meant as an S3 location (as opposed to a folder), well written or not. */
  public static boolean isS3(String value) {
    return value != null && value.strip().toLowerCase(Locale.ROOT).startsWith("s3:");
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
