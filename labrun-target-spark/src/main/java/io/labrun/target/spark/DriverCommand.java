package io.labrun.target.spark;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command that runs {@link SparkDriver} in its own small JVM: this JVM's {@code java}, and a
 * class path of just the jars (or folders) that hold labrun's core, this adapter and Spark's
 * launcher library (inside {@code labrun.jar} that is one file). JIT and heap are set for a
 * process that mostly waits.
 */
final class DriverCommand {
  private DriverCommand() {}

  static List<String> of(Path submissionFile) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx64m");
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(SparkDriver.class.getName());
    cmd.add(submissionFile.toString());
    return cmd;
  }

  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : List.of(SparkDriver.class, io.labrun.core.supervisor.Json.class, org.apache.spark.launcher.SparkLauncher.class)) {
      try {
        entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException | RuntimeException e) {
        return System.getProperty("java.class.path"); // an unusual class loader: fall back to ours
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
