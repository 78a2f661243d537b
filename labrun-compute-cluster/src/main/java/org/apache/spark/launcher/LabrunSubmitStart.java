package org.apache.spark.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * labrun's start of {@code spark-submit} without the launcher JVM that {@code bin/spark-class}
 * starts first: {@code spark-submit} runs {@code spark-class}, which starts a JVM whose only work
 * is to print the command of the real {@code SparkSubmit} JVM ({@code
 * org.apache.spark.launcher.Main}). labrun's driver program already runs Spark's launcher library,
 * so it builds the same command itself with the same {@code SparkSubmitCommandBuilder}, in the same
 * environment ({@code bin/load-spark-env.sh} sourced by a shell, {@code PYTHONHASHSEED=0} as {@code
 * bin/spark-submit} exports it), and starts that JVM directly, connected to the launcher as {@link
 * SparkLauncher#startApplication} connects its child: one JVM start less per run.
 *
 * <p>Only when the installation's launcher classes are the ones labrun carries (byte for byte): an
 * installation of another Spark version is started through its own {@code spark-submit} as before.
 * In this package because the command builder and the launcher's handle are package-private.
 */
public final class LabrunSubmitStart {
  private static final List<String> SAME_CLASSES =
      List.of(
          "org/apache/spark/launcher/SparkSubmitCommandBuilder.class",
          "org/apache/spark/launcher/AbstractCommandBuilder.class",
          "org/apache/spark/launcher/CommandBuilderUtils.class");

  private LabrunSubmitStart() {}

  /**
   * Starts what {@code launcher} describes, as {@link SparkLauncher#startApplication} would; empty
   * when it must go through the installation's {@code spark-submit} instead (another Spark version,
   * an environment script that fails, an argument the builder refuses: {@code spark-submit} then
   * says why in its own words).
   *
   * @param sparkHome the installation ({@code SPARK_HOME})
   * @param directory the child's working folder
   */
  public static Optional<SparkAppHandle> start(
      SparkLauncher launcher,
      String sparkHome,
      File directory,
      ProcessBuilder.Redirect out,
      ProcessBuilder.Redirect err,
      SparkAppHandle.Listener listener)
      throws IOException {
    Optional<Command> command = command(launcher, sparkHome, directory);
    if (command.isEmpty()) {
      return Optional.empty();
    }
    LauncherServer server = LauncherServer.getOrCreateServer();
    ChildProcAppHandle handle = new ChildProcAppHandle(server);
    handle.addListener(listener);
    String secret = server.registerHandle(handle);
    ProcessBuilder pb = new ProcessBuilder(command.get().args()).directory(directory);
    pb.environment().clear();
    pb.environment().putAll(command.get().env());
    pb.environment()
        .put(
            LauncherProtocol.ENV_LAUNCHER_PORT,
            String.valueOf(LauncherServer.getServer().getPort()));
    pb.environment().put(LauncherProtocol.ENV_LAUNCHER_SECRET, secret);
    pb.redirectOutput(out).redirectError(err);
    try {
      handle.setChildProc(pb.start(), "labrun-spark-submit", null);
    } catch (IOException e) {
      handle.kill();
      throw e;
    }
    return Optional.of(handle);
  }

  /** The {@code SparkSubmit} JVM's command line and its whole environment. */
  record Command(List<String> args, Map<String, String> env) {}

  /**
   * The command {@code bin/spark-submit} would run for {@code launcher}'s arguments, built as
   * {@code org.apache.spark.launcher.Main} builds it; empty as in {@link #start}.
   */
  static Optional<Command> command(SparkLauncher launcher, String sparkHome, File directory)
      throws IOException {
    if (!sameLauncher(Path.of(sparkHome))) {
      return Optional.empty();
    }
    Optional<Map<String, String>> sparkEnv = sparkEnvironment(sparkHome, directory);
    if (sparkEnv.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> env = new HashMap<>(sparkEnv.get());
    Map<String, String> commandEnv = new HashMap<>();
    try {
      SparkSubmitCommandBuilder builder =
          new SparkSubmitCommandBuilder(launcher.builder.buildSparkSubmitArgs());
      builder.childEnv.putAll(env);
      List<String> args = builder.buildCommand(commandEnv);
      env.putAll(commandEnv);
      return Optional.of(new Command(args, env));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether the installation's command builder is the one on this class path. */
  static boolean sameLauncher(Path sparkHome) {
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> d =
        Files.newDirectoryStream(sparkHome.resolve("jars"), "spark-launcher_*.jar")) {
      d.forEach(jars::add);
    } catch (IOException e) {
      return false;
    }
    if (jars.size() != 1) {
      return false;
    }
    try (ZipFile jar = new ZipFile(jars.get(0).toFile())) {
      for (String name : SAME_CLASSES) {
        var entry = jar.getEntry(name);
        if (entry == null) {
          return false;
        }
        byte[] theirs;
        try (InputStream in = jar.getInputStream(entry)) {
          theirs = in.readAllBytes();
        }
        byte[] ours;
        try (InputStream in = LabrunSubmitStart.class.getClassLoader().getResourceAsStream(name)) {
          if (in == null) {
            return false;
          }
          ours = in.readAllBytes();
        }
        if (!Arrays.equals(theirs, ours)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The environment {@code bin/spark-submit} gives the launcher: this process's, with {@code
   * SPARK_HOME} and {@code PYTHONHASHSEED=0}, after {@code bin/load-spark-env.sh} (the
   * installation's {@code conf/spark-env.sh}); empty when the script cannot be run.
   */
  static Optional<Map<String, String>> sparkEnvironment(String sparkHome, File directory)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "/bin/bash",
                "-c",
                "export SPARK_HOME=\"$1\" PYTHONHASHSEED=0; . \"$1/bin/load-spark-env.sh\""
                    + " >/dev/null 2>&1 </dev/null || exit 97; exec env -0",
                "bash",
                sparkHome)
            .directory(directory)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Map<String, String> env = new HashMap<>();
    for (String entry : new String(out, StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env.containsKey("SPARK_HOME") ? Optional.of(env) : Optional.empty();
  }
}
