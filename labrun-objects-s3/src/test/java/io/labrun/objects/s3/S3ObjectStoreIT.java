package io.labrun.objects.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.ObjectIds;
import io.labrun.core.history.ObjectStore.ContentMismatch;
import io.labrun.core.history.ObjectStore.OffsetMismatch;
import io.labrun.core.history.ObjectStore.Removed;
import io.labrun.core.history.TcpRelay;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link S3ObjectStore} against the real S3 server scripts/test-env/s3.sh starts (S3Proxy). */
class S3ObjectStoreIT {
  private static final long PART = 5L << 20;
  @TempDir Path tmp;
  private S3ObjectStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void storesReadsAndCopiesObjectsByTheirSha256() throws IOException {
    store = S3ObjectStore.open(S3TestBucket.settings("roundtrip", null, PART));
    byte[] bytes = "print('hello')\n".getBytes(StandardCharsets.UTF_8);
    String sha = store.put(bytes);
    assertThat(sha).isEqualTo(ObjectIds.of(bytes));
    assertThat(store.contains(sha)).isTrue();
    assertThat(store.size(sha)).isEqualTo(bytes.length);
    try (InputStream in = store.open(sha)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    try (InputStream in = store.open(sha, 6)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("'hello')\n");
    }
    Path copy = tmp.resolve("out/hello.py");
    store.copyTo(sha, copy);
    assertThat(copy).hasBinaryContent(bytes);
    String absent = ObjectIds.of(new byte[] {1});
    assertThat(store.contains(absent)).isFalse();
    assertThatThrownBy(() -> store.open(absent)).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> store.touch(absent)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aLargeFileGoesUpInPartsAndComesBackIdentical() throws IOException {
    store = S3ObjectStore.open(S3TestBucket.settings("multipart", null, PART));
    Path big = randomFile("big.bin", 23L << 20, 1);
    String sha = store.put(big);
    assertThat(sha).isEqualTo(ObjectIds.of(big));
    assertThat(store.size(sha)).isEqualTo(Files.size(big));
    Path back = tmp.resolve("back.bin");
    store.copyTo(sha, back);
    assertThat(Files.mismatch(big, back)).isEqualTo(-1);
    try (InputStream in = store.open(sha, (17L << 20) + 3)) {
      byte[] expected =
          Arrays.copyOfRange(
              Files.readAllBytes(big), (int) ((17L << 20) + 3), (int) Files.size(big));
      assertThat(in.readAllBytes()).isEqualTo(expected);
    }
  }

  @Test
  void aStreamGoesUpAsItArrivesAndOnlyUnderTheIdItHashesTo() throws IOException {
    S3Settings settings = S3TestBucket.settings("stream", null, PART);
    store = S3ObjectStore.open(settings);
    assertThat(store.streamsUploads()).isTrue();
    byte[] bytes = new byte[(int) (2 * PART + 3)];
    new Random(4).nextBytes(bytes);
    String sha = ObjectIds.of(bytes);
    store.put(new ByteArrayInputStream(bytes), sha); // three parts, the last of 3 bytes
    Path back = tmp.resolve("streamed.bin");
    store.copyTo(sha, back);
    assertThat(Files.readAllBytes(back)).isEqualTo(bytes);
    byte[] small = "one part".getBytes(StandardCharsets.UTF_8);
    store.put(new ByteArrayInputStream(small), ObjectIds.of(small));
    try (InputStream in = store.open(ObjectIds.of(small))) {
      assertThat(in.readAllBytes()).isEqualTo(small);
    }

    // Content sent under another id: refused, nothing stored, no unfinished upload left.
    String claimed = ObjectIds.of(new byte[] {1});
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(bytes), claimed))
        .isInstanceOf(ContentMismatch.class)
        .hasMessage("the content hashes to " + sha + ", not " + claimed);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(small), claimed))
        .isInstanceOf(ContentMismatch.class);
    assertThat(store.contains(claimed)).isFalse();
    try (S3Client s3 = S3Connection.client(settings)) {
      String key = UnusedKeys.objectKey(settings.location(), claimed);
      assertThat(
              s3.listMultipartUploads(
                      ListMultipartUploadsRequest.builder()
                          .bucket(settings.location().bucket())
                          .prefix(key)
                          .build())
                  .uploads())
          .isEmpty();
    }
  }

  @Test
  void contentAlreadyInTheBucketIsNeverSentAgain() throws IOException {
    Path file = randomFile("model.bin", 12L << 20, 2);
    try (TcpRelay proxy = new TcpRelay(S3TestBucket.endpoint(), 0)) {
      S3Settings settings = S3TestBucket.settings("dedup", proxy.endpoint(), PART);
      store = S3ObjectStore.open(settings);
      store.put(file);
      long first = proxy.sentBytes();
      assertThat(first).isGreaterThan(Files.size(file));
      try (S3ObjectStore other =
          S3ObjectStore.open(settings)) { // another user's labrun, same bucket
        other.put(file);
        other.put(Files.readAllBytes(file));
      }
      long again = proxy.sentBytes() - first;
      assertThat(again).as("bytes sent to S3 for content it holds").isLessThan(4096);
    }
  }

  @Test
  void aSubmissionAsksOneRequestPerFileAndNoneForWhatItJustWrote() throws IOException {
    try (TcpRelay relay = new TcpRelay(S3TestBucket.endpoint(), 0)) {
      S3Settings direct = S3TestBucket.settings("requests", null, PART);
      Map<String, String> env = new HashMap<>(S3TestBucket.env());
      env.put("AWS_ENDPOINT_URL", relay.endpoint().toString());
      store = S3ObjectStore.open(S3Settings.of(direct.location(), env).withPartBytes(PART));
      try (S3ObjectStore other = S3ObjectStore.open(direct)) {
        for (int i = 0; i < 10; i++) {
          other.put(("stored before, by another server " + i).getBytes(StandardCharsets.UTF_8));
        }
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(
            ObjectIds.of(
                ("stored before, by another server " + i).getBytes(StandardCharsets.UTF_8)));
      }
      // As the server answers POST /objects/missing: a touch (HEAD, marker PUT) per file.
      long before = relay.requests();
      for (String id : ids) {
        store.touch(id);
      }
      assertThat(relay.requests() - before).as("requests to ask about 10 files").isEqualTo(20);
      // Then POST /runs checks every file is there: known, just marked, no request.
      before = relay.requests();
      assertThat(ids).allMatch(store::contains);
      assertThat(relay.requests() - before).as("requests to check them at submit").isZero();
      // The same files asked about again (a resubmit): the marker only.
      before = relay.requests();
      for (String id : ids) {
        store.touch(id);
      }
      assertThat(relay.requests() - before).as("requests to ask again").isEqualTo(10);
      // An object this store's collection removed is not known any more.
      store.removeUnused(id -> !id.equals(ids.get(0)), Instant.now().plusSeconds(60));
      assertThat(store.contains(ids.get(0))).isFalse();
    }
  }

  @Test
  void anUploadKilledHalfWayIsResumedFromTheLastPart() throws Exception {
    Path file = randomFile("killed.bin", 64L << 20, 3);
    String sha = ObjectIds.of(file);
    String url = S3TestBucket.freshUrl("resume");
    S3Settings settings =
        S3Settings.of(S3Location.parse(url), S3TestBucket.env()).withPartBytes(PART);
    int held;
    try (TcpRelay slow = new TcpRelay(S3TestBucket.endpoint(), 6L << 20);
        S3Client s3 = S3Connection.client(settings)) {
      String key = UnusedKeys.objectKey(settings.location(), sha);
      Process uploader =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  UploadMain.class.getName(),
                  url,
                  slow.endpoint().toString(),
                  String.valueOf(PART),
                  file.toString())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("uploader.log").toFile())
              .start();
      try {
        // Killed once 24 of its 64 MiB reached S3 (counted by the relay: S3Proxy will not list the
        // parts of an upload while a part is being written).
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> slow.sentBytes() >= (24L << 20));
      } finally {
        uploader.destroyForcibly().waitFor();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> partsHeld(s3, settings, key) >= 0);
      held = partsHeld(s3, settings, key);
      assertThat(held).as("parts held when the uploader was killed").isBetween(2, 12);
    }
    try (TcpRelay proxy = new TcpRelay(S3TestBucket.endpoint(), 0)) {
      Map<String, String> env = new HashMap<>(S3TestBucket.env());
      env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
      store = S3ObjectStore.open(S3Settings.of(settings.location(), env).withPartBytes(PART));
      assertThat(store.put(file)).isEqualTo(sha);
      long left = Files.size(file) - held * PART;
      assertThat(proxy.sentBytes())
          .as("bytes sent to finish the upload")
          .isLessThan(left + (1L << 20));
      Path back = tmp.resolve("back.bin");
      store.copyTo(sha, back);
      assertThat(Files.mismatch(file, back)).isEqualTo(-1);
    }
  }

  @Test
  void aStreamBrokenOffIsContinuedByAnotherStoreFromTheStateInTheBucket() throws IOException {
    S3Settings settings = S3TestBucket.settings("continued", null, PART);
    byte[] bytes = new byte[(int) (5 * PART + 12_345)];
    new Random(5).nextBytes(bytes);
    String sha = ObjectIds.of(bytes);
    store = S3ObjectStore.open(settings);
    // The sender goes away after three whole parts and a bit of the fourth.
    assertThatThrownBy(() -> store.put(breaksAfter(bytes, 3 * PART + 777), sha, 0))
        .isInstanceOf(StreamedUpload.BrokenOff.class);
    store.close();
    store = null;

    // A new server process (nothing in memory, its disk wiped) on the same bucket: the bucket says
    // what S3 holds, and the rest goes up from there.
    try (TcpRelay proxy = new TcpRelay(S3TestBucket.endpoint(), 0)) {
      Map<String, String> env = new HashMap<>(S3TestBucket.env());
      env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
      store = S3ObjectStore.open(S3Settings.of(settings.location(), env).withPartBytes(PART));
      assertThat(store.received(sha)).isEqualTo(3 * PART);
      assertThatThrownBy(() -> store.put(rest(bytes, PART), sha, PART))
          .isInstanceOf(OffsetMismatch.class)
          .hasMessageEndingWith((3 * PART) + " bytes of it are here");
      long before = proxy.sentBytes();
      store.put(rest(bytes, 3 * PART), sha, 3 * PART);
      assertThat(proxy.sentBytes() - before)
          .as("bytes sent to S3 to finish")
          .isBetween(bytes.length - 3 * PART, bytes.length - 3 * PART + (256L << 10));
    }
    Path back = tmp.resolve("continued.bin");
    store.copyTo(sha, back);
    assertThat(Files.readAllBytes(back)).isEqualTo(bytes);
    assertThat(store.received(sha)).isZero();
    try (S3Client s3 = S3Connection.client(settings)) {
      assertThat(keysUnder(s3, settings, "uploads/")).as("states left").isEmpty();
      assertThat(unfinishedUploads(s3, settings)).isEmpty();
    }
  }

  @Test
  void partsArrivingOutOfOrderSaveTheStateAfterTheLastPartOfTheRunNotTheLastToArrive() {
    S3Settings settings = S3TestBucket.settings("order", null, PART);
    try (S3Client s3 = S3Connection.client(settings)) {
      UploadStates states = new UploadStates(s3, settings.location());
      String sha = ObjectIds.of(new byte[] {9});
      SavedProgress progress = new SavedProgress(states, sha, "upload-1", List.of(), 0);
      byte[] bytes = new byte[3 * 64];
      new Random(9).nextBytes(bytes);
      byte[][] after = new byte[4][];
      Sha256 digest = new Sha256();
      for (int n = 1; n <= 3; n++) {
        digest.update(bytes, (n - 1) * 64, 64);
        after[n] = digest.state();
      }
      // Parts 3 and 2 reach S3 before part 1: nothing to save until part 1 arrives.
      for (int n : new int[] {3, 2}) {
        progress.arrived(CompletedPart.builder().partNumber(n).eTag("e" + n).build(), 64, after[n]);
      }
      assertThat(states.saved(sha)).isEmpty();
      progress.arrived(CompletedPart.builder().partNumber(1).eTag("e1").build(), 64, after[1]);
      UploadStates.Saved saved = states.saved(sha).orElseThrow();
      assertThat(saved.parts()).isEqualTo(3);
      assertThat(saved.received()).isEqualTo(3 * 64);
      assertThat(saved.sha256()).isEqualTo(after[3]);
      assertThat(Sha256.resumed(saved.sha256()).hex()).isEqualTo(ObjectIds.of(bytes));
    }
  }

  @Test
  void aStateThatDoesNotMatchS3sPartsIsNeverContinuedAndTheUploadStartsOverCleanly()
      throws IOException {
    S3Settings settings = S3TestBucket.settings("mismatch", null, PART);
    byte[] bytes = new byte[(int) (4 * PART + 5)];
    new Random(6).nextBytes(bytes);
    String sha = ObjectIds.of(bytes);
    store = S3ObjectStore.open(settings);
    assertThatThrownBy(() -> store.put(breaksAfter(bytes, 2 * PART + 1), sha, 0))
        .isInstanceOf(StreamedUpload.BrokenOff.class);
    assertThat(store.received(sha)).isEqualTo(2 * PART);
    try (S3Client s3 = S3Connection.client(settings)) {
      String stateKey = UploadStates.key(settings.location(), sha);
      String saved =
          s3.getObjectAsBytes(b -> b.bucket(settings.location().bucket()).key(stateKey))
              .asUtf8String();
      // Unreadable; claiming a part S3 does not hold; a byte count the parts do not add up to;
      // naming other parts: none is continued.
      for (String wrong :
          List.of(
              "not a state\n",
              saved
                  .replace("parts 2\n", "parts 3\n")
                  .replace("received " + 2 * PART, "received " + 3 * PART),
              saved.replace("received " + 2 * PART, "received " + (2 * PART - 64)),
              saved.replace("etags ", "etags 0"))) {
        assertThat(wrong).isNotEqualTo(saved);
        s3.putObject(
            b -> b.bucket(settings.location().bucket()).key(stateKey),
            RequestBody.fromString(wrong));
        try (S3ObjectStore fresh = S3ObjectStore.open(settings)) {
          assertThat(fresh.received(sha)).as(wrong).isZero();
          assertThatThrownBy(() -> fresh.put(rest(bytes, 2 * PART), sha, 2 * PART))
              .isInstanceOf(OffsetMismatch.class);
        }
      }
      // Started over from the first byte: the old upload and its state go, the object is right.
      try (S3ObjectStore fresh = S3ObjectStore.open(settings)) {
        fresh.put(new ByteArrayInputStream(bytes), sha, 0);
        assertThat(fresh.open(sha).readAllBytes()).isEqualTo(bytes);
      }
      assertThat(keysUnder(s3, settings, "uploads/")).isEmpty();
      assertThat(unfinishedUploads(s3, settings)).isEmpty();
    }
  }

  @Test
  void collectingAbandonedUploadsRemovesTheirStatesAndNeverCountsThemAsObjects()
      throws IOException {
    S3Settings settings = S3TestBucket.settings("states-gc", null, PART);
    byte[] bytes = new byte[(int) (3 * PART)];
    new Random(8).nextBytes(bytes);
    String sha = ObjectIds.of(bytes);
    store = S3ObjectStore.open(settings);
    assertThatThrownBy(() -> store.put(breaksAfter(bytes, PART + 9), sha, 0))
        .isInstanceOf(StreamedUpload.BrokenOff.class);
    try (S3Client s3 = S3Connection.client(settings)) {
      assertThat(keysUnder(s3, settings, "uploads/")).hasSize(1);
      // Within the day: the upload and its state stay, and nothing is counted as removed.
      assertThat(store.removeUnused(id -> false, Instant.now().plusSeconds(60)))
          .isEqualTo(Removed.NOTHING);
      assertThat(store.received(sha)).isEqualTo(PART);
      // A day later: both go.
      assertThat(store.abortUploadsStartedBefore(Instant.now().plusSeconds(60))).isEqualTo(1);
      assertThat(keysUnder(s3, settings, "uploads/")).isEmpty();
      assertThat(unfinishedUploads(s3, settings)).isEmpty();
      assertThat(store.received(sha)).isZero();
    }
  }

  /** {@code bytes} as a stream that breaks off (as a killed sender's does) after {@code n}. */
  private static InputStream breaksAfter(byte[] bytes, long n) {
    return new java.io.SequenceInputStream(
        new ByteArrayInputStream(bytes, 0, (int) n),
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("the sender went away");
          }
        });
  }

  private static InputStream rest(byte[] bytes, long from) {
    return new ByteArrayInputStream(bytes, (int) from, bytes.length - (int) from);
  }

  private static List<String> keysUnder(S3Client s3, S3Settings settings, String folder) {
    return s3
        .listObjectsV2(
            b ->
                b.bucket(settings.location().bucket())
                    .prefix(settings.location().prefix() + folder))
        .contents()
        .stream()
        .map(o -> o.key())
        .toList();
  }

  private static List<?> unfinishedUploads(S3Client s3, S3Settings settings) {
    return s3.listMultipartUploads(
            ListMultipartUploadsRequest.builder()
                .bucket(settings.location().bucket())
                .prefix(settings.location().prefix())
                .build())
        .uploads();
  }

  @Test
  void unusedObjectsGoAfterTheGraceWhileUsedTouchedAndNewOnesStay() throws IOException {
    store = S3ObjectStore.open(S3TestBucket.settings("gc", null, PART));
    String used = store.put("used".getBytes(StandardCharsets.UTF_8));
    String unused = store.put("unused".getBytes(StandardCharsets.UTF_8));
    String touched = store.put("touched".getBytes(StandardCharsets.UTF_8));
    Instant since = Instant.now().plusSeconds(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(since.plusSeconds(1)));
    store.touch(touched); // named by a submission after the grace began
    assertThat(store.removeUnused(used::equals, since)).isEqualTo(new Removed(1, 6));
    assertThat(store.contains(used)).isTrue();
    assertThat(store.contains(unused)).isFalse();
    assertThat(store.contains(touched)).isTrue();
    assertThat(store.removeUnused(Set.of(used)::contains, Instant.now().plusSeconds(60)))
        .isEqualTo(new Removed(1, 7));
    assertThat(store.contains(touched)).isFalse();
  }

  @Test
  void unfinishedUploadsOlderThanADayAreAborted() throws IOException {
    S3Settings settings = S3TestBucket.settings("abort", null, PART);
    store = S3ObjectStore.open(settings);
    try (S3Client s3 = S3Connection.client(settings)) {
      String key = UnusedKeys.objectKey(settings.location(), ObjectIds.of(new byte[] {7}));
      s3.createMultipartUpload(
          CreateMultipartUploadRequest.builder()
              .bucket(settings.location().bucket())
              .key(key)
              .build());
      assertThat(store.abortUploadsStartedBefore(Instant.now().minus(Duration.ofDays(1)))).isZero();
      assertThat(store.abortUploadsStartedBefore(Instant.now().plusSeconds(60))).isEqualTo(1);
      assertThat(
              s3.listMultipartUploads(
                      ListMultipartUploadsRequest.builder()
                          .bucket(settings.location().bucket())
                          .prefix(settings.location().prefix())
                          .build())
                  .uploads())
          .isEmpty();
    }
  }

  @Test
  void wrongCredentialsAndAMissingBucketFailAtOpenInOneLine() {
    Map<String, String> env = new HashMap<>(S3TestBucket.env());
    env.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
    assertThatThrownBy(
            () ->
                S3ObjectStore.open(
                    S3Settings.of(S3Location.parse(S3TestBucket.freshUrl("creds")), env)))
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.STORE);
              assertThat(e.getMessage())
                  .doesNotContain("\n")
                  .contains("refused labrun's credentials")
                  .contains("AWS_SECRET_ACCESS_KEY")
                  .doesNotContain("not-the-secret");
            });
    assertThatThrownBy(
            () ->
                S3ObjectStore.open(
                    S3Settings.of(
                        S3Location.parse("s3://labrun-no-such-bucket/x"), S3TestBucket.env())))
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.STORE);
              assertThat(e.getMessage())
                  .doesNotContain("\n")
                  .contains("bucket 'labrun-no-such-bucket' does not exist");
            });
  }

  /**
   * How many parts S3 holds for the key's unfinished upload; -1 while a part being written makes
   * S3Proxy refuse the list.
   */
  private static int partsHeld(S3Client s3, S3Settings settings, String key) {
    String bucket = settings.location().bucket();
    try {
      return s3
          .listMultipartUploads(
              ListMultipartUploadsRequest.builder().bucket(bucket).prefix(key).build())
          .uploads()
          .stream()
          .mapToInt(
              u ->
                  s3.listParts(
                          ListPartsRequest.builder()
                              .bucket(bucket)
                              .key(key)
                              .uploadId(u.uploadId())
                              .build())
                      .parts()
                      .size())
          .max()
          .orElse(0);
    } catch (S3Exception e) {
      return -1;
    }
  }

  private Path randomFile(String name, long size, long seed) throws IOException {
    byte[] bytes = new byte[(int) size];
    new Random(seed).nextBytes(bytes);
    return Files.write(tmp.resolve(name), bytes);
  }
}
