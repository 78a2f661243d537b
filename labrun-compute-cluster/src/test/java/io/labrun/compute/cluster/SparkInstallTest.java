package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkInstallTest {
  @TempDir Path tmp;
  final ComputeTargetSpec cluster = ComputeTargetSpec.of("spark", TargetType.CLUSTER);

  @Test
  void sparkHomeFromTheEnvironment() throws Exception {
    Path home = installation("spark-4");
    SparkInstall i =
        SparkInstall.find(cluster, Map.of("SPARK_HOME", home.toString(), "PATH", "/nonexistent"));
    assertThat(i.sparkHome()).isEqualTo(home);
    assertThat(i.sparkSubmit()).isEqualTo(home.resolve("bin/spark-submit"));
  }

  @Test
  void theTargetsSparkSubmitWinsAndNamesItsInstallationThroughLinks() throws Exception {
    Path home = installation("spark-4");
    Path other = installation("other");
    Files.createDirectories(tmp.resolve("usr/bin"));
    Path link =
        Files.createSymbolicLink(
            tmp.resolve("usr/bin/spark-submit"), home.resolve("bin/spark-submit"));
    SparkInstall i =
        SparkInstall.find(
            cluster.withPython(null, link.toString(), null),
            Map.of("SPARK_HOME", other.toString()));
    assertThat(i.sparkHome()).isEqualTo(home.toRealPath());
    assertThat(i.sparkSubmit()).isEqualTo(link);
  }

  @Test
  void onPathWhenNothingElseSaysWhere() throws Exception {
    Path home = installation("spark-4");
    SparkInstall i = SparkInstall.find(cluster, Map.of("PATH", home.resolve("bin").toString()));
    assertThat(i.sparkHome()).isEqualTo(home.toRealPath());
  }

  @Test
  void missingSparkSubmitSaysWhatToSet() {
    assertThatThrownBy(() -> SparkInstall.find(cluster, Map.of("PATH", tmp.toString())))
        .isInstanceOfSatisfying(
            LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
        .hasMessage(
            "'spark-submit' not found on PATH and SPARK_HOME is not set; set SPARK_HOME, or"
                + " sparkSubmitLocation in aml_config/spark.compute to the spark-submit of a Spark"
                + " installation");
    assertThatThrownBy(
            () ->
                SparkInstall.find(
                    cluster.withPython(null, "/opt/none/bin/spark-submit", null), Map.of()))
        .hasMessageStartingWith(
            "spark-submit not found at /opt/none/bin/spark-submit; fix sparkSubmitLocation in"
                + " aml_config/spark.compute");
  }

  @Test
  void defaultMasterFromSparkDefaults() throws Exception {
    Path home = installation("spark-4");
    Files.writeString(
        home.resolve("conf/spark-defaults.conf"),
        "# comment\nspark.master     spark://head:7077\nspark.executor.memory 2g\n");
    SparkInstall i = SparkInstall.find(cluster, Map.of("SPARK_HOME", home.toString()));
    assertThat(i.defaultMaster(Map.of())).contains("spark://head:7077");
    assertThat(i.defaultMaster(Map.of("SPARK_CONF_DIR", tmp.toString()))).isEmpty();
  }

  private Path installation(String name) throws Exception {
    Path home = tmp.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    Path submit = home.resolve("bin/spark-submit");
    Files.writeString(submit, "#!/bin/sh\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }
}
