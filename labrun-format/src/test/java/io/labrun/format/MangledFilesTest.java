package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ConfigException;
import io.labrun.core.config.RunConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomly damaged versions of real files either load or fail with a one-line {@link
 * ConfigException}; no parser exception or stack trace text ever reaches the user. Those that load
 * can be updated in place and read back with the new values.
 */
class MangledFilesTest {
  @TempDir Path root;

  private static final String COMPUTE =
      """
      # remote GPU host
      type: "remotedocker"
      baseDockerImage: "microsoft/mmlspark:plus-0.9.9"
      address: 10.0.0.7
      port: 22
      nvidiaDocker: True
      sharedVolumes: [true]
      extra: {a: [1, 'two', "three"]}
      """;
  private static final String VALID_COMPUTE =
      """
      # remote GPU host
      type: "remotedocker"   # a comment
      baseDockerImage: >-
        microsoft/mmlspark:plus-0.9.9
      address: 10.0.0.7

      # the port
      port: 22
      pythonLocation: 'py # x'  # why
      extra:
        a: [1, 'two', "three"]
        b:
        - x
      # tail
      """;
  private static final String RUNCONFIG =
      """
      ArgumentVector:
        - "$file"
        - 10
      Target: local
      EnvironmentVariables:
        A: "x y"
      Framework: PySpark
      """;
  private static final String VALID_RUNCONFIG =
      """
      # runs
      ArgumentVector:
        - "$file"   # the script
        # - --verbose
        - 10
      Target: local
      EnvironmentVariables: {A: "x y", B: 2}
      CondaFile: env.yml # old name
      Framework: PySpark
      UseSampling: true
      """;
  private static final String JSON =
      """
      { "Description": "Run inside a custom-built docker container.",
        "ArgumentVector": ["$file"], "CondaFile": null, "ManagedEnvironment": true,
        "TrackedRun": true, "Target": "docker", "PrepareEnvironment": true,
        "Framework": "PySpark", "EnvironmentVariables": {"A": "1"} }
      """;
  private static final String SPARK =
      """
      configuration:
        "spark.app.name": "Classifying Iris"
      repositories:
        - "https://example.org/maven"
      packages:
        - group: "com.microsoft.sqlserver"
          artifact: "mssql-jdbc"
          version: "6.2.1.jre8"
      """;

  private static final String NASTY = "\t\n\r :-?,[]{}#&*!|>'\"%@`\\\u0000\u00e9\uFEFF\uD83D\uDE00";

  @Test
  void damagedFilesNeverLeakParserErrors() {
    TestProject p = new TestProject(root);
    Random random = new Random(20170907);
    List<Case> cases =
        List.of(
            new Case("f.compute", COMPUTE, n -> p.configs.computeTarget("f")),
            new Case("f.runconfig", RUNCONFIG, n -> p.configs.runConfiguration("f")),
            new Case("j.runconfig", JSON, n -> p.configs.runConfiguration("j")),
            new Case("s.yml", SPARK, n -> p.configs.sparkDependencies("aml_config/s.yml")),
            new Case("c.yml", SPARK, n -> p.configs.condaDependencies("aml_config/c.yml")));
    int failures = 0;
    for (int i = 0; i < 3000; i++) {
      Case c = cases.get(i % cases.size());
      byte[] bytes = mangle(c.text(), random);
      p.writeBytes(c.file(), bytes);
      try {
        c.load().apply(c.file());
      } catch (ConfigException e) {
        failures++;
        assertThat(e.getMessage())
            .as(new String(bytes, StandardCharsets.UTF_8))
            .startsWith("aml_config/" + c.file() + ":")
            .matches("(?s)aml_config/[^:]+:\\d+:\\d+: .*")
            .doesNotContain("\n", "\r", "Exception", "at [Source", "jackson", "snakeyaml", "java.");
      }
    }
    assertThat(failures).as("the mangling produces errors").isGreaterThan(500);
  }

  @Test
  void damagedButReadableFilesCanBeUpdatedAndReadBack() {
    TestProject p = new TestProject(root);
    Random random = new Random(42);
    int updated = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] before = mangle(VALID_COMPUTE, random);
      p.writeBytes("f.compute", before);
      ComputeTargetSpec spec;
      try {
        spec = p.configs.computeTarget("f").value();
      } catch (ConfigException e) {
        continue;
      }
      ComputeTargetSpec changed =
          spec.withPython("python" + i, spec.sparkSubmitLocation(), spec.userManagedEnvironment())
              .withBaseDockerImage(random.nextBoolean() ? null : "image:" + i)
              .withSparkMaster("local[" + i + "]");

      p.configs.writeComputeTarget(changed);

      String after = p.read("f.compute");
      assertThat(catchThrowable(() -> p.configs.computeTarget("f")))
          .as("before:%n%s%nafter:%n%s", new String(before, StandardCharsets.UTF_8), after)
          .isNull();
      assertThat(p.configs.computeTarget("f").value()).as(after).isEqualTo(changed);
      updated++;
    }
    assertThat(updated).as("enough damaged files stay readable").isGreaterThan(300);
  }

  @Test
  void damagedButReadableRunConfigurationsCanBeUpdatedAndReadBack() {
    TestProject p = new TestProject(root);
    Random random = new Random(43);
    int updated = 0;
    for (int i = 0; i < 2000; i++) {
      String file = i % 2 == 0 ? "y.runconfig" : "j.runconfig";
      byte[] before = mangle(i % 2 == 0 ? VALID_RUNCONFIG : JSON, random);
      p.writeBytes(file, before);
      String name = file.substring(0, 1);
      RunConfiguration c;
      try {
        c = p.configs.runConfiguration(name).value();
      } catch (ConfigException e) {
        continue;
      }
      RunConfiguration changed =
          new RunConfiguration(
              name,
              c.description(),
              List.of("$file", "--seed", "" + i),
              "target" + i,
              random.nextBoolean() ? null : Map.of("K", "v" + i),
              c.framework(),
              random.nextBoolean() ? null : "env" + i + ".yml",
              c.sparkDependenciesFile(),
              c.prepareEnvironment(),
              !c.tracked(),
              c.otherKeys(),
              c.form());

      p.configs.writeRunConfiguration(changed);

      String after = p.read(file);
      assertThat(catchThrowable(() -> p.configs.runConfiguration(name)))
          .as("before:%n%s%nafter:%n%s", new String(before, StandardCharsets.UTF_8), after)
          .isNull();
      assertThat(p.configs.runConfiguration(name).value()).as(after).isEqualTo(changed);
      updated++;
    }
    assertThat(updated).as("enough damaged files stay readable").isGreaterThan(300);
  }

  private static byte[] mangle(String text, Random random) {
    StringBuilder b = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(b.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> b.insert(at, NASTY.charAt(random.nextInt(NASTY.length())));
        case 1 -> {
          if (at < b.length()) {
            b.deleteCharAt(at);
          }
        }
        default ->
            b.insert(
                at,
                text,
                random.nextInt(text.length() / 2),
                text.length() / 2 + random.nextInt(text.length() / 2));
      }
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(20) == 0 && bytes.length > 0) {
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x40));
    }
    return bytes;
  }

  private record Case(String file, String text, Function<String, Object> load) {}
}
