package io.labrun.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code spark_dependencies.yml}: Spark properties (passed as {@code --conf k=v}), extra Maven
 * repositories ({@code --repositories}) and Maven packages ({@code --packages g:a:v}).
 */
public record SparkDependencies(
    Map<String, String> configuration, List<String> repositories, List<MavenPackage> packages) {

  /** A Maven coordinate from the {@code packages} list. */
  public record MavenPackage(String group, String artifact, String version) {
    public String coordinate() {
      return group + ":" + artifact + ":" + version;
    }
  }

  public SparkDependencies {
    configuration =
        configuration == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    packages = packages == null ? List.of() : List.copyOf(packages);
  }

  public static SparkDependencies empty() {
    return new SparkDependencies(Map.of(), List.of(), List.of());
  }

  /** The {@code spark-submit} options these dependencies stand for, in a stable order. */
  /**
   * {@code --master MASTER} when a master is given (else spark-submit's own default), then {@link
   * #sparkSubmitArguments()}.
   */
  public List<String> sparkSubmitArguments(String master) {
    List<String> args = new ArrayList<>();
    if (master != null && !master.isBlank()) {
      args.add("--master");
      args.add(master);
    }
    args.addAll(sparkSubmitArguments());
    return args;
  }

  public List<String> sparkSubmitArguments() {
    List<String> args = new ArrayList<>();
    configuration.forEach(
        (k, v) -> {
          args.add("--conf");
          args.add(k + "=" + v);
        });
    if (!repositories.isEmpty()) {
      args.add("--repositories");
      args.add(String.join(",", repositories));
    }
    if (!packages.isEmpty()) {
      args.add("--packages");
      args.add(String.join(",", packages.stream().map(MavenPackage::coordinate).toList()));
    }
    return args;
  }
}
