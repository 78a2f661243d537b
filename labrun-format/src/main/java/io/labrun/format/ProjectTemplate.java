package io.labrun.format;

import io.labrun.core.error.LabrunException;
import io.labrun.core.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code aml_config/} files of a new project, as {@code labrun project init} writes them: a
 * {@code local} and a {@code docker} compute target with a run configuration each, and the conda
 * and Spark dependency files, every one with comments that explain its keys. Files that already
 * exist are never overwritten.
 */
public final class ProjectTemplate {
  private ProjectTemplate() {}

  /** The files written and the files kept as they were, by name inside {@code aml_config/}. */
  public record Result(List<String> created, List<String> kept) {
    public Result {
      created = List.copyOf(created);
      kept = List.copyOf(kept);
    }
  }

  /** Creates {@code aml_config/} in the project folder and every template file it lacks. */
  public static Result create(Project project) {
    Path dir = project.configDir();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw LabrunException.badInput("cannot create " + dir + ": " + AtomicFiles.reason(e));
    }
    List<String> created = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    files(project.name())
        .forEach(
            (name, text) -> {
              Path file = dir.resolve(name);
              if (Files.exists(file)) {
                kept.add(name);
              } else {
                AtomicFiles.write(file, text, Project.CONFIG_DIR + "/" + name);
                created.add(name);
              }
            });
    return new Result(created, kept);
  }

  /** The template files by name, in the order they are written. */
  static Map<String, String> files(String projectName) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("local.compute", LOCAL_COMPUTE);
    files.put(
        "local.runconfig",
        runconfig(
            "local",
            "local",
            false,
            "# Runs on this machine, in the Python interpreter named in local.compute.\n"));
    files.put("docker.compute", DOCKER_COMPUTE);
    files.put(
        "docker.runconfig",
        runconfig(
            "docker",
            "docker",
            true,
            "# Runs in a Docker container built from docker.compute's image and"
                + " conda_dependencies.yml.\n"));
    files.put("conda_dependencies.yml", CONDA);
    files.put(
        "spark_dependencies.yml",
        SPARK.replace("@APP_NAME@", YamlEmitter.doubleQuoted(projectName)));
    return files;
  }

  private static final String LOCAL_COMPUTE =
      """
      # Compute target "local": runs scripts on this machine, in an existing Python
      # interpreter. labrun installs nothing for it; conda_dependencies.yml is not used.

      # The kind of target: local, docker (or localdocker), remotedocker, remote, cluster.
      type: local

      # The Python interpreter to run scripts with: a command on the PATH or a full path.
      pythonLocation: python3

      # The spark-submit to call for PySpark runs (Framework: PySpark).
      sparkSubmitLocation: spark-submit

      # A folder shared by all runs of this project. Scripts find it in the environment
      # variable AZUREML_NATIVE_SHARE_DIRECTORY.
      nativeSharedDirectory: "~/.azureml/share/"
      """;

  private static final String DOCKER_COMPUTE =
      """
      # Compute target "docker": runs scripts in a Docker container on this machine. The
      # container's conda environment is built from conda_dependencies.yml on top of the
      # base image.

      # The kind of target: local, docker (or localdocker), remotedocker, remote, cluster.
      type: localdocker

      # The image the container is built on: Miniconda 3 (conda and Python 3, Debian) from
      # Docker Hub, pulled on the first run. Like the original's default image, which
      # carried conda and Spark, it has what conda_dependencies.yml needs. Any image with
      # conda or python3 works; change it here or with
      #   labrun computetarget set docker baseDockerImage=IMAGE
      baseDockerImage: "continuumio/miniconda3:24.1.2-0"

      # true: mount the project folder into the container instead of copying it in
      # (needed for nativeSharedDirectory).
      #sharedVolumes: true

      # true: give the container the machine's GPUs.
      #nvidiaDocker: true
      """;

  private static String runconfig(String name, String target, boolean prepare, String what) {
    return "# Run configuration \""
        + name
        + "\": how 'labrun experiment submit -c "
        + name
        + " script.py' runs.\n"
        + what
        + "\n"
        + "# The script's command line: \"$file\" stands for the script given to submit;\n"
        + "# further arguments given to submit are appended.\n"
        + "ArgumentVector:\n"
        + "  - \"$file\"\n"
        + "\n"
        + "# The compute target to run on: a .compute file in aml_config/, without the extension.\n"
        + "Target: "
        + target
        + "\n"
        + "\n"
        + "# Environment variables set for the run.\n"
        + "EnvironmentVariables:\n"
        + "  EXAMPLE_ENV_VAR: \"Example Value\"\n"
        + "\n"
        + "# Python: run the script with the target's interpreter; PySpark: run it with"
        + " spark-submit.\n"
        + "Framework: Python\n"
        + "\n"
        + "# The conda environment of the run (on a local target, used only with"
        + " PrepareEnvironment: true).\n"
        + "CondaDependenciesFile: aml_config/conda_dependencies.yml\n"
        + "\n"
        + "# Spark properties and packages of PySpark runs.\n"
        + "SparkDependenciesFile: aml_config/spark_dependencies.yml\n"
        + "\n"
        + "# true: build the environment as part of the run when it is missing\n"
        + "# ('labrun experiment prepare' builds it ahead of a run).\n"
        + "PrepareEnvironment: "
        + prepare
        + "\n"
        + "\n"
        + "# true: record the run in the run history; false: run untracked (faster).\n"
        + "TrackedRun: true\n";
  }

  private static final String CONDA =
      """
      # The conda environment of runs on docker, remotedocker and cluster targets. labrun
      # builds it when it is missing (PrepareEnvironment: true, or 'labrun experiment
      # prepare'); the local target uses it only with PrepareEnvironment: true (a cached venv).
      # Format: https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html

      name: project_environment
      dependencies:
        # The Python version of the environment.
        - python=3.11

        # Packages installed with pip: package names with versions, wheel URLs, or wheel
        # files relative to the project folder. Replace [] with a list, for example:
        #   - pip:
        #     - scikit-learn==1.5.2
        #     - https://example.org/wheels/mypackage-1.0-py3-none-any.whl
        - pip: []
      """;

  private static final String SPARK =
      """
      # Spark settings of PySpark runs (Framework: PySpark); other runs ignore this file.

      # Spark properties, passed to spark-submit as --conf key=value.
      configuration:
        "spark.app.name": @APP_NAME@
        # "spark.yarn.maxAppAttempts": 1

      # Extra Maven repositories to look for packages in (--repositories), for example:
      #   - "https://example.org/maven"
      repositories: []

      # Maven packages for the Spark driver and executors (--packages), for example:
      #   - group: "com.microsoft.sqlserver"
      #     artifact: "mssql-jdbc"
      #     version: "6.2.1.jre8"
      packages: []
      """;
}
