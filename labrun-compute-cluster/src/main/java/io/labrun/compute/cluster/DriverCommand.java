package io.labrun.compute.cluster;

import io.labrun.core.json.Json;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.launcher.SparkLauncher;

/**
 * The command that runs {@link SparkDriver} in its own small JVM: this JVM's {@code java}, and a
 * class path of just the jars (or folders) that hold labrun's core, this adapter and Spark's
 * launcher library (inside {@code labrun.jar} that is one file). JIT and heap are set for a process
 * that mostly waits.
 */
final class DriverCommand {
  private DriverCommand() {}

  static List<String> of(Path submissionFile) {
    return of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        classPath(),
        submissionFile.toString());
  }

  /**
   * The command with a given {@code java} and class path (a head node's, with labrun's classes
   * uploaded there).
   */
  static List<String> of(String java, String classPath, String submissionFile) {
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xmx64m",
        "-cp",
        classPath,
        SparkDriver.class.getName(),
        submissionFile);
  }

  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : List.of(SparkDriver.class, Json.class, SparkLauncher.class)) {
      try {
        entries.add(
            Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException | RuntimeException e) {
        return System.getProperty("java.class.path"); // an unusual class loader: fall back to ours
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
