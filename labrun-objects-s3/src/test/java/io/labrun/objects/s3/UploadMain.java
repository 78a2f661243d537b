package io.labrun.objects.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An uploader in a process of its own, for a test to kill half-way: UploadMain S3URL ENDPOINT
 * PART_BYTES FILE.
 */
public final class UploadMain {
  private UploadMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = new HashMap<>(S3TestBucket.env());
    env.put("AWS_ENDPOINT_URL", URI.create(args[1]).toString());
    env.put("LABRUN_S3_PARALLEL", "2");
    S3Settings settings =
        S3Settings.of(S3Location.parse(args[0]), env).withPartBytes(Long.parseLong(args[2]));
    try (S3ObjectStore store = S3ObjectStore.open(settings)) {
      System.out.println(store.put(Path.of(args[3])));
    }
  }
}
