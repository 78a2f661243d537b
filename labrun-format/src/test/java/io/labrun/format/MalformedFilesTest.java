package io.labrun.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labrun.core.config.ConfigException;
import io.labrun.core.error.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code src/test/resources/malformed/} fails to load with exactly the one-line
 * message listed here: the file, line and column, the key, what was expected and what was found.
 */
class MalformedFilesTest {
  private static final Path CORPUS = Path.of("src/test/resources/malformed");

  /** file | expected message, without the "aml_config/<file>:" prefix shared by all. */
  private static final String EXPECTED =
      """
      address-map.compute | 3:3: 'address' must be a single value (text), got a map
      alias.compute | 2:14: aliases (*t) are not supported in labrun files; write the value out
      argv-empty-item.runconfig | 3:4: 'ArgumentVector' must be a list of strings, got no value as item 2
      argv-map.runconfig | 2:3: 'ArgumentVector' must be a list of strings, got a map
      argv-nested-list.runconfig | 1:27: 'ArgumentVector' must be a list of strings, got a list as item 2
      argv-text.runconfig | 1:17: 'ArgumentVector' must be a list of strings, got "$file"
      bad-escape.compute | 2:21: invalid YAML: unknown escape sequence in a double-quoted value; write '\\\\' for a backslash, or use single quotes
      bad-json.runconfig | 2:17: invalid JSON: unexpected 'tru'; expected a value (text in double quotes, a number, true, false, null, [ or {)
      comments-only.compute | 1:1: 'type' is missing; add a line such as 'type: local' (one of local, docker, localdocker, remotedocker, remote, cluster)
      conda-bad-item.yml | 3:5: 'dependencies' item 2 must be a conda package or a 'pip:' list, got a map
      conda-channels-text.yml | 1:11: 'channels' must be a list of strings, got "conda-forge"
      conda-deps-map.yml | 3:3: 'dependencies' must be a list of conda packages, got a map
      conda-file-conflict.runconfig | 3:12: 'CondaDependenciesFile' and 'CondaFile' are two names for one setting and differ ("aml_config/a.yml" vs "aml_config/b.yml"); keep one
      conda-pip-text.yml | 2:10: 'pip' must be a list of strings, got "numpy"
      conda-top-level-list.yml | 1:1: a conda dependencies file must be a map of keys to values, got a list
      conda-two-pip.yml | 6:5: 'dependencies' has a second 'pip:' list (the first is at line 4); merge them into one
      control-char.compute | 1:9: the character U+0001 is not allowed in a YAML file; remove it
      description-list.runconfig | 3:3: 'Description' must be a single value (text), got a list
      duplicate-key.compute | 3:1: 'type' appears twice (first at line 1); keep one
      empty.compute | 1:1: 'type' is missing; add a line such as 'type: local' (one of local, docker, localdocker, remotedocker, remote, cluster)
      empty.runconfig | 1:1: 'Target' is missing; name the compute target to run on, for example 'Target: local'
      env-list.runconfig | 2:23: 'EnvironmentVariables' must be a map of names to values, got a list
      env-nested.runconfig | 4:5: 'EnvironmentVariables' entry 'A' must be a single value (text), got a map
      env-name-equals.runconfig | 3:3: 'EnvironmentVariables' entry 'A=B' is not a valid environment variable name (it must not be empty or contain '=' or NUL); rename it, e.g. to 'A_B'
      env-null.runconfig | 3:3: 'EnvironmentVariables' entry 'EXAMPLE_ENV_VAR' has no value; write EXAMPLE_ENV_VAR: "" for an empty one
      flow-list-unclosed.compute | 3:1: invalid YAML: the list '[' opened at line 2, column 7 is not closed properly: expected ',' or ']', found the end of the file
      flow-map-unclosed.compute | 2:1: invalid YAML: the map '{' opened at line 1, column 1 is not closed properly: expected ',' or '}', found the end of the file
      framework-unknown.runconfig | 2:12: 'Framework' must be Python or PySpark, got "R"
      json-conda-conflict.runconfig | 4:28: 'CondaFile' and 'CondaDependenciesFile' are two names for one setting and differ ("a.yml" vs "b.yml"); keep one
      json-duplicate.runconfig | 3:3: 'Target' appears twice (first at line 2); keep one
      json-missing-comma.runconfig | 3:3: invalid JSON: expected ',' or '}' after a value, found '"'
      json-single-quotes.runconfig | 1:13: invalid JSON: text must be in double quotes, not single quotes
      json-target-number-list.runconfig | 2:13: 'Target' must be a single value (text), got a list
      json-text-after.runconfig | 2:1: invalid JSON: unexpected text after the closing '}'
      json-trailing-comma.runconfig | 4:1: invalid JSON: a ',' before '}' must be followed by another key (JSON allows no trailing comma)
      json-unclosed.runconfig | 4:1: invalid JSON: the file ends before every '{' and '[' is closed
      missing-colon.compute | 2:1: invalid YAML: expected 'key: value', but this line has no ':'
      missing-target.runconfig | 1:1: 'Target' is missing; name the compute target to run on, for example 'Target: local'
      missing-type.compute | 1:1: 'type' is missing; add a line such as 'type: local' (one of local, docker, localdocker, remotedocker, remote, cluster)
      non-utf8.compute | 2:14: the file is not valid UTF-8 (byte 0xE9); save it with UTF-8 encoding
      nvidia-yes-please.compute | 3:15: 'nvidiaDocker' must be true or false, got "yes please"
      port-fraction.compute | 2:7: 'port' must be a whole number from 1 to 65535, got 22.5
      port-range.compute | 2:7: 'port' must be a whole number from 1 to 65535, got 70000
      port-text.compute | 3:7: 'port' must be a whole number from 1 to 65535, got "abc"
      prepare-maybe.runconfig | 2:21: 'PrepareEnvironment' must be true or false, got "maybe"
      shared-volumes-list.compute | 2:16: 'sharedVolumes' must be true or false, got a list
      shared-volumes-number.compute | 2:16: 'sharedVolumes' must be true or false, got 1
      spark-config-list.yml | 2:3: 'configuration' must be a map of names to values, got a list
      spark-config-null.yml | 2:3: 'configuration' entry 'spark.app.name' has no value; write spark.app.name: "" for an empty one
      spark-duplicate-package-key.yml | 3:5: 'group' appears twice (first at line 2); keep one
      spark-missing-version.yml | 2:5: 'packages' item 1 is missing 'version' (a package needs group, artifact and version)
      spark-package-text.yml | 2:5: 'packages' item 1 must be a map with group, artifact and version, got "com.microsoft.sqlserver:mssql-jdbc:6.2.1.jre8"
      spark-package-version-list.yml | 4:14: 'packages' item 1 'version' must be a single value (text), got a list
      spark-repositories-map.yml | 2:3: 'repositories' must be a list of strings, got a map
      tab-indent.compute | 2:1: invalid YAML: a tab character is not allowed here; YAML indentation and separators must be spaces
      target-null.runconfig | 1:1: 'Target' must name a compute target (a .compute file in aml_config/), got no value
      text-after-quote.compute | 1:15: invalid YAML: found text where a new key or the end of the block was expected; check the indentation, or quote the whole value
      top-level-list.compute | 1:1: a .compute file must be a map of keys to values, got a list
      top-level-list.runconfig | 1:1: a .runconfig file must be a map of keys to values, got a list
      top-level-text.compute | 1:1: a .compute file must be a map of keys to values, got "local"
      tracked-number.runconfig | 2:13: 'TrackedRun' must be true or false, got 1
      two-documents.compute | 3:1: the file holds more than one YAML document ('---'); put all keys in one
      type-list.compute | 1:7: 'type' must be one of local, docker, localdocker, remotedocker, remote, cluster, got a list
      type-number.compute | 1:7: 'type' must be one of local, docker, localdocker, remotedocker, remote, cluster, got 3
      unclosed-quote.compute | 1:7: invalid YAML: this quoted value is never closed; add the closing quote
      unknown-type.compute | 1:7: 'type' must be one of local, docker, localdocker, remotedocker, remote, cluster, got "dokker"
      user-managed-yes.compute | 2:25: 'userManagedEnvironment' must be true or false, got "yes"
      value-continues.compute | 2:10: invalid YAML: unexpected ':'; check the indentation and that the line above has its ':', or quote a value that contains ': '
      """;

  static Map<String, String> expected() {
    Map<String, String> table = new LinkedHashMap<>();
    EXPECTED
        .lines()
        .filter(l -> !l.isBlank())
        .forEach(
            l -> {
              int bar = l.indexOf(" | ");
              table.put(l.substring(0, bar), l.substring(bar + 3));
            });
    return table;
  }

  static Stream<String> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void failsWithItsOneLineMessage(String file, @TempDir Path root) throws IOException {
    TestProject p = new TestProject(root);
    p.writeBytes(file, Files.readAllBytes(CORPUS.resolve(file)));

    Throwable thrown = catchThrowable(() -> load(p, file));

    assertThat(expected()).as("the table lists " + file).containsKey(file);
    assertThat(thrown).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) thrown).exitCode()).isEqualTo(ExitCode.BAD_INPUT);
    String message = thrown.getMessage();
    assertThat(message).isEqualTo("aml_config/" + file + ":" + expected().get(file));
    assertThat(message)
        .doesNotContain(
            "\n", "\r", "Exception", "at [Source", "tools.jackson", "org.snakeyaml", "java.");
  }

  @Test
  void theCorpusIsLargeAndEveryTableEntryHasItsFile() throws IOException {
    assertThat(corpus().toList())
        .hasSizeGreaterThanOrEqualTo(35)
        .containsExactlyInAnyOrderElementsOf(expected().keySet());
  }

  @Test
  void aMissingNameSaysWhichNamesExistAndHowToCreateOne(@TempDir Path root) {
    TestProject p =
        new TestProject(root)
            .write("local.compute", "type: local\n")
            .write("docker.compute", "type: docker\n");
    assertThatThrownBy(() -> p.configs.computeTarget("gpu"))
        .hasMessage(
            "no compute target 'gpu' in aml_config/ (known: docker, local); create it with 'labrun"
                + " computetarget attach'");
    assertThatThrownBy(() -> p.configs.runConfiguration("gpu"))
        .hasMessage(
            "no run configuration 'gpu' in aml_config/ (known: none); create it with 'labrun"
                + " runconfiguration create'");
    assertThatThrownBy(() -> p.configs.computeTarget("../secrets"))
        .hasMessageStartingWith("'../secrets' is not a valid compute target name");
  }

  private static Object load(TestProject p, String file) {
    if (file.endsWith(".compute")) {
      return p.configs.computeTarget(file.substring(0, file.length() - ".compute".length()));
    }
    if (file.endsWith(".runconfig")) {
      return p.configs.runConfiguration(file.substring(0, file.length() - ".runconfig".length()));
    }
    return file.startsWith("conda")
        ? p.configs.condaDependencies("aml_config/" + file)
        : p.configs.sparkDependencies("aml_config/" + file);
  }
}
