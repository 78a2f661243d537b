package io.labrun.compute.local;

import io.labrun.core.environment.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the interpreter that runs the supervisor. When {@code python3} on PATH is a wrapper script
 * (pyenv and asdf shims are shell scripts that take tens of milliseconds to pick an interpreter),
 * the real interpreter behind it is looked up once and remembered, so that every run does not pay
 * for the wrapper twice. The user's script still runs with the interpreter the target names.
 */
public final class SupervisorPython {
  private SupervisorPython() {}

  public static String resolve(String name, Map<String, String> env, Path cacheDir) {
    Path found = Executables.find(name, env).orElse(null);
    if (found == null || !isScript(found)) {
      return found == null ? name : found.toString();
    }
    Path cache = cacheDir.resolve("supervisor-python.txt");
    String key;
    try {
      key =
          found
              + "\t"
              + Files.getLastModifiedTime(found).toMillis()
              + "\t"
              + env.getOrDefault("PATH", "");
      if (Files.isRegularFile(cache)) {
        String[] lines = Files.readString(cache).split("\n", 2);
        if (lines.length == 2
            && lines[0].equals(key)
            && Files.isExecutable(Path.of(lines[1].strip()))) {
          return lines[1].strip();
        }
      }
    } catch (IOException e) {
      return found.toString();
    }
    try {
      ProcessBuilder pb =
          new ProcessBuilder(found.toString(), "-c", "import sys; print(sys.executable)")
              .redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      String real = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)
          || p.exitValue() != 0
          || real.isEmpty()
          || !Files.isExecutable(Path.of(real))) {
        return found.toString();
      }
      Files.createDirectories(cacheDir);
      Path tmp = Files.createTempFile(cacheDir, "supervisor-python", ".tmp");
      Files.writeString(tmp, key + "\n" + real + "\n");
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return real;
    } catch (IOException e) {
      return found.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return found.toString();
    }
  }

  private static boolean isScript(Path file) {
    try (var in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(2);
      return head.length == 2 && head[0] == '#' && head[1] == '!';
    } catch (IOException e) {
      return false;
    }
  }
}
