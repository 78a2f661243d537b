package io.labrun.objects.s3;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Makes the SDK client for {@link S3Settings} and says, in one line, why a bucket cannot be used.
 * Credentials and region come from the environment labrun was given (a command handed to the
 * resident labrun carries the caller's), else from the SDK's usual chain (profile files, instance
 * roles). Checksums beyond what S3 requires are off: labrun verifies content itself (Content-MD5 on
 * every upload, SHA-256 ids), and several S3-compatible services reject the SDK's newer ones.
 */
final class S3Connection {
  private S3Connection() {}

  static S3Client client(S3Settings s) {
    var builder =
        S3Client.builder()
            .region(region(s.env()))
            .credentialsProvider(credentials(s.env()))
            .forcePathStyle(s.pathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    s.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Fails with what to do unless the bucket exists and the credentials may use it. */
  static void check(S3Client s3, S3Settings s) {
    try {
      s3.headBucket(HeadBucketRequest.builder().bucket(s.location().bucket()).build());
    } catch (SdkException e) {
      throw failure(e, s, "open");
    }
  }

  /**
   * The one line for a failed S3 call: wrong credentials, no bucket, no service, or what S3 said.
   */
  static LabrunException failure(SdkException e, S3Settings s, String doing) {
    String where = s.location() + s.endpoint().map(u -> " at " + u).orElse("");
    String msg;
    if (e instanceof S3Exception s3 && (s3.statusCode() == 401 || s3.statusCode() == 403)) {
      msg =
          "S3 refused labrun's credentials for "
              + where
              + " ("
              + code(s3)
              + "); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
              + " (or AWS_PROFILE) and that they may use the bucket";
    } else if (e instanceof S3Exception s3 && s3.statusCode() == 404) {
      msg =
          "the S3 bucket '"
              + s.location().bucket()
              + "' does not exist"
              + s.endpoint().map(u -> " at " + u).orElse("")
              + "; create it, or give another s3://BUCKET/PREFIX";
    } else if (e instanceof SdkClientException
        && String.valueOf(e.getMessage()).contains("credentials")) {
      msg =
          "no AWS credentials for "
              + where
              + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE";
    } else if (e instanceof SdkClientException) {
      msg =
          "cannot reach S3 for "
              + where
              + " ("
              + firstLine(e)
              + "); check AWS_ENDPOINT_URL and that the service is up";
    } else {
      msg = "S3 could not " + doing + " " + where + ": " + firstLine(e);
    }
    return new LabrunException(ExitCode.STORE, msg, e);
  }

  private static String code(S3Exception e) {
    String c = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return c == null || c.isBlank() ? "HTTP " + e.statusCode() : c;
  }

  private static String firstLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private static Region region(Map<String, String> env) {
    Optional<String> given =
        Optional.ofNullable(env.get("AWS_REGION"))
            .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")))
            .filter(r -> !r.isBlank());
    if (given.isPresent()) {
      return Region.of(given.get().strip());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException none) {
      return Region.US_EAST_1; // S3-compatible services mostly ignore it; AWS redirects
    }
  }

  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
      String token = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          token == null || token.isBlank()
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, token));
    }
    var chain = DefaultCredentialsProvider.builder();
    String profile = env.get("AWS_PROFILE");
    if (profile != null && !profile.isBlank()) {
      chain.profileName(profile);
    }
    return chain.build();
  }
}
