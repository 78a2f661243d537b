package io.labrun.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.cli.Cli;
import io.labrun.store.FileObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labrun server objects migrate --to s3://...} against the test S3 server: every object of
 * the folder store arrives in the bucket (a 12 MiB one in 5 MiB parts), a second run after an
 * interrupted one copies only what is missing, and a damaged object is refused in one line.
 */
class ObjectsMigrateIT {
  @TempDir Path tmp;

  @Test
  void copiesEveryObjectOnceResumesAndRefusesADamagedOne() throws Exception {
    String bucket = need("LABRUN_TEST_S3_BUCKET");
    String prefix = "migrate-" + UUID.randomUUID().toString().substring(0, 8);
    Path inBucket = Path.of(need("LABRUN_TEST_S3_DATA"), bucket, prefix, "objects");
    Cli cli = new Cli(tmp).env("LABRUN_S3_PART_MB", "5");
    for (String name :
        List.of("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")) {
      cli = cli.env(name, need(name));
    }
    FileObjectStore first = new FileObjectStore(tmp.resolve("first"));
    String a = first.put("train.py".getBytes(StandardCharsets.UTF_8));
    byte[] model = new byte[12 << 20];
    new Random(3).nextBytes(model);
    String big = first.put(model);
    FileObjectStore all = new FileObjectStore(tmp.resolve("labrun/data/objects"));
    for (String id : first.ids()) {
      all.put(first.file(id));
    }
    String c = all.put("outputs/metrics.json".getBytes(StandardCharsets.UTF_8));
    String to = "s3://" + bucket + "/" + prefix;

    // A migration that got as far as the first folder's objects before it was stopped ...
    Cli.Result part = cli.in(tmp, "server", "objects", "migrate", "--from", "first", "--to", to);
    assertThat(part.code()).as(part.toString()).isZero();
    assertThat(part.out()).startsWith("Copied 2 objects (" + (model.length + 8) + " bytes)");
    // ... run again over the whole store: only the rest is copied.
    Cli.Result rest = cli.in(tmp, "server", "objects", "migrate", "--to", to);
    assertThat(rest.code()).as(rest.toString()).isZero();
    assertThat(rest.out())
        .contains("Copied 1 objects")
        .contains("2 were there already")
        .contains("--objects " + to);
    assertThat(inBucket.resolve(a)).hasContent("train.py");
    assertThat(inBucket.resolve(c)).hasContent("outputs/metrics.json");
    assertThat(Files.mismatch(inBucket.resolve(big), first.file(big))).isEqualTo(-1);

    // An object whose bytes changed on disk is not copied: one line, exit 6.
    Path damaged = tmp.resolve("damaged");
    FileObjectStore broken = new FileObjectStore(damaged);
    String d = broken.put("original".getBytes(StandardCharsets.UTF_8));
    Path file = broken.file(d);
    file.toFile().setWritable(true);
    Files.writeString(file, "changed");
    Cli.Result bad = cli.in(tmp, "server", "objects", "migrate", "--from", "damaged", "--to", to);
    assertThat(bad.code()).isEqualTo(6);
    assertThat(bad.err()).hasLineCount(1).contains("does not hash to its name");
    assertThat(inBucket.resolve(d)).doesNotExist();
  }

  private static String need(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: start the test S3 server with eval \"$(scripts/test-env/s3.sh)\"");
    }
    return v;
  }
}
