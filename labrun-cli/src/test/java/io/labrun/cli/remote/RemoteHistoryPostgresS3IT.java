package io.labrun.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link RemoteHistoryContract} on a server as a team runs it: history in the test environment's
 * PostgreSQL, objects in the test S3 server's bucket ({@code --objects s3://...}, reached through
 * the AWS variables scripts/test-env/s3.sh prints). Every snapshot file and artifact the server
 * keeps is then in the bucket (read off S3Proxy's own folder), none on the server's disk.
 */
class RemoteHistoryPostgresS3IT extends RemoteHistoryPostgresIT {
  private final String prefix = "remote-history-" + UUID.randomUUID().toString().substring(0, 8);

  @Override
  Cli withStoreCredentials(Cli cli) {
    Cli c = super.withStoreCredentials(cli);
    for (String name :
        List.of("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")) {
      c = c.env(name, need(name));
    }
    return c;
  }

  @Override
  List<String> serverArgs() {
    return List.of("--objects", "s3://" + need("LABRUN_TEST_S3_BUCKET") + "/" + prefix);
  }

  @Override
  boolean survivesAWipedServerDisk() {
    return true;
  }

  @Override
  void checkObjects(Path serverHome) throws Exception {
    Path inBucket =
        Path.of(need("LABRUN_TEST_S3_DATA"), need("LABRUN_TEST_S3_BUCKET"), prefix, "objects");
    try (Stream<Path> objects = Files.list(inBucket)) {
      assertThat(objects.count()).as("objects in the bucket").isGreaterThanOrEqualTo(5);
    }
    Path onDisk = serverHome.resolve("data/objects");
    if (Files.isDirectory(onDisk)) {
      try (Stream<Path> files = Files.walk(onDisk)) {
        assertThat(files.filter(Files::isRegularFile).toList())
            .as("objects on the server's disk")
            .isEmpty();
      }
    }
  }

  static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: start the test S3 server with eval \"$(scripts/test-env/s3.sh)\"");
    }
    return v;
  }
}
