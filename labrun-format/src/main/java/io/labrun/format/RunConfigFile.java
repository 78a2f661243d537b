package io.labrun.format;

import io.labrun.core.config.Durations;
import io.labrun.core.config.Framework;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.error.LabrunException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code aml_config/<name>.runconfig} file, in YAML or in the original's older JSON form
 * (content starting with '{'), where the conda file key was spelled {@code CondaFile}; or in the
 * 2018 format ({@link RunConfig2018File}), told apart by its keys. A file with keys of both formats
 * is an error that names both.
 */
final class RunConfigFile {
  private RunConfigFile() {}

  private static final String TARGET = "Target";

  /** More tries than this is a mistake, not a policy. */
  static final int MAX_RETRIES = 100;

  private static final String INERT =
      "has no effect in labrun (it belonged to the data-preparation product)";

  static final KeyTable<RunConfiguration> KEYS =
      new KeyTable<>(
          List.of(
              KeyTable.Key.of(
                  "ArgumentVector", Values::stringList, RunConfiguration::argumentVector),
              KeyTable.Key.of(TARGET, RunConfigFile::target, RunConfiguration::target),
              KeyTable.Key.of(
                  "EnvironmentVariables",
                  Values::environmentMap,
                  RunConfiguration::environmentVariables),
              KeyTable.Key.<RunConfiguration>of(
                      "Framework", RunConfigFile::framework, RunConfiguration::framework)
                  .writtenAs(f -> ((Framework) f).configName()),
              KeyTable.Key.<RunConfiguration>of(
                      "CondaDependenciesFile",
                      Values::string,
                      RunConfiguration::condaDependenciesFile)
                  .alsoSpelled("CondaFile", true),
              KeyTable.Key.of(
                  "SparkDependenciesFile", Values::string, RunConfiguration::sparkDependenciesFile),
              KeyTable.Key.of(
                  "PrepareEnvironment", Values::bool, RunConfiguration::prepareEnvironment),
              KeyTable.Key.of("TrackedRun", Values::bool, RunConfiguration::trackedRun),
              KeyTable.Key.of("Description", Values::string, RunConfiguration::description),
              // labrun extensions: the run policy (issue 8)
              KeyTable.Key.<RunConfiguration>of(
                      "Timeout", RunConfigFile::timeout, RunConfiguration::timeout)
                  .writtenAs(d -> Durations.format((Duration) d)),
              KeyTable.Key.of(
                  "Retries",
                  (v, key, node) -> v.integer(key, node, 0, MAX_RETRIES),
                  RunConfiguration::retries)),
          Set.of("ManagedEnvironment"),
          Map.of(
              "UseSampling", INERT, "DataSourceSettings", INERT, "DataSourceSubstitutions", INERT));

  static Object target(Values v, String key, Node node) {
    String t = v.string(key, node);
    if (t == null || t.isBlank()) {
      throw v.error(
          node.position(),
          "'"
              + key
              + "' must name a compute target (a .compute file in aml_config/), got "
              + node.describe());
    }
    return t;
  }

  private static boolean isIn2018(SourceText existing) {
    Values values = new Values(existing.label());
    Node.Mapping root =
        TreeReader.read(existing, TreeReader.sniff(existing))
            .map(n -> values.mapping("a .runconfig file", n))
            .orElse(null);
    return is2018(values, root);
  }

  private static Object timeout(Values v, String key, Node node) {
    String text = v.string(key, node);
    if (text == null) {
      return null;
    }
    return Durations.parse(text)
        .orElseThrow(
            () ->
                v.error(
                    node.position(),
                    "'"
                        + key
                        + "' must be a duration such as 90s, 30m, 2h or 1h30m (or a number of"
                        + " seconds), got "
                        + node.describe()));
  }

  static Object framework(Values v, String key, Node node) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    if (node instanceof Node.Scalar s && s.kind() == Node.Kind.STRING) {
      Optional<Framework> f = Framework.parse(s.text());
      if (f.isPresent()) {
        return f.get();
      }
    }
    throw v.error(
        node.position(), "'" + key + "' must be Python or PySpark, got " + node.describe());
  }

  static Loaded<RunConfiguration> read(String name, SourceText source) {
    Values values = new Values(source.label());
    TreeReader.Syntax syntax = TreeReader.sniff(source);
    Node.Mapping root =
        TreeReader.read(source, syntax)
            .map(n -> values.mapping("a .runconfig file", n))
            .orElse(null);
    if (is2018(values, root)) {
      return RunConfig2018File.read(name, values, root);
    }
    KeyTable.Reading r = KEYS.read(root, values, false);
    if (r.typed().get(TARGET) == null) {
      throw values.error(
          Position.FILE,
          "'Target' is missing; name the compute target to run on, for example 'Target: local'");
    }
    return new Loaded<>(config(name, r, syntax), r.warnings());
  }

  @SuppressWarnings("unchecked")
  private static RunConfiguration config(
      String name, KeyTable.Reading r, TreeReader.Syntax syntax) {
    Map<String, Object> t = r.typed();
    return new RunConfiguration(
        name,
        (String) t.get("Description"),
        (List<String>) t.get("ArgumentVector"),
        (String) t.get(TARGET),
        (Map<String, String>) t.get("EnvironmentVariables"),
        (Framework) t.get("Framework"),
        (String) t.get("CondaDependenciesFile"),
        (String) t.get("SparkDependenciesFile"),
        (Boolean) t.get("PrepareEnvironment"),
        (Boolean) t.get("TrackedRun"),
        r.otherKeys(),
        syntax == TreeReader.Syntax.JSON
            ? RunConfiguration.Form.LEGACY_JSON
            : RunConfiguration.Form.YAML,
        (Duration) t.get("Timeout"),
        (Integer) t.get("Retries"));
  }

  /**
   * The new text of the file after {@code changes}, in the file's own form; it reads cleanly, or an
   * error is thrown.
   */
  static String change(String name, SourceText existing, KeyChanges changes) {
    Values values = new Values(existing.label());
    TreeReader.Syntax syntax = TreeReader.sniff(existing);
    Node.Mapping root =
        TreeReader.read(existing, syntax)
            .map(n -> values.mapping("a .runconfig file", n))
            .orElse(null);
    if (is2018(values, root)) {
      return RunConfig2018File.change(name, existing, values, root, changes);
    }
    KeyTable.Reading now =
        KeyChange.apply(
            KEYS, root, values, KEYS.read(root, values, true), changes, existing.label(), TARGET);
    if (now.typed().get(TARGET) == null) {
      throw LabrunException.badInput(
          existing.label() + " has no 'Target'; set one, such as Target=local");
    }
    String text = write(config(name, now, syntax), existing);
    KeyChange.check(existing, text, t -> read(name, t));
    return text;
  }

  /**
   * Whether the file is in the 2018 format: it has a key of that format and none of the 2017 one
   * (labrun's own {@code Timeout} and {@code Retries} belong to both). Both: an error naming both.
   */
  private static boolean is2018(Values values, Node.Mapping root) {
    List<Node.Entry> entries = root == null ? List.of() : root.entries();
    Node.Entry newer =
        entries.stream()
            .filter(e -> RunConfig2018File.isTopLevelKey(e.key()))
            .findFirst()
            .orElse(null);
    if (newer == null) {
      return false;
    }
    Node.Entry older = entries.stream().filter(e -> is2017Key(e.key())).findFirst().orElse(null);
    if (older != null) {
      Node.Entry second = older.keyPosition().line() > newer.keyPosition().line() ? older : newer;
      throw values.error(
          second.keyPosition(),
          "the file mixes the two run-configuration formats: '"
              + older.key()
              + "' (line "
              + older.keyPosition().line()
              + ") is a key of the 2017 format (ArgumentVector, Target, Framework...) and '"
              + newer.key()
              + "' (line "
              + newer.keyPosition().line()
              + ") of the 2018 format (script, arguments, target, environment:...); write the file"
              + " in one of them");
    }
    return true;
  }

  private static boolean is2017Key(String key) {
    KeyTable.Key<RunConfiguration> k = KEYS.find(key);
    return (k != null && !k.name().equals("Timeout") && !k.name().equals("Retries"))
        || KEYS.isQuietOrInert(key);
  }

  /**
   * The new text of the file in the configuration's form. An existing file of the same form is
   * updated in place (keeping its key spellings, and for YAML its comments); otherwise the file is
   * written from scratch.
   */
  static String write(RunConfiguration config, SourceText existing) {
    if (config.form() == RunConfiguration.Form.YAML_2018) {
      return RunConfig2018File.write(
          config, existing == null || !isIn2018(existing) ? null : existing);
    }
    boolean json = config.form() == RunConfiguration.Form.LEGACY_JSON;
    TreeReader.Syntax wanted = json ? TreeReader.Syntax.JSON : TreeReader.Syntax.YAML;
    if (existing != null) {
      // a file that cannot be read is never overwritten, not even to change its form
      Values check = new Values(existing.label());
      TreeReader.read(existing, TreeReader.sniff(existing))
          .ifPresent(n -> check.mapping("a .runconfig file", n));
    }
    if (existing == null || existing.text().isBlank() || TreeReader.sniff(existing) != wanted) {
      List<Edit.Append> entries = Edit.fresh(KEYS, config, config.otherKeys(), json);
      String eol = existing == null ? "\n" : existing.lineEnding();
      return json ? JsonEmitter.document(entries, eol) : YamlEmitter.document(entries, eol);
    }
    Values values = new Values(existing.label());
    Node.Mapping root =
        TreeReader.read(existing, wanted)
            .map(n -> values.mapping("a .runconfig file", n))
            .orElse(null);
    List<Edit> edits =
        Edit.plan(KEYS, root, KEYS.read(root, values, true), config, config.otherKeys(), json);
    if (json) {
      boolean unchanged = edits.stream().allMatch(e -> e instanceof Edit.Keep);
      return unchanged
          ? existing.text()
          : JsonEmitter.document(Edit.asEntries(edits), existing.lineEnding());
    }
    return YamlEditor.apply(existing, root, edits)
        .orElseGet(
            () ->
                YamlEmitter.document(
                    Edit.fresh(KEYS, config, config.otherKeys(), false), existing.lineEnding()));
  }
}
