package io.labrun.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code environment.docker} block of a 2018 run configuration: whether the run goes into a
 * container, from which base image, with the project mounted ({@code sharedVolumes}) and GPUs
 * ({@code gpuSupport}). The 2017 format said this in the {@code .compute} file instead; see {@link
 * RunConfiguration#effectiveTarget}. {@code baseImageRegistry} ({@code address}, {@code username},
 * {@code password}) is kept as written: labrun pulls with the Docker engine's own login.
 */
public record DockerSection(
    Boolean enabled,
    String baseImage,
    Boolean sharedVolumes,
    Boolean gpuSupport,
    Map<String, Object> baseImageRegistry) {
  public DockerSection {
    baseImageRegistry =
        baseImageRegistry == null
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(baseImageRegistry));
  }

  public boolean isEnabled() {
    return Boolean.TRUE.equals(enabled);
  }

  /** The registry address, when the file names one. */
  public String registryAddress() {
    Object a = baseImageRegistry == null ? null : baseImageRegistry.get("address");
    return a == null || a.toString().isBlank() ? null : a.toString();
  }
}
