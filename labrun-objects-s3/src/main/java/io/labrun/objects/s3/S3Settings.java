package io.labrun.objects.s3;

import io.labrun.core.error.LabrunException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How labrun talks to an S3-compatible service, read from the standard AWS variables of the
 * environment it was given ({@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}, {@code
 * AWS_REGION}, {@code AWS_PROFILE}, {@code AWS_ACCESS_KEY_ID}...) and three of labrun's own: {@code
 * LABRUN_S3_PATH_STYLE=1} forces path-style addressing, {@code LABRUN_S3_PART_MB} and {@code
 * LABRUN_S3_PARALLEL} size multipart uploads.
 *
 * @param endpoint empty for AWS itself
 * @param pathStyle {@code http://HOST/BUCKET/KEY} rather than {@code http://BUCKET.HOST/KEY}: on
 *     for an endpoint that is an IP address or {@code localhost} (no DNS name per bucket), or when
 *     asked
 * @param partBytes the size of a multipart upload's parts, and the size above which a file goes up
 *     in parts (S3 takes parts of 5 MiB at least)
 * @param parallel how many parts of one file go up at once
 */
public record S3Settings(
    S3Location location,
    Optional<URI> endpoint,
    boolean pathStyle,
    long partBytes,
    int parallel,
    Map<String, String> env) {
  static final long MIN_PART = 5L << 20;
  static final long DEFAULT_PART = 16L << 20;
  static final int DEFAULT_PARALLEL = 4;

  public S3Settings {
    if (partBytes < MIN_PART) {
      throw LabrunException.badInput(
          "S3 multipart parts must be 5 MiB at least (LABRUN_S3_PART_MB), got "
              + partBytes
              + " bytes");
    }
    if (parallel < 1) {
      throw LabrunException.badInput("LABRUN_S3_PARALLEL must be at least 1, got " + parallel);
    }
    env = Map.copyOf(env);
  }

  public static S3Settings of(S3Location location, Map<String, String> env) {
    Optional<URI> endpoint = endpoint(env);
    boolean pathStyle =
        truthy(env.get("LABRUN_S3_PATH_STYLE"))
            || endpoint.map(S3Settings::needsPathStyle).orElse(false);
    long part = number(env, "LABRUN_S3_PART_MB", DEFAULT_PART >> 20) << 20;
    int parallel = (int) number(env, "LABRUN_S3_PARALLEL", DEFAULT_PARALLEL);
    return new S3Settings(location, endpoint, pathStyle, part, parallel, env);
  }

  public S3Settings withPartBytes(long bytes) {
    return new S3Settings(location, endpoint, pathStyle, bytes, parallel, env);
  }

  /** A host that is an IPv4/IPv6 address or localhost has no per-bucket DNS names. */
  static boolean needsPathStyle(URI endpoint) {
    String host = endpoint.getHost() == null ? "" : endpoint.getHost();
    return host.equals("localhost")
        || host.endsWith(".localhost")
        || host.matches("[0-9.]+")
        || host.startsWith("[")
        || host.contains(":");
  }

  private static Optional<URI> endpoint(Map<String, String> env) {
    String url =
        Optional.ofNullable(env.get("AWS_ENDPOINT_URL_S3"))
            .filter(s -> !s.isBlank())
            .orElse(env.get("AWS_ENDPOINT_URL"));
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(url.strip());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return Optional.of(uri);
    } catch (IllegalArgumentException e) {
      throw LabrunException.badInput(
          "AWS_ENDPOINT_URL '" + url + "' is not a URL; write it as http(s)://HOST[:PORT]");
    }
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw LabrunException.badInput(name + " must be a whole number, got '" + v + "'");
    }
  }

  private static boolean truthy(String v) {
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
  }
}
