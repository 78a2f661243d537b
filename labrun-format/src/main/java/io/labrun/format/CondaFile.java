package io.labrun.format;

import io.labrun.core.config.CondaDependencies;
import io.labrun.core.config.Loaded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A conda environment file ({@code conda_dependencies.yml}): {@code name}, {@code channels} and
 * {@code dependencies}, a list of conda specs with at most one nested {@code pip:} list.
 */
final class CondaFile {
  private CondaFile() {}

  private static final List<String> KEYS = List.of("name", "channels", "dependencies");

  /** Standard conda keys that labrun does not act on. */
  private static final Map<String, String> UNUSED =
      Map.of(
          "prefix",
          "is not used by labrun (it builds the environment where it needs it)",
          "variables",
          "is not used by labrun; set run variables in the run configuration's"
              + " EnvironmentVariables");

  static Loaded<CondaDependencies> read(SourceText source) {
    Values v = new Values(source.label());
    Node root = TreeReader.read(source, TreeReader.Syntax.YAML).orElse(null);
    if (root == null) {
      return Loaded.clean(CondaDependencies.empty());
    }
    Node.Mapping map = v.mapping("a conda dependencies file", root);
    String name = null;
    List<String> channels = null;
    List<String> conda = new ArrayList<>();
    List<String> pip = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Node.Entry e : map.entries()) {
      switch (e.key()) {
        case "name" -> name = v.string(e.key(), e.value());
        case "channels" -> channels = v.stringList(e.key(), e.value());
        case "dependencies" -> dependencies(v, e.value(), conda, pip);
        default -> warnings.add(unknown(v, e, KEYS, UNUSED));
      }
    }
    return new Loaded<>(new CondaDependencies(name, channels, conda, pip), warnings);
  }

  private static void dependencies(Values v, Node node, List<String> conda, List<String> pip) {
    if (node instanceof Node.Scalar s && s.isNull()) {
      return;
    }
    if (!(node instanceof Node.Sequence seq)) {
      throw v.error(
          node.position(),
          "'dependencies' must be a list of conda packages, got " + node.describe());
    }
    Position firstPip = null;
    int n = 0;
    for (Node item : seq.items()) {
      n++;
      if (item instanceof Node.Scalar s && !s.isNull()) {
        conda.add(s.text());
        continue;
      }
      Node.Entry pipEntry =
          item instanceof Node.Mapping m && m.entries().size() == 1
              ? m.get("pip").orElse(null)
              : null;
      if (pipEntry == null) {
        throw v.error(
            item.position(),
            "'dependencies' item "
                + n
                + " must be a conda package or a 'pip:' list, got "
                + item.describe());
      }
      if (firstPip != null) {
        throw v.error(
            item.position(),
            "'dependencies' has a second 'pip:' list (the first is at line "
                + firstPip.line()
                + "); merge them into one");
      }
      firstPip = item.position();
      List<String> packages = v.stringList("pip", pipEntry.value());
      if (packages != null) {
        pip.addAll(packages);
      }
    }
  }

  /** The warning for a key labrun does not know, with the nearest known key when one is close. */
  static String unknown(Values v, Node.Entry e, List<String> known, Map<String, String> unused) {
    String at = e.keyPosition().in(v.file()) + ": ";
    if (unused.containsKey(e.key())) {
      return at + Node.quoteKey(e.key()) + " " + unused.get(e.key());
    }
    String hint =
        KeySuggestion.nearest(e.key(), known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    return at + "unknown key " + Node.quoteKey(e.key()) + " ignored" + hint;
  }
}
