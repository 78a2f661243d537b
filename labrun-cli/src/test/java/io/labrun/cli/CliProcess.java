package io.labrun.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * labrun as a separate JVM process, as a user starts it: for what an in-process call cannot show (a
 * labrun that is killed while a run goes on, two labruns at once).
 */
public final class CliProcess {
  private CliProcess() {}

  /**
   * Starts {@code labrun args} in {@code cwd} with {@code env}; stdout and stderr go to {@code
   * log}.
   */
  public static Process start(Path cwd, Map<String, String> env, Path log, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }
}
