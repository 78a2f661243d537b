package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.error.LabrunException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The kinds of compute target this labrun knows: the original's, and each one a target module on
 * the class path declares through its {@link ComputeTargetProvider}. Found once per process.
 */
public final class TargetTypes {
  private static final TargetTypes INSTALLED = load();

  private final List<TargetType> types;
  private final Map<String, ComputeTargetProvider> providers;

  private TargetTypes(List<TargetType> types, Map<String, ComputeTargetProvider> providers) {
    this.types = List.copyOf(types);
    this.providers = Map.copyOf(providers);
  }

  /** The providers on this class path. */
  public static TargetTypes installed() {
    return INSTALLED;
  }

  /** Exactly these providers (an assembly or a test that chooses its targets itself). */
  public static TargetTypes of(List<ComputeTargetProvider> providers) {
    List<TargetType> types = new ArrayList<>(TargetType.ORIGINAL);
    Map<String, ComputeTargetProvider> byName = new LinkedHashMap<>();
    for (ComputeTargetProvider p : providers) {
      for (TargetType t : p.types()) {
        if (!types.contains(t)) {
          types.add(t);
        }
        byName.putIfAbsent(t.configName(), p);
      }
    }
    return new TargetTypes(types, byName);
  }

  private static TargetTypes load() {
    List<ComputeTargetProvider> found = new ArrayList<>();
    ServiceLoader.load(ComputeTargetProvider.class, ComputeTargetProvider.class.getClassLoader())
        .forEach(found::add);
    return of(found);
  }

  /** The type {@code text} spells (trimmed, any case): the same instance for the same type. */
  public Optional<TargetType> parse(String text) {
    return types.stream().filter(t -> t.isSpelled(text)).findFirst();
  }

  /** Every accepted spelling, for a message listing them. */
  public String allSpellings() {
    return String.join(", ", types.stream().flatMap(t -> t.spellings().stream()).toList());
  }

  /** Every kind known, the original's first. */
  public List<TargetType> all() {
    return types;
  }

  /** The module that serves {@code kind}, if it is on the class path. */
  public Optional<ComputeTargetProvider> provider(TargetType kind) {
    return Optional.ofNullable(providers.get(kind.configName()));
  }

  /** Every module on the class path, once each, in the order of the kinds they serve. */
  public List<ComputeTargetProvider> providers() {
    return types.stream()
        .map(t -> providers.get(t.configName()))
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  /** How runs of {@code c} on {@code spec} get their Python, as the module of its kind says. */
  public EnvironmentUse environment(ComputeTargetSpec spec, RunConfiguration c) {
    return provider(spec.type())
        .map(p -> p.environment(spec, c))
        .orElseGet(() -> EnvironmentUse.byDefault(spec.type(), c));
  }

  /** The kinds whose modules read the {@code .compute} key {@code name}, in the order known. */
  public List<TargetType> kindsReading(String name) {
    return types.stream()
        .filter(
            t ->
                provider(t).stream()
                    .flatMap(p -> p.keys().stream())
                    .anyMatch(k -> k.name().equals(name)))
        .toList();
  }

  /** The keys target modules declare for their {@code .compute} files. */
  public List<TargetKey> keys() {
    return providers.values().stream()
        .distinct()
        .flatMap(p -> p.keys().stream())
        .distinct()
        .toList();
  }

  /** The targets of the assembly {@code context}, each made by the provider of its type. */
  public ComputeTargets targets(TargetContext context) {
    return spec -> create(spec.type(), spec, context);
  }

  /**
   * The target the provider of {@code kind} makes for {@code spec}, whatever the spec's own type.
   */
  public ComputeTarget create(TargetType kind, ComputeTargetSpec spec, TargetContext context) {
    return provider(kind, spec).create(spec, context);
  }

  private ComputeTargetProvider provider(TargetType kind, ComputeTargetSpec spec) {
    ComputeTargetProvider p = providers.get(kind.configName());
    if (p == null) {
      String what =
          kind.equals(spec.type())
              ? "is of type " + kind.configName()
              : "runs through a " + kind.configName() + " target";
      throw LabrunException.badInput(
          "compute target '"
              + spec.name()
              + "' "
              + what
              + ", which this labrun cannot run yet; use a local, docker or cluster target");
    }
    return p;
  }
}
