package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.launcher.SparkLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverClassesTest {
  @TempDir Path tmp;

  @Test
  void theDriverRunsFromItsClassesAndSparksLauncherAlone() throws Exception {
    Map<String, byte[]> classes = DriverClasses.of(SparkDriver.class);
    assertThat(classes)
        .containsKeys(
            "io/labrun/compute/cluster/SparkDriver.class",
            "io/labrun/compute/cluster/SparkSubmission.class",
            "io/labrun/compute/cluster/PyFiles.class",
            "io/labrun/core/json/Json.class",
            "io/labrun/core/run/RunStatus.class",
            "org/apache/spark/launcher/LabrunSubmitStart.class");
    assertThat(classes)
        .doesNotContainKeys(
            "io/labrun/compute/cluster/ClusterTarget.class", "io/labrun/core/plan/RunPlan.class");
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      Path f = tmp.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.write(f, e.getValue());
    }
    URL launcher = SparkLauncher.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader head =
        new URLClassLoader(
            new URL[] {tmp.toUri().toURL(), launcher}, ClassLoader.getPlatformClassLoader())) {
      // Loading, linking and initializing every class proves nothing outside the set is needed to
      // start.
      for (String name : classes.keySet()) {
        Class<?> c = Class.forName(name.replace('/', '.').replaceAll("\\.class$", ""), true, head);
        c.getDeclaredMethods();
        c.getDeclaredFields();
      }
      Class<?> submission = Class.forName("io.labrun.compute.cluster.SparkSubmission", true, head);
      assertThat(submission.getDeclaredMethod("read", Path.class)).isNotNull();
    }
  }
}
