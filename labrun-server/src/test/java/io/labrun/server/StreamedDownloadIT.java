package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.Artifact;
import io.labrun.core.run.RunStatus;
import io.labrun.store.FileObjectStore;
import io.labrun.store.SqlRunStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB artifact downloads whole from a server whose heap is 64 MiB: it is streamed, never
 * loaded.
 */
class StreamedDownloadIT {
  private static final long SIZE = 256L << 20;

  @TempDir Path tmp;

  @Test
  void anArtifactFourTimesTheServersHeapDownloadsIntact() throws Exception {
    Path home = tmp.resolve("home");
    String url = TestDatabases.sqlite(home);
    String token = ApiTokenText.generate();
    MessageDigest written = MessageDigest.getInstance("SHA-256");
    Path big = tmp.resolve("big.bin");
    try (OutputStream out = Files.newOutputStream(big)) {
      byte[] block = new byte[1 << 20];
      for (long b = 0; b < SIZE / block.length; b++) {
        for (int i = 0; i < block.length; i += 8) {
          long v = b * block.length + i;
          for (int k = 0; k < 8; k++) {
            block[i + k] = (byte) (v >>> (8 * k));
          }
        }
        written.update(block);
        out.write(block);
      }
    }
    String sha;
    try (SqlRunStore store = SqlRunStore.open(url)) {
      sha = new FileObjectStore(home.resolve("data/objects")).put(big);
      store.tokens().add("t", ApiTokenText.sha256(token), Instant.now(), ApiTokens.Role.ADMIN);
      store.create(Fixtures.run("iris_big", 0, "local", "train.py", RunStatus.COMPLETED));
      store.addArtifacts("iris_big", List.of(new Artifact("outputs/big.bin", SIZE, sha)));
    }
    Files.delete(big);
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                ServeMain.class.getName(),
                home.toString(),
                url)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String line = new BufferedReader(new InputStreamReader(server.getInputStream())).readLine();
      assertThat(line).as("the server's first line").startsWith("PORT ");
      Http http = new Http(Integer.parseInt(line.substring(5).strip()), token);
      HttpResponse<InputStream> r =
          http.stream(
              http.request("/api/v1/runs/iris_big/artifacts/outputs/big.bin").GET().build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
      MessageDigest read = MessageDigest.getInstance("SHA-256");
      long total = 0;
      try (InputStream in = r.body()) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          read.update(buf, 0, n);
          total += n;
        }
      }
      assertThat(total).isEqualTo(SIZE);
      assertThat(HexFormat.of().formatHex(read.digest()))
          .isEqualTo(HexFormat.of().formatHex(written.digest()))
          .isEqualTo(sha);
      assertThat(server.isAlive()).as("the server survived the download").isTrue();
      assertThat(http.get("/api/v1/runs/iris_big").status()).isEqualTo(200);
    } finally {
      server.getOutputStream().close();
      server.destroy();
      server.waitFor();
    }
  }
}
