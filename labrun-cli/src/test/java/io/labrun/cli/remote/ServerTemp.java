package io.labrun.cli.remote;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * Removes a test's folder once a server that ran runs in it is gone: its runs may still be tidying
 * their folders for a moment after it stopped, which JUnit's own clean-up takes for a failure.
 */
final class ServerTemp {
  private ServerTemp() {}

  static void remove(Path tmp) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              if (Files.exists(tmp)) {
                try (var walk = Files.walk(tmp)) {
                  for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                  }
                }
              }
              return !Files.exists(tmp);
            });
  }
}
