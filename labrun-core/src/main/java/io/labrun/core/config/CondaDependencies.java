package io.labrun.core.config;

import java.util.List;
import java.util.Optional;

/**
 * A conda environment file ({@code conda_dependencies.yml}): its name, channels, conda package
 * specs (such as {@code python=3.5.2}, {@code scikit-learn}) and the nested {@code pip:} list
 * (package specs, wheel URLs or project-relative wheel paths).
 */
public record CondaDependencies(
    String name, List<String> channels, List<String> condaPackages, List<String> pipPackages) {
  public CondaDependencies {
    channels = channels == null ? List.of() : List.copyOf(channels);
    condaPackages = condaPackages == null ? List.of() : List.copyOf(condaPackages);
    pipPackages = pipPackages == null ? List.of() : List.copyOf(pipPackages);
  }

  public static CondaDependencies empty() {
    return new CondaDependencies(null, List.of(), List.of(), List.of());
  }

  /** The Python version pinned by a {@code python=X.Y} spec, if any. */
  public Optional<String> pythonVersion() {
    return condaPackages.stream()
        .map(String::trim)
        .filter(s -> s.startsWith("python=") || s.startsWith("python=="))
        .map(s -> s.substring(s.lastIndexOf('=') + 1).trim())
        .findFirst();
  }
}
