package io.labrun.ssh;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code ssh-agent} of the test's own, on a socket in {@code dir}; {@link #close}
 * stops it. Keys are added with {@code ssh-add}, as a user would.
 */
public final class TestAgent implements AutoCloseable {
  public final Path socket;
  private final Process agent;

  public TestAgent(Path dir) throws IOException {
    socket = dir.resolve("agent.sock");
    agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(socket) || !agent.isAlive());
    if (!agent.isAlive()) {
      throw new AssertionError("ssh-agent did not start (exit " + agent.exitValue() + ")");
    }
  }

  /** {@code ssh-add KEY}, giving {@code passphrase} (null: none) through SSH_ASKPASS. */
  public void add(Path key, String passphrase) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
    pb.environment().put("SSH_AUTH_SOCK", socket.toString());
    if (passphrase != null) {
      Path dir = Files.createTempDirectory(key.getParent(), "askpass");
      Path pass = Files.writeString(dir.resolve("pass"), passphrase);
      Path askpass = dir.resolve("askpass.sh");
      Files.writeString(askpass, "#!/bin/sh\ncat '" + pass + "'\n");
      Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
      pb.environment().put("SSH_ASKPASS", askpass.toString());
      pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
      pb.environment().put("DISPLAY", "none");
    }
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("ssh-add " + key + " failed: " + out);
    }
  }

  /** The fingerprints {@code ssh-add -l} lists. */
  public List<String> list() {
    try {
      ProcessBuilder pb = new ProcessBuilder("ssh-add", "-l").redirectErrorStream(true);
      pb.environment().put("SSH_AUTH_SOCK", socket.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out.lines().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    agent.destroy();
    agent.waitFor(10, TimeUnit.SECONDS);
  }
}
