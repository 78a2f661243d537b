package org.apache.spark.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * labrun's direct start of the {@code SparkSubmit} JVM runs what {@code bin/spark-submit} would:
 * the command its launcher JVM ({@code org.apache.spark.launcher.Main}, run by {@code
 * bin/spark-class} after {@code bin/load-spark-env.sh}) prints for the same arguments, on the test
 * environment's Spark installation ({@code SPARK_HOME}, from {@code scripts/test-env/spark.sh}).
 */
class LabrunSubmitStartTest {
  @TempDir Path tmp;

  @Test
  void theCommandIsTheOneSparkClassWouldRun() throws Exception {
    String home = System.getenv("SPARK_HOME");
    assertThat(home)
        .as("SPARK_HOME of the test Spark: eval \"$(scripts/test-env/spark.sh)\" first")
        .isNotBlank();
    SparkLauncher launcher =
        new SparkLauncher()
            .setSparkHome(home)
            .setMaster("yarn")
            .setDeployMode("client")
            .setConf("spark.executor.instances", "1")
            .setConf("spark.driver.memory", "600m")
            .addPyFile(tmp.resolve("dep.py").toString())
            .setAppName("noop.py (labrun x)")
            .setAppResource(tmp.resolve("noop.py").toString())
            .addAppArgs("a b", "--flag");
    LabrunSubmitStart.Command ours =
        LabrunSubmitStart.command(launcher, home, tmp.toFile()).orElseThrow();

    // Main's answer: a NUL and a newline, then the command's words, each ended by NUL (after "env
    // NAME=VALUE..." when it sets variables)
    List<String> args = new ArrayList<>(launcher.builder.buildSparkSubmitArgs());
    Process main =
        new ProcessBuilder(
                concat(
                    List.of(
                        "/bin/bash",
                        "-c",
                        "export SPARK_HOME=\"$1\" PYTHONHASHSEED=0; shift; ."
                            + " \"$SPARK_HOME/bin/load-spark-env.sh\"; exec java -cp"
                            + " \"$SPARK_HOME/jars/*\" org.apache.spark.launcher.Main"
                            + " org.apache.spark.deploy.SparkSubmit \"$@\"",
                        "bash",
                        home),
                    args))
            .directory(tmp.toFile())
            .start();
    String printed = new String(main.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(main.waitFor()).isZero();
    assertThat(printed).startsWith("\0\n");
    List<String> words = new ArrayList<>(Arrays.asList(printed.substring(2).split("\0")));
    Map<String, String> theirEnv = new LinkedHashMap<>();
    if (!words.isEmpty() && words.get(0).equals("env")) {
      words.remove(0);
      while (!words.isEmpty() && words.get(0).matches("\\w+=.*")) {
        String kv = words.remove(0);
        theirEnv.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    assertThat(ours.args().subList(1, ours.args().size()))
        .as("SparkSubmit's JVM options, class path, class and arguments")
        .isEqualTo(words.subList(1, words.size()));
    assertThat(new File(ours.args().get(0)).getCanonicalPath())
        .as("the same java")
        .isEqualTo(new File(words.get(0)).getCanonicalPath());
    assertThat(ours.env()).containsAllEntriesOf(theirEnv);
    assertThat(ours.env())
        .containsEntry("SPARK_HOME", home)
        .containsEntry("PYTHONHASHSEED", "0")
        .containsEntry("SPARK_ENV_LOADED", "1");
    assertThat(ours.args()).contains("org.apache.spark.deploy.SparkSubmit", "noop.py (labrun x)");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
