package io.labrun.compute.cluster;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.launch.CommandTarget;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code cluster} compute target without an {@code address}: runs submit to a Spark cluster
 * from this machine. The run's supervisor runs {@link SparkDriver}, which submits with Spark's
 * launcher library in client mode: the driver runs here, under the supervisor, so output, exit
 * code, cancel, {@code ./outputs} and metrics work as on the local target, and the run goes on when
 * labrun's command is gone. The master is the target's {@code sparkMaster}, else {@code
 * SPARK_MASTER}, else the installation's {@code spark-defaults.conf}. A run configuration with
 * {@code Framework: Python} runs the script with this machine's Python instead, without Spark.
 */
public final class ClusterTarget implements ComputeTarget {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  private final ComputeTargetSpec spec;
  private final CommandTarget local;
  private final Map<String, String> env;

  /**
   * @param local the local target the driver runs under (same spec: its interpreter and shared
   *     folder)
   * @param env labrun's environment, where {@code SPARK_HOME}, {@code SPARK_MASTER} and {@code
   *     PATH} come from
   */
  public ClusterTarget(ComputeTargetSpec spec, CommandTarget local, Map<String, String> env) {
    this.spec = spec;
    this.local = local;
    this.env = env;
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    if (!throughSpark(plan)) {
      local.prepare(plan, events);
      return;
    }
    SparkInstall install = SparkInstall.find(spec, env);
    Optional<SparkMaster> master = master(install);
    master.ifPresent(m -> m.probe(PROBE_TIMEOUT, spec.name()));
    if (master.isPresent() && master.get().isYarn()) {
      YarnResourceManager.answering(env, spec.name());
    }
  }

  @Override
  public Execution launch(RunPlan plan) {
    if (!throughSpark(plan)) {
      return local.launch(plan);
    }
    SparkInstall install = SparkInstall.find(spec, env);
    Optional<SparkMaster> master = master(install);
    SparkSubmission submission = submission(plan, install, master);
    try {
      submission.write(plan.stateDir());
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot write the run's Spark submission in " + plan.stateDir() + ": " + e.getMessage(),
          e);
    }
    Map<String, String> extraEnv = new LinkedHashMap<>();
    if (spec.pythonLocation() != null && !spec.pythonLocation().isBlank()) {
      extraEnv.put("PYSPARK_DRIVER_PYTHON", spec.pythonLocation());
    }
    Execution driver =
        local.launch(
            plan,
            DriverCommand.of(plan.stateDir().resolve(SparkSubmission.FILE_NAME)),
            extraEnv,
            Map.of());
    return new SparkExecution(driver, plan.stateDir(), RunFolder.local(plan.stateDir()));
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    return new SparkExecution(local.reattach(run, stateDir), stateDir, RunFolder.local(stateDir));
  }

  private static boolean throughSpark(RunPlan plan) {
    return plan.configuration().frameworkOrDefault() == Framework.PYSPARK;
  }

  private Optional<SparkMaster> master(SparkInstall install) {
    String m = spec.sparkMaster();
    if (m == null || m.isBlank()) {
      m = env.get("SPARK_MASTER");
    }
    if (m == null || m.isBlank()) {
      m = install.defaultMaster(env).orElse(null);
    }
    return Optional.ofNullable(m).map(String::strip).map(SparkMaster::new);
  }

  SparkSubmission submission(RunPlan plan, SparkInstall install, Optional<SparkMaster> master) {
    String url = master.map(SparkMaster::url).orElse(null);
    return submission(
        plan,
        install.sparkHome().toString(),
        install.sparkSubmit().toString(),
        url,
        master.flatMap(m -> m.webUi(env)).orElse(null),
        plan.workDir().toString(),
        YarnDeployMode.of(plan, spec, url));
  }

  /**
   * The submission of a run: {@code spark_dependencies.yml} as Spark properties, repositories and
   * packages, options the argument vector puts before {@code $file}, labrun's run id label and an
   * application name. The same for every {@code cluster} target, wherever {@code spark-submit}
   * runs. A YARN application also carries the run's tag (see {@link #yarnTag}) among {@code
   * spark.yarn.tags}.
   *
   * @param cwd the run's working folder where the driver runs (a path there)
   * @param deployMode the YARN deploy mode ({@link YarnDeployMode}), null for other masters
   */
  static SparkSubmission submission(
      RunPlan plan,
      String sparkHome,
      String sparkSubmit,
      String master,
      String masterUi,
      String cwd,
      String deployMode) {
    List<String> args = plan.scriptArguments();
    String script = plan.run().script();
    int at = Math.max(0, args.indexOf(script));
    List<String> options = args.subList(0, at);
    Map<String, String> conf = new LinkedHashMap<>(plan.spark().configuration());
    conf.put(SparkSubmission.RUN_ID_PROPERTY, plan.runId());
    if (deployMode != null) {
      conf.merge(
          SparkSubmission.YARN_TAGS_PROPERTY,
          yarnTag(plan.runId()),
          (mine, tag) -> mine + "," + tag);
    }
    boolean named =
        conf.containsKey("spark.app.name")
            || options.contains("--name")
            || options.stream().anyMatch(o -> o.startsWith("--name="));
    return new SparkSubmission(
        plan.runId(),
        sparkHome,
        sparkSubmit,
        master,
        masterUi,
        cwd,
        options,
        conf,
        plan.spark().repositories(),
        plan.spark().packages().stream().map(p -> p.coordinate()).toList(),
        List.of(),
        script.endsWith(".py"),
        script,
        args.subList(Math.min(at + 1, args.size()), args.size()),
        named ? null : Path.of(script).getFileName() + " (labrun " + plan.runId() + ")",
        deployMode,
        driverEnvironment(plan));
  }

  /**
   * The names of the variables a run's script gets from labrun's supervisor (see LocalTarget and
   * RemoteTarget), which a driver in a YARN container must be given: the supervisor's own (metrics
   * folder, Python path) are not among them, the container has its own.
   */
  private static List<String> driverEnvironment(RunPlan plan) {
    List<String> names = new ArrayList<>(plan.environment().keySet());
    names.addAll(List.of("LABRUN_RUN_ID", "AZUREML_RUN_ID", "LABRUN_EXPERIMENT"));
    return names.stream().distinct().toList();
  }

  /**
   * The YARN application tag that names a run, by which labrun finds the application when it never
   * learnt its id: YARN keeps tags in lower case, at most 100 characters (a run id ends with its
   * random part, which is kept).
   */
  static String yarnTag(String runId) {
    String tag = "labrun-" + runId.toLowerCase(Locale.ROOT);
    return tag.length() <= 100 ? tag : "labrun-" + tag.substring(tag.length() - 93);
  }
}
