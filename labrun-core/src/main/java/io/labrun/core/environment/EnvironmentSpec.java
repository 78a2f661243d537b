package io.labrun.core.environment;

import io.labrun.core.config.CondaDependencies;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What an environment is made of, normalized so that equal environments have equal ids: the base (a
 * Docker image by id or digest, or a local interpreter), the Python version, the conda channels (in
 * order: it is a priority), the conda and pip specs (sorted, deduplicated, whitespace and case
 * normalized; comments never reach here), the content of local packages and the pip options. The id
 * is the SHA-256 of {@link #canonicalText()}; a built environment is found by it.
 */
public record EnvironmentSpec(
    String base,
    String python,
    List<String> channels,
    List<String> condaPackages,
    List<String> pipPackages,
    List<LocalPackage> localPackages,
    Map<String, String> pipOptions) {

  /** Bumped when the way environments are built changes, so old builds are not reused. */
  public static final String RECIPE = "labrun-environment 2";

  /** The variables that change what pip installs, taken from the run's or labrun's environment. */
  public static final List<String> PIP_VARIABLES =
      List.of(
          "PIP_INDEX_URL",
          "PIP_EXTRA_INDEX_URL",
          "PIP_FIND_LINKS",
          "PIP_NO_INDEX",
          "PIP_TRUSTED_HOST",
          "PIP_PRE");

  public EnvironmentSpec {
    channels = List.copyOf(channels);
    condaPackages = List.copyOf(condaPackages);
    pipPackages = List.copyOf(pipPackages);
    localPackages =
        localPackages.stream().sorted(Comparator.comparing(LocalPackage::contextPath)).toList();
    pipOptions = Collections.unmodifiableMap(new TreeMap<>(pipOptions));
  }

  /**
   * The spec of a conda file on a base. {@code variables} are looked up in order (the run
   * configuration's first, then labrun's own) for {@link #PIP_VARIABLES}.
   */
  public static EnvironmentSpec of(
      String base, CondaDependencies conda, Path projectRoot, List<Map<String, String>> variables) {
    Set<String> condaSpecs = new TreeSet<>();
    conda.condaPackages().stream()
        .map(PipRequirements::normalizeCondaSpec)
        .filter(s -> !s.isEmpty())
        .forEach(condaSpecs::add);
    Set<String> pipSpecs = new TreeSet<>();
    List<LocalPackage> local = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (String entry : conda.pipPackages()) {
      if (entry.isBlank()) {
        continue;
      }
      if (LocalPackage.isPath(entry)) {
        local.add(localPackage(entry, projectRoot, seen));
      } else {
        pipSpecs.add(PipRequirements.normalizePipSpec(entry));
      }
    }
    Map<String, String> options = new TreeMap<>();
    for (String name : PIP_VARIABLES) {
      for (Map<String, String> vars : variables) {
        String v = vars.get(name);
        if (v != null && !v.isBlank()) {
          options.put(name, v.trim());
          break;
        }
      }
    }
    String python =
        condaSpecs.stream()
            .filter(c -> c.startsWith("python=") || c.startsWith("python "))
            .map(c -> c.substring(6).replaceFirst("^=+", "").replaceFirst("=.*$", "").trim())
            .findFirst()
            .orElse(null);
    return new EnvironmentSpec(
        base,
        python,
        conda.channels().stream().map(String::trim).toList(),
        List.copyOf(condaSpecs),
        List.copyOf(pipSpecs),
        local,
        options);
  }

  private static LocalPackage localPackage(String entry, Path projectRoot, Set<String> seen) {
    Path p = projectRoot.resolve(entry.trim()).normalize();
    if (!Files.exists(p)) {
      throw LabrunException.badInput(
          "the pip: entry '"
              + entry.trim()
              + "' of the conda dependencies names no file or folder in the project ("
              + p
              + "); fix the path, relative to "
              + projectRoot);
    }
    try {
      LocalPackage pkg = LocalPackage.of(entry, projectRoot);
      if (!seen.add(pkg.contextPath())) {
        throw LabrunException.badInput(
            "two pip: entries of the conda dependencies have the name "
                + p.getFileName()
                + "; rename one");
      }
      return pkg;
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "cannot read " + p + " (pip: entry '" + entry.trim() + "'): " + e.getMessage(),
          e);
    }
  }

  /**
   * The pip requirements a venv build installs: the pip list, the local packages (at the path
   * {@code where} gives), then the conda specs as pip requirements.
   */
  public List<String> pipInstallList(Function<LocalPackage, String> where) {
    List<String> all = new ArrayList<>(pipPackages);
    localPackages.forEach(p -> all.add(where.apply(p)));
    condaPackages.stream()
        .map(PipRequirements::fromConda)
        .flatMap(Optional::stream)
        .forEach(all::add);
    return all;
  }

  /** The text the id is the hash of: one fact per line, in a fixed order. */
  public String canonicalText() {
    StringBuilder b = new StringBuilder(RECIPE).append('\n');
    b.append("base: ").append(base).append('\n');
    b.append("python: ").append(python == null ? "" : python).append('\n');
    channels.forEach(c -> b.append("channel: ").append(c).append('\n'));
    condaPackages.forEach(c -> b.append("conda: ").append(c).append('\n'));
    pipPackages.forEach(p -> b.append("pip: ").append(p).append('\n'));
    localPackages.forEach(
        p ->
            b.append("pip-local: ")
                .append(p.contextPath())
                .append(" sha256=")
                .append(p.sha256())
                .append('\n'));
    pipOptions.forEach(
        (k, v) -> b.append("pip-option: ").append(k).append('=').append(v).append('\n'));
    return b.toString();
  }

  /** The full SHA-256 of the canonical text, hex. */
  public String hash() {
    return HexFormat.of()
        .formatHex(
            LocalPackage.newDigest().digest(canonicalText().getBytes(StandardCharsets.UTF_8)));
  }

  /** The short id users see and image tags carry: the first 16 hex digits of the hash. */
  public String id() {
    return hash().substring(0, 16);
  }
}
