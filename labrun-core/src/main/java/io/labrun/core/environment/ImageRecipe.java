package io.labrun.core.environment;

import io.labrun.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The build folder of an environment image: a Dockerfile {@code FROM} the base image by id, and a
 * {@code labrun-build/} folder with a shell script that picks the strategy inside the image: a
 * conda environment from {@code environment.yml} when the image has micromamba, mamba or conda,
 * else a venv made by {@code labrun_env.py} with pip. Either way the environment is at {@link
 * #PREFIX}, so runs find its interpreter at {@link #PYTHON}.
 *
 * @param texts generated files, by path in the build folder
 * @param copies files and folders of this machine to copy in, by path in the build folder
 */
public record ImageRecipe(Map<String, String> texts, Map<String, Path> copies) {
  public static final String PREFIX = "/opt/labrun/env";
  public static final String PYTHON = PREFIX + "/bin/python";
  static final String DIR = "labrun-build";
  static final String IN_IMAGE = "/" + DIR;

  /**
   * The recipe for {@code spec} on the base image {@code baseImageId}; {@code envScript} is
   * labrun's {@code labrun_env.py}.
   */
  public static ImageRecipe of(EnvironmentSpec spec, String baseImageId, Path envScript) {
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, Path> copies = new LinkedHashMap<>();
    Map<String, String> pipOptions = new LinkedHashMap<>(spec.pipOptions());
    findLinksFolder(pipOptions)
        .ifPresent(
            dir -> {
              copies.put(DIR + "/find-links", dir);
              pipOptions.put("PIP_FIND_LINKS", IN_IMAGE + "/find-links");
            });
    spec.localPackages().forEach(p -> copies.put(DIR + "/" + p.contextPath(), p.source()));
    copies.put(DIR + "/labrun_env.py", envScript);
    texts.put("Dockerfile", dockerfile(spec, baseImageId));
    texts.put(DIR + "/build.sh", buildScript(spec, pipOptions));
    texts.put(DIR + "/environment.yml", environmentYaml(spec));
    texts.put(DIR + "/env.json", venvSpec(spec));
    return new ImageRecipe(texts, copies);
  }

  /**
   * What {@code labrun_env.py} reads: the prefix, the Python pin, the requirements and their conda
   * origin.
   */
  public static String venvSpec(EnvironmentSpec spec, String prefix, List<String> requirements) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("prefix", prefix);
    m.put("python", spec.python());
    m.put("requirements", requirements);
    Map<String, Object> conda = new LinkedHashMap<>();
    for (String c : spec.condaPackages()) {
      PipRequirements.fromConda(c)
          .ifPresent(pip -> conda.put(PipRequirements.condaName(c).replace('_', '-'), c));
    }
    m.put("conda", conda);
    return Json.write(m);
  }

  private static String venvSpec(EnvironmentSpec spec) {
    return venvSpec(spec, PREFIX, spec.pipInstallList(p -> IN_IMAGE + "/" + p.contextPath()));
  }

  private static Optional<Path> findLinksFolder(Map<String, String> pipOptions) {
    String links = pipOptions.get("PIP_FIND_LINKS");
    if (links == null || links.contains("://") || links.contains(" ")) {
      return Optional.empty();
    }
    Path dir = Path.of(links);
    return dir.isAbsolute() && Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  static String dockerfile(EnvironmentSpec spec, String baseImageId) {
    return "# labrun environment "
        + spec.id()
        + " ("
        + EnvironmentSpec.RECIPE
        + ")\n"
        + "FROM "
        + baseImageId
        + "\n"
        + "COPY "
        + DIR
        + " "
        + IN_IMAGE
        + "\n"
        + "RUN [\"/bin/sh\", \""
        + IN_IMAGE
        + "/build.sh\"]\n"
        // $PATH: the base image's own (e.g. a Spark image's spark-submit stays found)
        + "ENV PATH="
        + PREFIX
        + "/bin:$PATH\n";
  }

  static String buildScript(EnvironmentSpec spec, Map<String, String> pipOptions) {
    StringBuilder b =
        new StringBuilder(
            "#!/bin/sh\n# Made by labrun: builds environment "
                + spec.id()
                + " in "
                + PREFIX
                + ".\nset -e\n");
    pipOptions.forEach(
        (k, v) -> b.append("export ").append(k).append('=').append(shellQuote(v)).append('\n'));
    b.append(
        """
        mkdir -p /labrun/lib /labrun/state /labrun/work
        for tool in micromamba mamba conda; do
          if command -v "$tool" >/dev/null 2>&1; then
            echo "labrun: creating the conda environment with $tool"
            if [ "$tool" = micromamba ]; then
              micromamba create -y -p %1$s -f %2$s/environment.yml
            else
              "$tool" env create -q -p %1$s -f %2$s/environment.yml
            fi
            if [ ! -x %1$s/bin/python ]; then
              echo "LABRUN-ERROR: the conda environment has no Python: add python to the conda dependencies"
              exit 3
            fi
            rm -rf %2$s
            exit 0
          fi
        done
        if ! command -v python3 >/dev/null 2>&1; then
          echo "LABRUN-ERROR: the base image has neither conda (micromamba, mamba or conda) nor python3; use an image with one of them as baseDockerImage"
          exit 3
        fi
        python3 %2$s/labrun_env.py %2$s/env.json
        rm -rf %2$s
        """
            .formatted(PREFIX, IN_IMAGE));
    return b.toString();
  }

  static String environmentYaml(EnvironmentSpec spec) {
    return environmentYaml(spec, p -> IN_IMAGE + "/" + p.contextPath());
  }

  /**
   * The conda environment file of {@code spec}, local packages named by {@code where} they are at
   * build time.
   */
  public static String environmentYaml(EnvironmentSpec spec, Function<LocalPackage, String> where) {
    StringBuilder b = new StringBuilder("name: labrun-" + spec.id() + "\n");
    if (!spec.channels().isEmpty()) {
      b.append("channels:\n");
      spec.channels().forEach(c -> b.append("  - ").append(yamlQuote(c)).append('\n'));
    }
    b.append("dependencies:\n");
    List<String> conda = new ArrayList<>(spec.condaPackages());
    List<String> pip =
        spec.pipInstallList(where)
            .subList(0, spec.pipPackages().size() + spec.localPackages().size());
    if (!pip.isEmpty()
        && conda.stream().noneMatch(c -> PipRequirements.condaName(c).equals("pip"))) {
      conda.add("pip");
    }
    conda.forEach(c -> b.append("  - ").append(yamlQuote(c)).append('\n'));
    if (!pip.isEmpty()) {
      b.append("  - pip:\n");
      pip.forEach(p -> b.append("    - ").append(yamlQuote(p)).append('\n'));
    }
    return b.toString();
  }

  private static String yamlQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** The bytes of a generated file. */
  public byte[] bytes(String path) {
    return texts.get(path).getBytes(StandardCharsets.UTF_8);
  }
}
