package io.labrun.objects.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.LabrunException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3LocationTest {
  @Test
  void readsBucketAndPrefix() {
    assertThat(S3Location.parse("s3://team-runs/labrun/prod"))
        .isEqualTo(new S3Location("team-runs", "labrun/prod/"));
    assertThat(S3Location.parse("s3://team-runs")).isEqualTo(new S3Location("team-runs", ""));
    assertThat(S3Location.parse("s3://team-runs/")).isEqualTo(new S3Location("team-runs", ""));
  }

  @Test
  void refusesWhatIsNotAnS3Location() {
    assertThatThrownBy(() -> S3Location.parse("/srv/objects"))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("s3://BUCKET/PREFIX");
    assertThatThrownBy(() -> S3Location.parse("s3://No_Such"))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("not an S3 bucket name");
  }

  @Test
  void pathStyleForAddressesAndLocalhostOrWhenAsked() {
    S3Location loc = S3Location.parse("s3://b1b/p");
    assertThat(S3Settings.of(loc, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")).pathStyle())
        .isTrue();
    assertThat(S3Settings.of(loc, Map.of("AWS_ENDPOINT_URL", "http://localhost:9000")).pathStyle())
        .isTrue();
    assertThat(S3Settings.of(loc, Map.of("AWS_ENDPOINT_URL", "http://[::1]:9000")).pathStyle())
        .isTrue();
    assertThat(
            S3Settings.of(
                    loc, Map.of("AWS_ENDPOINT_URL", "https://account.r2.cloudflarestorage.com"))
                .pathStyle())
        .isFalse();
    assertThat(S3Settings.of(loc, Map.of()).pathStyle()).isFalse();
    assertThat(
            S3Settings.of(
                    loc,
                    Map.of("AWS_ENDPOINT_URL", "https://minio.lab", "LABRUN_S3_PATH_STYLE", "1"))
                .pathStyle())
        .isTrue();
    assertThat(
            S3Settings.of(
                    loc,
                    Map.of(
                        "AWS_ENDPOINT_URL_S3",
                        "http://10.0.0.5:9000",
                        "AWS_ENDPOINT_URL",
                        "https://x.example"))
                .endpoint())
        .contains(URI.create("http://10.0.0.5:9000"));
  }

  @Test
  void partsAreFiveMebibytesAtLeast() {
    assertThatThrownBy(
            () -> S3Settings.of(S3Location.parse("s3://b1b"), Map.of("LABRUN_S3_PART_MB", "4")))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("5 MiB");
  }
}
