package io.labrun.format;

import io.labrun.core.config.Loaded;
import io.labrun.core.config.SparkDependencies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code spark_dependencies.yml}: Spark properties ({@code configuration}), extra Maven
 * repositories and Maven packages given as {@code group}, {@code artifact}, {@code version}.
 */
final class SparkFile {
  private SparkFile() {}

  private static final List<String> KEYS =
      List.of("configuration", "repositories", "packages", "version");
  private static final List<String> PACKAGE_KEYS = List.of("group", "artifact", "version");

  static Loaded<SparkDependencies> read(SourceText source) {
    Values v = new Values(source.label());
    Node root = TreeReader.read(source, TreeReader.Syntax.YAML).orElse(null);
    if (root == null) {
      return Loaded.clean(SparkDependencies.empty());
    }
    Node.Mapping map = v.mapping("a Spark dependencies file", root);
    Map<String, String> configuration = null;
    List<String> repositories = null;
    List<SparkDependencies.MavenPackage> packages = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Node.Entry e : map.entries()) {
      switch (e.key()) {
        case "configuration" -> configuration = v.stringMap(e.key(), e.value());
        case "repositories" -> repositories = v.stringList(e.key(), e.value());
        case "packages" -> packages(v, e.key(), e.value(), packages, warnings);
        case "version" -> {} // the file format's version (the 2018 samples write 'version: 2'):
        // nothing to do with it
        default -> warnings.add(CondaFile.unknown(v, e, KEYS, Map.of()));
      }
    }
    return new Loaded<>(new SparkDependencies(configuration, repositories, packages), warnings);
  }

  /**
   * The Maven packages of {@code key} (a list of group, artifact, version maps) into {@code out}.
   */
  static void packages(
      Values v,
      String key,
      Node node,
      List<SparkDependencies.MavenPackage> out,
      List<String> warnings) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return;
    }
    if (!(node instanceof Node.Sequence seq)) {
      throw v.error(
          node.position(),
          "'"
              + key
              + "' must be a list of Maven packages (group, artifact, version), got "
              + node.describe());
    }
    int n = 0;
    for (Node item : seq.items()) {
      n++;
      String what = "'" + key + "' item " + n;
      if (!(item instanceof Node.Mapping m)) {
        throw v.error(
            item.position(),
            what + " must be a map with group, artifact and version, got " + item.describe());
      }
      String[] parts = new String[3];
      for (Node.Entry e : m.entries()) {
        int i = PACKAGE_KEYS.indexOf(e.key());
        if (i < 0) {
          String hint =
              KeySuggestion.nearest(e.key(), PACKAGE_KEYS)
                  .map(k -> " (did you mean '" + k + "'?)")
                  .orElse("");
          warnings.add(
              e.keyPosition().in(v.file())
                  + ": unknown key "
                  + Node.quoteKey(e.key())
                  + " in "
                  + what
                  + " ignored"
                  + hint);
          continue;
        }
        if (!(e.value() instanceof Node.Scalar s)) {
          throw v.error(
              e.value().position(),
              what
                  + " "
                  + Node.quoteKey(e.key())
                  + " must be a single value (text), got "
                  + e.value().describe());
        }
        parts[i] = s.text();
      }
      for (int i = 0; i < 3; i++) {
        if (parts[i] == null
            || parts[i].isBlank()
            || m.get(PACKAGE_KEYS.get(i))
                .map(e -> ((Node.Scalar) e.value()).isNull())
                .orElse(true)) {
          throw v.error(
              item.position(),
              what
                  + " is missing '"
                  + PACKAGE_KEYS.get(i)
                  + "' (a package needs group, artifact and version)");
        }
      }
      out.add(new SparkDependencies.MavenPackage(parts[0], parts[1], parts[2]));
    }
  }
}
