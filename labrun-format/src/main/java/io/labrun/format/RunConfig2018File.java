package io.labrun.format;

import io.labrun.core.config.ConfigException;
import io.labrun.core.config.DockerSection;
import io.labrun.core.config.Framework;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.SparkDependencies;
import io.labrun.core.error.LabrunException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A {@code .runconfig} in the 2018 format (the {@code mnist} sample's, later the Azure ML SDK v1
 * files'): camelCase keys, some nested under {@code environment} ({@code python}, {@code docker},
 * {@code spark}), {@code history}, {@code spark} and {@code hdi}. Its keys go through one {@link
 * KeyTable} by dotted path ({@code environment.docker.enabled}), so values, errors and unknown keys
 * are handled as in the 2017 format. The blocks of Azure ML's cloud compute ({@code batchai},
 * {@code containerInstance}, {@code dataReferences}...) are kept quietly ({@link
 * RunConfiguration#cloudBlocks}).
 */
final class RunConfig2018File {
  private RunConfig2018File() {}

  /** The nested maps whose keys labrun reads; other maps are values. */
  private static final List<String> SECTIONS =
      List.of(
          "environment",
          "environment.python",
          "environment.docker",
          "environment.spark",
          "history",
          "spark",
          "hdi");

  private static final Set<String> CLOUD_BLOCKS = RunConfiguration.CLOUD_BLOCKS;

  private static final String TARGET = "target";
  private static final String DOCKER = "environment.docker.";
  private static final String SPARK = "environment.spark.";

  static final KeyTable<RunConfiguration> KEYS =
      new KeyTable<>(
          List.of(
              KeyTable.Key.of("script", Values::string, RunConfiguration::script),
              KeyTable.Key.of("arguments", Values::stringList, RunConfiguration::argumentVector),
              KeyTable.Key.of(TARGET, RunConfigFile::target, RunConfiguration::target),
              KeyTable.Key.<RunConfiguration>of(
                      "framework", RunConfigFile::framework, RunConfiguration::framework)
                  .writtenAs(f -> ((Framework) f).configName()),
              KeyTable.Key.of(
                  "prepareEnvironment", Values::bool, RunConfiguration::prepareEnvironment),
              KeyTable.Key.of(
                  "environment.environmentVariables",
                  Values::environmentMap,
                  RunConfiguration::environmentVariables),
              KeyTable.Key.of(
                  "environment.python.userManagedDependencies",
                  Values::bool,
                  RunConfiguration::userManagedDependencies),
              KeyTable.Key.of(
                  "environment.python.interpreterPath",
                  Values::string,
                  RunConfiguration::interpreterPath),
              KeyTable.Key.of(
                  "environment.python.condaDependenciesFile",
                  Values::string,
                  RunConfiguration::condaDependenciesFile),
              KeyTable.Key.of(DOCKER + "enabled", Values::bool, docker(DockerSection::enabled)),
              KeyTable.Key.of(
                  DOCKER + "baseImage", Values::string, docker(DockerSection::baseImage)),
              KeyTable.Key.of(
                  DOCKER + "sharedVolumes", Values::bool, docker(DockerSection::sharedVolumes)),
              KeyTable.Key.of(
                  DOCKER + "gpuSupport", Values::bool, docker(DockerSection::gpuSupport)),
              KeyTable.Key.of(
                  DOCKER + "baseImageRegistry",
                  RunConfig2018File::registry,
                  docker(DockerSection::baseImageRegistry)),
              KeyTable.Key.of(
                  SPARK + "repositories",
                  Values::stringList,
                  spark(SparkDependencies::repositories)),
              KeyTable.Key.<RunConfiguration>of(
                      SPARK + "packages",
                      RunConfig2018File::packages,
                      spark(SparkDependencies::packages))
                  .writtenAs(RunConfig2018File::plainPackages),
              KeyTable.Key.of("history.enabled", Values::bool, RunConfiguration::trackedRun),
              KeyTable.Key.of(
                  "spark.configuration",
                  Values::stringMap,
                  spark(SparkDependencies::configuration)),
              KeyTable.Key.of(
                  "hdi.yarnDeployMode",
                  RunConfig2018File::yarnDeployMode,
                  RunConfiguration::yarnDeployMode),
              // labrun's run policy, spelled as in the 2017 format
              RunConfigFile.KEYS.find("Timeout"),
              RunConfigFile.KEYS.find("Retries")),
          CLOUD_BLOCKS,
          Map.of());

  /** Whether {@code key} is a top-level key of this format (what tells the two formats apart). */
  static boolean isTopLevelKey(String key) {
    return CLOUD_BLOCKS.contains(key)
        || SECTIONS.contains(key)
        || KEYS.keys().stream()
            .anyMatch(
                k ->
                    !k.name().contains(".")
                        && !k.name().equals("Timeout")
                        && !k.name().equals("Retries")
                        && k.spelled(key));
  }

  static Loaded<RunConfiguration> read(String name, Values values, Node.Mapping root) {
    KeyTable.Reading r = KEYS.read(flatten(values, root), values, false);
    Map<String, Object> t = r.typed();
    if (t.get(TARGET) == null) {
      throw values.error(
          Position.FILE,
          "'target' is missing; name the compute target to run on, for example 'target: local'");
    }
    // The cloud blocks raise no warning here, where every run would repeat it: 'runconfiguration
    // show' says it once.
    List<String> warnings = new ArrayList<>(r.warnings());
    RunConfiguration config = config(name, r);
    DockerSection docker = config.docker();
    if (docker != null && docker.registryAddress() != null) {
      warnings.add(
          values.file()
              + ": 'environment.docker.baseImageRegistry' is not used: labrun pulls "
              + docker.baseImage()
              + " with the Docker engine's own login (run 'docker login "
              + docker.registryAddress()
              + "' once)");
    }
    return new Loaded<>(config, warnings);
  }

  @SuppressWarnings("unchecked")
  private static RunConfiguration config(String name, KeyTable.Reading r) {
    Map<String, Object> t = r.typed();
    DockerSection docker =
        any(t, DOCKER)
            ? new DockerSection(
                (Boolean) t.get(DOCKER + "enabled"),
                (String) t.get(DOCKER + "baseImage"),
                (Boolean) t.get(DOCKER + "sharedVolumes"),
                (Boolean) t.get(DOCKER + "gpuSupport"),
                (Map<String, Object>) t.get(DOCKER + "baseImageRegistry"))
            : null;
    SparkDependencies spark =
        any(t, SPARK) || t.get("spark.configuration") != null
            ? new SparkDependencies(
                (Map<String, String>) t.get("spark.configuration"),
                (List<String>) t.get(SPARK + "repositories"),
                (List<SparkDependencies.MavenPackage>) t.get(SPARK + "packages"))
            : null;
    return new RunConfiguration(
        name,
        null,
        (List<String>) t.get("arguments"),
        (String) t.get(TARGET),
        (Map<String, String>) t.get("environment.environmentVariables"),
        (Framework) t.get("framework"),
        (String) t.get("environment.python.condaDependenciesFile"),
        null,
        (Boolean) t.get("prepareEnvironment"),
        (Boolean) t.get("history.enabled"),
        r.otherKeys(),
        RunConfiguration.Form.YAML_2018,
        (Duration) t.get("Timeout"),
        (Integer) t.get("Retries"),
        (String) t.get("script"),
        (Boolean) t.get("environment.python.userManagedDependencies"),
        (String) t.get("environment.python.interpreterPath"),
        docker,
        spark,
        (String) t.get("hdi.yarnDeployMode"));
  }

  /**
   * The new text of the file after {@code changes} ({@code runconfiguration set|unset}), keys named
   * by dotted path ({@code environment.docker.enabled=true}); it reads cleanly, or an error is
   * thrown.
   */
  static String change(
      String name, SourceText existing, Values values, Node.Mapping root, KeyChanges changes) {
    Node.Mapping flat = flatten(values, root);
    KeyTable.Reading now =
        KeyChange.apply(
            KEYS, flat, values, KEYS.read(flat, values, true), changes, existing.label(), TARGET);
    if (now.typed().get(TARGET) == null) {
      throw LabrunException.badInput(
          existing.label() + " has no 'target'; set one, such as target=local");
    }
    String text = write(config(name, now), existing);
    KeyChange.check(existing, text, t -> RunConfigFile.read(name, t));
    return text;
  }

  /**
   * The new text of the file. An existing file in this format is edited in place: changed
   * single-line values where they are written ({@link ScalarEdits}), other changes by rewriting
   * only the top-level blocks that hold them; keys labrun does not know stay where they are, and an
   * unchanged configuration gives the file's text back byte for byte.
   */
  static String write(RunConfiguration config, SourceText existing) {
    return write(config, existing, true);
  }

  private static String write(
      RunConfiguration config, SourceText existing, boolean scalarsInPlace) {
    if (existing == null || existing.text().isBlank()) {
      Map<String, Object> tree = new LinkedHashMap<>();
      for (KeyTable.Key<RunConfiguration> key : KEYS.keys()) {
        Object now = key.get().apply(config);
        if (now != null) {
          Tree.set(tree, key.name(), key.toPlain().apply(now));
        }
      }
      config.otherKeys().forEach((k, v) -> Tree.set(tree, k, v));
      return YamlEmitter.document(
          Tree.entries(tree), existing == null ? "\n" : existing.lineEnding());
    }
    Values values = new Values(existing.label());
    Node.Mapping root =
        values.mapping(
            "a .runconfig file", TreeReader.read(existing, TreeReader.Syntax.YAML).orElseThrow());
    Node.Mapping flat = flatten(values, root);
    KeyTable.Reading old = KEYS.read(flat, values, true);
    Map<String, Object> tree = Tree.copy(root.toPlain());
    Map<Node.Entry, Object> leaves = new LinkedHashMap<>();
    for (KeyTable.Key<RunConfiguration> key : KEYS.keys()) {
      Object now = key.get().apply(config);
      if (old.unreadable().contains(key.name()) || !Tree.same(old.typed().get(key.name()), now)) {
        Object plain = now == null ? null : key.toPlain().apply(now);
        Tree.set(tree, key.name(), plain);
        flat.get(key.name()).ifPresent(e -> leaves.put(e, plain));
      }
    }
    for (Node.Entry e : flat.entries()) {
      if (KEYS.find(e.key()) == null && !config.otherKeys().containsKey(e.key())) {
        Tree.set(tree, e.key(), null);
      }
    }
    config.otherKeys().forEach((k, v) -> Tree.set(tree, k, v));
    // Changed scalars are changed where they are written; what else changed is done on that text by
    // blocks.
    Optional<String> inPlace =
        scalarsInPlace
            ? ScalarEdits.apply(existing, leaves).filter(text -> reads(existing.label(), text))
            : Optional.empty();
    if (inPlace.isPresent()) {
      return readsAs(existing.label(), inPlace.get(), tree)
          ? inPlace.get()
          : write(config, SourceText.of(existing.label(), inPlace.get()), false);
    }
    List<Edit> edits = new ArrayList<>();
    for (Node.Entry e : root.entries()) {
      Object now = tree.get(e.key());
      edits.add(
          !tree.containsKey(e.key())
              ? new Edit.Delete(e)
              : Tree.same(e.value().toPlain(), now) ? new Edit.Keep(e) : new Edit.Replace(e, now));
    }
    tree.forEach(
        (k, v) -> {
          if (root.get(k).isEmpty()) {
            edits.add(new Edit.Append(k, v));
          }
        });
    return YamlEditor.apply(existing, root, edits)
        .orElseGet(() -> YamlEmitter.document(Tree.entries(tree), existing.lineEnding()));
  }

  private static boolean readsAs(String label, String text, Map<String, Object> tree) {
    return TreeReader.read(SourceText.of(label, text), TreeReader.Syntax.YAML)
        .map(Node::toPlain)
        .filter(tree::equals)
        .isPresent();
  }

  /** Whether the text is still a readable map (an in-place change never leaves a broken file). */
  private static boolean reads(String label, String text) {
    try {
      return TreeReader.read(SourceText.of(label, text), TreeReader.Syntax.YAML)
          .filter(n -> n instanceof Node.Mapping)
          .isPresent();
    } catch (ConfigException e) {
      return false;
    }
  }

  /** The file's keys by dotted path: the keys of each known section in place of the section. */
  private static Node.Mapping flatten(Values values, Node.Mapping root) {
    List<Node.Entry> out = new ArrayList<>();
    flatten(values, root, "", out);
    return new Node.Mapping(List.copyOf(out), root.position());
  }

  private static void flatten(
      Values values, Node.Mapping map, String prefix, List<Node.Entry> out) {
    for (Node.Entry e : map.entries()) {
      String path = prefix + e.key();
      if (!SECTIONS.contains(path)) {
        out.add(new Node.Entry(path, e.keyPosition(), e.value()));
      } else if (!(e.value() instanceof Node.Scalar s && s.isNull())) {
        flatten(values, values.mapping("'" + path + "'", e.value()), path + ".", out);
      }
    }
  }

  private static boolean any(Map<String, Object> typed, String prefix) {
    return typed.entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith(prefix) && e.getValue() != null);
  }

  private static Function<RunConfiguration, Object> docker(Function<DockerSection, Object> part) {
    return c -> c.docker() == null ? null : part.apply(c.docker());
  }

  private static Function<RunConfiguration, Object> spark(
      Function<SparkDependencies, Object> part) {
    return c -> c.sparkDependencies() == null ? null : part.apply(c.sparkDependencies());
  }

  /** {@code address}, {@code username} and {@code password}, each text or not set. */
  private static Object registry(Values v, String key, Node node) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Node.Entry e : v.mapping("'" + key + "'", node).entries()) {
      out.put(e.key(), v.string(key + "." + e.key(), e.value()));
    }
    return out;
  }

  private static Object packages(Values v, String key, Node node) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return null;
    }
    List<SparkDependencies.MavenPackage> out = new ArrayList<>();
    SparkFile.packages(v, key, node, out, new ArrayList<>());
    return out;
  }

  private static Object plainPackages(Object packages) {
    return ((List<?>) packages)
        .stream()
            .map(p -> (SparkDependencies.MavenPackage) p)
            .map(p -> Tree.of("group", p.group(), "artifact", p.artifact(), "version", p.version()))
            .toList();
  }

  private static Object yarnDeployMode(Values v, String key, Node node) {
    String mode = v.string(key, node);
    if (mode != null && Stream.of("cluster", "client").noneMatch(mode.strip()::equalsIgnoreCase)) {
      throw v.error(
          node.position(), "'" + key + "' must be cluster or client, got " + node.describe());
    }
    return mode == null ? null : mode.strip();
  }
}
