package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the Node scripts of {@code src/test/browser/} (playwright-core driving Debian's
 * headless Chromium) against a test server. Fails, never skips, without node, Chromium or
 * playwright-core (scripts/test.sh installs them through scripts/test-env/chromium.sh). Screenshots
 * land in {@code target/screenshots/}.
 */
final class BrowserScript {
  static final Path SHOTS = Path.of("target/screenshots").toAbsolutePath();

  private BrowserScript() {}

  /**
   * Runs {@code script} with the server's URL, a token and {@code fixture} (as JSON); returns its
   * output once it said ok.
   */
  static String run(String script, Http http, String token, Map<String, ?> fixture)
      throws IOException, InterruptedException {
    Path playwright =
        Path.of(
                System.getenv()
                    .getOrDefault("LABRUN_TEST_PLAYWRIGHT_DIR", "../scripts/test-env/browser"))
            .toAbsolutePath();
    Path chromium =
        Path.of(System.getenv().getOrDefault("LABRUN_TEST_CHROMIUM", "/usr/bin/chromium"));
    assertThat(playwright.resolve("node_modules/playwright-core"))
        .as("playwright-core (run scripts/test-env/chromium.sh)")
        .isDirectory();
    assertThat(chromium).as("Chromium (run scripts/test-env/chromium.sh)").isExecutable();
    Files.createDirectories(SHOTS);
    ProcessBuilder pb =
        new ProcessBuilder("node", Path.of("src/test/browser", script).toAbsolutePath().toString())
            .redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "LABRUN_UI_URL",
                http.base(),
                "LABRUN_UI_TOKEN",
                token,
                "LABRUN_UI_FIXTURE",
                Http.JSON.writeValueAsString(fixture),
                "LABRUN_UI_SHOTS",
                SHOTS.toString(),
                "LABRUN_TEST_PLAYWRIGHT_DIR",
                playwright.toString(),
                "LABRUN_TEST_CHROMIUM",
                chromium.toString()));
    Process node = pb.start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(script + " said:\n" + output).isZero();
    assertThat(output).contains("\"ok\":true");
    return output;
  }
}
