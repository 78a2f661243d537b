package io.labrun.objects.s3;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real S3 server the tests run against: the one scripts/test-env/s3.sh started, named by the
 * AWS_* variables it printed. Each test gets a prefix of its own in the test bucket. Without the
 * variables the tests fail (they never skip): run {@code eval "$(scripts/test-env/s3.sh)"} first.
 */
public final class S3TestBucket {
  private S3TestBucket() {}

  /** The environment to give labrun: the test server's variables. */
  public static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    for (String name :
        new String[] {
          "AWS_ENDPOINT_URL",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_REGION",
          "LABRUN_TEST_S3_BUCKET"
        }) {
      String v = System.getenv(name);
      if (v == null || v.isBlank()) {
        throw new IllegalStateException(
            name + " is not set: start the test S3 server with eval \"$(scripts/test-env/s3.sh)\"");
      }
      env.put(name, v);
    }
    return env;
  }

  public static String bucket() {
    return env().get("LABRUN_TEST_S3_BUCKET");
  }

  public static URI endpoint() {
    return URI.create(env().get("AWS_ENDPOINT_URL"));
  }

  /** {@code s3://BUCKET/NAME-RANDOM/}: a fresh prefix per test. */
  public static String freshUrl(String name) {
    return "s3://"
        + bucket()
        + "/"
        + name
        + "-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "/";
  }

  /**
   * Settings for a fresh prefix, through {@code endpoint} (a proxy in front of the server) when
   * given.
   */
  public static S3Settings settings(String name, URI endpoint, long partBytes) {
    Map<String, String> env = env();
    if (endpoint != null) {
      env.put("AWS_ENDPOINT_URL", endpoint.toString());
    }
    return S3Settings.of(S3Location.parse(freshUrl(name)), env).withPartBytes(partBytes);
  }
}
