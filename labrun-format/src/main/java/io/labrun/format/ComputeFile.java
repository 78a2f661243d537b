package io.labrun.format;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.KeyChanges;
import io.labrun.core.config.Loaded;
import io.labrun.core.config.MemorySize;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.TargetKey;
import io.labrun.core.launch.TargetTypes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code aml_config/<name>.compute} file: flat YAML, one key per setting of a compute target. A
 * legacy cluster file says {@code cluster: True} (and {@code native: True}) instead of a type.
 */
final class ComputeFile {
  private ComputeFile() {}

  private static final String TYPE = "type";
  private static final String LEGACY_CLUSTER = "cluster";
  private static final String MEMORY_LIMIT = "memoryLimit";

  static final KeyTable<ComputeTargetSpec> KEYS =
      new KeyTable<>(
          List.of(
              KeyTable.Key.<ComputeTargetSpec>of(TYPE, ComputeFile::type, ComputeTargetSpec::type)
                  .writtenAs(t -> ((TargetType) t).configName()),
              KeyTable.Key.of(
                  "baseDockerImage", Values::string, ComputeTargetSpec::baseDockerImage),
              KeyTable.Key.of("address", Values::string, ComputeTargetSpec::address),
              KeyTable.Key.of(
                  "port", (v, k, n) -> v.integer(k, n, 1, 65535), ComputeTargetSpec::port),
              KeyTable.Key.of("username", Values::string, ComputeTargetSpec::username),
              KeyTable.Key.of("password", Values::string, ComputeTargetSpec::password),
              KeyTable.Key.of("sshKeyFile", Values::string, ComputeTargetSpec::sshKeyFile),
              KeyTable.Key.of(
                  "hostKeyFingerprint", Values::string, ComputeTargetSpec::hostKeyFingerprint),
              KeyTable.Key.of("sharedVolumes", Values::bool, ComputeTargetSpec::sharedVolumes),
              KeyTable.Key.of("nvidiaDocker", Values::bool, ComputeTargetSpec::nvidiaDocker),
              KeyTable.Key.of(
                  "nativeSharedDirectory",
                  Values::string,
                  ComputeTargetSpec::nativeSharedDirectory),
              KeyTable.Key.of(
                  "userManagedEnvironment",
                  Values::bool,
                  ComputeTargetSpec::userManagedEnvironment),
              KeyTable.Key.of("pythonLocation", Values::string, ComputeTargetSpec::pythonLocation),
              KeyTable.Key.of(
                  "sparkSubmitLocation", Values::string, ComputeTargetSpec::sparkSubmitLocation),
              KeyTable.Key.of("sparkMaster", Values::string, ComputeTargetSpec::sparkMaster)),
          Set.of(),
          Map.of(),
          checkedKeys());

  /**
   * Keys kept with the other keys and checked when the file is read, as every key is: the Docker
   * target's memoryLimit, the local target's labrunLocalVenv, the legacy flags (written back as
   * they were), and what other target modules declare.
   */
  private static Map<String, KeyTable.Reader> checkedKeys() {
    Map<String, KeyTable.Reader> keys = new HashMap<>();
    for (TargetKey k : TargetTypes.installed().keys()) {
      keys.put(
          k.name(),
          switch (k.kind()) {
            case TEXT -> (v, key, n) -> checked(k, v, n, v.string(key, n));
            case BOOLEAN -> ComputeFile::plainBoolean;
            case INTEGER -> (v, key, n) -> v.integer(key, n, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case COUNT -> (v, key, n) -> v.integer(key, n, 1, Integer.MAX_VALUE);
            case TEXT_LIST -> (v, key, n) -> checkedList(k, v, n);
          });
    }
    keys.putAll(
        Map.of(
            MEMORY_LIMIT,
            ComputeFile::memoryLimit,
            LEGACY_CLUSTER,
            Values::bool,
            "native",
            Values::bool,
            ComputeTargetSpec.LOCAL_VENV,
            ComputeFile::plainBoolean));
    return Map.copyOf(keys);
  }

  /**
   * A module's text value, as its key's check allows (the problem it names, at the value's
   * position).
   */
  private static String checked(TargetKey k, Values v, Node node, String text) {
    if (text != null) {
      k.check()
          .apply(text)
          .ifPresent(
              problem -> {
                throw v.error(node.position(), problem);
              });
    }
    return text;
  }

  private static List<String> checkedList(TargetKey k, Values v, Node node) {
    List<String> items = v.stringList(k.name(), node);
    if (items != null && node instanceof Node.Sequence seq) {
      for (int i = 0; i < items.size(); i++) {
        checked(k, v, seq.items().get(i), items.get(i));
      }
    }
    return items;
  }

  private static Object memoryLimit(Values v, String key, Node node) {
    String text = v.string(key, node);
    if (text != null && MemorySize.parse(text).isEmpty()) {
      throw v.error(
          node.position(),
          "'" + key + "' must be " + MemorySize.ALLOWED + ", got " + node.describe());
    }
    return text;
  }

  /**
   * labrun's own opt-in takes a plain true or false, so that a quoted or misspelt value cannot pass
   * for one.
   */
  private static Object plainBoolean(Values v, String key, Node node) {
    if (!(node instanceof Node.Scalar s && s.value() instanceof Boolean b)) {
      throw v.error(node.position(), "'" + key + "' must be true or false, got " + node.describe());
    }
    return b;
  }

  private static Object type(Values v, String key, Node node) {
    if (node instanceof Node.Scalar s && s.kind() == Node.Kind.STRING) {
      Optional<TargetType> t = TargetTypes.installed().parse(s.text());
      if (t.isPresent()) {
        return t.get();
      }
    }
    throw v.error(
        node.position(),
        "'"
            + key
            + "' must be one of "
            + TargetTypes.installed().allSpellings()
            + ", got "
            + node.describe());
  }

  static Loaded<ComputeTargetSpec> read(String name, SourceText source) {
    Values values = new Values(source.label());
    Node.Mapping root =
        TreeReader.read(source, TreeReader.Syntax.YAML)
            .map(n -> values.mapping("a .compute file", n))
            .orElse(null);
    KeyTable.Reading r = reading(root, values, false);
    if (r.typed().get(TYPE) == null) {
      throw values.error(
          Position.FILE,
          "'type' is missing; add a line such as 'type: local' (one of "
              + TargetTypes.installed().allSpellings()
              + ")");
    }
    return new Loaded<>(spec(name, r), r.warnings());
  }

  /** Reads the keys; a legacy file without 'type' but with 'cluster: True' is a cluster target. */
  static KeyTable.Reading reading(Node.Mapping root, Values values, boolean lenient) {
    KeyTable.Reading r = KEYS.read(root, values, lenient);
    if (!r.typed().containsKey(TYPE)
        && !r.unreadable().contains(TYPE)
        && Boolean.TRUE.equals(r.otherKeys().get(LEGACY_CLUSTER))) {
      r.typed().put(TYPE, TargetType.CLUSTER);
    }
    return r;
  }

  private static ComputeTargetSpec spec(String name, KeyTable.Reading r) {
    Map<String, Object> t = r.typed();
    return new ComputeTargetSpec(
        name,
        (TargetType) t.get(TYPE),
        (String) t.get("baseDockerImage"),
        (String) t.get("address"),
        (Integer) t.get("port"),
        (String) t.get("username"),
        (String) t.get("password"),
        (String) t.get("sshKeyFile"),
        (String) t.get("hostKeyFingerprint"),
        (Boolean) t.get("sharedVolumes"),
        (Boolean) t.get("nvidiaDocker"),
        (String) t.get("nativeSharedDirectory"),
        (Boolean) t.get("userManagedEnvironment"),
        (String) t.get("pythonLocation"),
        (String) t.get("sparkSubmitLocation"),
        (String) t.get("sparkMaster"),
        r.otherKeys());
  }

  /**
   * The new text of the file after {@code changes}; it reads cleanly, or nothing is returned but an
   * error.
   */
  static String change(String name, SourceText existing, KeyChanges changes) {
    Values values = new Values(existing.label());
    Node.Mapping root =
        TreeReader.read(existing, TreeReader.Syntax.YAML)
            .map(n -> values.mapping("a .compute file", n))
            .orElse(null);
    KeyTable.Reading now =
        KeyChange.apply(
            KEYS, root, values, reading(root, values, true), changes, existing.label(), TYPE);
    if (now.typed().get(TYPE) == null) {
      throw LabrunException.badInput(
          existing.label() + " has no 'type'; set one, such as type=local");
    }
    String text = write(spec(name, now), existing);
    KeyChange.check(existing, text, t -> read(name, t));
    return text;
  }

  /** The new text of the file: {@code existing} edited in place, or a new file when it is null. */
  static String write(ComputeTargetSpec spec, SourceText existing) {
    if (existing == null) {
      return YamlEmitter.document(Edit.fresh(KEYS, spec, spec.otherKeys(), false), "\n");
    }
    Values values = new Values(existing.label());
    Node.Mapping root =
        TreeReader.read(existing, TreeReader.Syntax.YAML)
            .map(n -> values.mapping("a .compute file", n))
            .orElse(null);
    List<Edit> edits =
        Edit.plan(KEYS, root, reading(root, values, true), spec, spec.otherKeys(), false);
    return YamlEditor.apply(existing, root, edits)
        .orElseGet(
            () ->
                YamlEmitter.document(
                    Edit.fresh(KEYS, spec, spec.otherKeys(), false), existing.lineEnding()));
  }
}
