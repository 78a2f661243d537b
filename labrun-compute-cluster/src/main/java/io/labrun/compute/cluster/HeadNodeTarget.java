package io.labrun.compute.cluster;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.json.Json;
import io.labrun.core.launch.CommandTarget;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Execution;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.ssh.HostCache;
import io.labrun.ssh.HostSession;
import io.labrun.ssh.RemoteEnvironments;
import io.labrun.ssh.SshConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@code cluster} compute target with an {@code address}: runs submit from the cluster's head
 * (edge) node, reached over SSH like a {@code remote} target. The snapshot is synced there and the
 * run's supervisor started there by the {@code remote} target; what it runs is {@link SparkDriver},
 * with the head node's Java and its Spark installation's own launcher jar (labrun's few driver
 * classes are uploaded once per version, see {@link DriverClasses}). So the submission, its mapping
 * of {@code spark_dependencies.yml}, the application id and state, cancel and Spark's failure
 * reasons are the same code as for a cluster submitted to from this machine; output, {@code
 * ./outputs}, metrics and the exit record come back as for any remote run.
 */
public final class HeadNodeTarget implements ComputeTarget {
  private static final String SCRIPT = "labrun_spark_head.py";
  private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(1);
  private static Map<String, byte[]> kitFiles;
  private final ComputeTargetSpec spec;
  private final CommandTarget remote;
  private final HostSession host;
  private final Map<String, String> env;
  private final Path buildLogs;
  private final Map<String, HeadNode> prepared = new ConcurrentHashMap<>();

  /**
   * What a run needs of the head node: its home, labrun's driver classes there, its Spark and Java.
   */
  record HeadNode(
      String home,
      String kit,
      String sparkSubmit,
      String sparkHome,
      String launcherJar,
      String java,
      Optional<SparkMaster> master,
      String masterUi,
      String pythonIdentity,
      String envPython) {

    HeadNode withEnvPython(String python) {
      return new HeadNode(
          home,
          kit,
          sparkSubmit,
          sparkHome,
          launcherJar,
          java,
          master,
          masterUi,
          pythonIdentity,
          python);
    }
  }

  /**
   * @param remote the {@code remote} target on the same host (sync, supervisor, output, collection)
   * @param host the connection {@code remote} uses
   * @param env labrun's environment ({@code SPARK_MASTER_WEBUI_PORT} when the head node sets none;
   *     pip options)
   * @param buildLogs where environment build logs go when a request names none
   */
  public HeadNodeTarget(
      ComputeTargetSpec spec,
      CommandTarget remote,
      HostSession host,
      Map<String, String> env,
      Path buildLogs) {
    this.spec = spec;
    this.remote = remote;
    this.host = host;
    this.env = env;
    this.buildLogs = buildLogs;
  }

  @Override
  public boolean needsLocalWorkDir() {
    return false;
  }

  @Override
  public void prepare(RunPlan plan, RunEvents events) {
    if (!throughSpark(plan)) {
      remote.prepare(plan, events);
      return;
    }
    HeadNode h = headNode();
    if (plan.configuration().prepares()) {
      PreparedEnvironment e = environment(h, EnvironmentRequest.of(plan), events);
      if (!e.cached()) {
        events.progress(
            "environment "
                + e.id()
                + " built on "
                + host.settings().where()
                + " in "
                + e.took().toMillis() / 1000.0
                + " s");
      }
      h = h.withEnvPython(e.reference() + "/bin/python");
    }
    prepared.put(plan.runId(), h);
  }

  /**
   * The run configuration's environment on the head node ({@code labrun experiment prepare}): a
   * conda environment or a venv of the head node's Python, made once per environment hash.
   */
  @Override
  public PreparedEnvironment prepareEnvironment(EnvironmentRequest request, RunEvents events) {
    return environment(headNode(), request, events);
  }

  private PreparedEnvironment environment(
      HeadNode h, EnvironmentRequest request, RunEvents events) {
    return RemoteEnvironments.prepare(
        host, spec.python(), h.pythonIdentity(), request, env, buildLogs, events);
  }

  @Override
  public Execution launch(RunPlan plan) {
    if (!throughSpark(plan)) {
      return remote.launch(plan);
    }
    HeadNode h = prepared.remove(plan.runId());
    if (h == null) {
      h = headNode();
    }
    String runDir = h.home() + "/" + HostCache.runDir(plan.runId());
    String master = h.master().map(SparkMaster::url).orElse(null);
    SparkSubmission s =
        ClusterTarget.submission(
            plan,
            h.sparkHome(),
            h.sparkSubmit(),
            master,
            h.masterUi(),
            runDir + "/work",
            YarnDeployMode.of(plan, spec, master));
    try {
      s.shown()
          .write(
              plan.stateDir()); // here too: what the run went to, whatever becomes of the head node
      // (no secret: see SparkDriver)
    } catch (IOException e) {
      throw new LabrunException(
          ExitCode.STORE,
          "cannot write the run's Spark submission in " + plan.stateDir() + ": " + e.getMessage(),
          e);
    }
    Map<String, String> extraEnv = new LinkedHashMap<>();
    if (h.envPython() != null) {
      // The driver, and executors where the same path exists (spark.pyspark.python in the Spark
      // dependencies wins).
      extraEnv.put("PYSPARK_DRIVER_PYTHON", h.envPython());
      extraEnv.put("PYSPARK_PYTHON", h.envPython());
    } else if (spec.pythonLocation() != null && !spec.pythonLocation().isBlank()) {
      extraEnv.put("PYSPARK_DRIVER_PYTHON", spec.pythonLocation());
    }
    List<String> command =
        DriverCommand.of(
            h.java(),
            h.home() + "/" + h.kit() + ":" + h.launcherJar(),
            runDir + "/" + SparkSubmission.FILE_NAME);
    Execution driver =
        remote.launch(
            plan,
            command,
            extraEnv,
            Map.of(SparkSubmission.FILE_NAME, s.toJson().getBytes(StandardCharsets.UTF_8)));
    return new SparkExecution(
        driver,
        plan.stateDir(),
        new HeadNodeFolder(host, HostCache.runDir(plan.runId()), plan.stateDir()));
  }

  @Override
  public Execution reattach(Run run, Path stateDir) {
    return new SparkExecution(
        remote.reattach(run, stateDir),
        stateDir,
        new HeadNodeFolder(host, HostCache.runDir(run.id()), stateDir));
  }

  private static boolean throughSpark(RunPlan plan) {
    return plan.configuration().frameworkOrDefault() == Framework.PYSPARK;
  }

  /**
   * Looks at the head node: labrun's files there, its Spark installation, and whether the master
   * answers from it.
   */
  private HeadNode headNode() {
    try {
      return host.call(
          (ssh, cache, lib) -> {
            String kit = cache.folder("spark", kit());
            String on = ssh.settings().where();
            Optional<SparkMaster> configured =
                Optional.ofNullable(spec.sparkMaster())
                    .map(String::strip)
                    .filter(m -> !m.isEmpty())
                    .map(SparkMaster::new);
            List<String> check = new ArrayList<>(List.of("check", spec.sparkSubmit()));
            configured.ifPresent(
                m ->
                    m.endpoints()
                        .forEach(e -> check.add(e.toString()))); // probed in the same round trip
            Map<String, Object> facts =
                Json.parseObject(
                    script(ssh, kit, check)
                        .orElseThrow(
                            reason ->
                                new LabrunException(
                                    ExitCode.ENVIRONMENT,
                                    reason
                                        + " on "
                                        + on
                                        + "; fix sparkSubmitLocation in "
                                        + where()
                                        + " (the spark-submit of a Spark installation there)")));
            // else the cluster's own, from its spark-defaults.conf, probed now that it is known
            Optional<SparkMaster> master =
                configured.or(
                    () ->
                        Optional.ofNullable((String) facts.get("default_master"))
                            .map(String::strip)
                            .map(SparkMaster::new));
            String unreachable = (String) facts.get("unreachable");
            if (configured.isEmpty() && master.isPresent() && !master.get().endpoints().isEmpty()) {
              List<String> probe = new ArrayList<>(List.of("probe"));
              master.get().endpoints().forEach(e -> probe.add(e.toString()));
              unreachable = script(ssh, kit, probe).failure();
            }
            if (unreachable != null) {
              throw new LabrunException(
                  ExitCode.TARGET_UNAVAILABLE,
                  "Spark master "
                      + master.get().url()
                      + " is unreachable from "
                      + on
                      + " ("
                      + unreachable
                      + "); start it, or fix sparkMaster in "
                      + where());
            }
            Map<String, String> uiEnv = new HashMap<>(env);
            if (facts.get("webui_port") instanceof String port) {
              uiEnv.put("SPARK_MASTER_WEBUI_PORT", port);
            }
            return new HeadNode(
                ssh.files().home(),
                kit,
                (String) facts.get("spark_submit"),
                (String) facts.get("spark_home"),
                (String) facts.get("launcher_jar"),
                (String) facts.get("java"),
                master,
                master.flatMap(x -> x.webUi(uiEnv)).orElse(null),
                (String) facts.get("python"),
                null);
          });
    } catch (IOException e) {
      throw HostSession.unreachable(e);
    }
  }

  /** What labrun's head-node script printed, or its one-line reason. */
  private record Answer(String out, String failure) {
    String orElseThrow(Function<String, LabrunException> error) {
      if (failure != null) {
        throw error.apply(failure);
      }
      return out;
    }
  }

  private Answer script(SshConnection ssh, String kit, List<String> args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(spec.python(), kit + "/" + SCRIPT));
    argv.addAll(args);
    SshConnection.Result r = ssh.run(argv, null, CHECK_TIMEOUT);
    if (r.exitCode() == 127 || r.exitCode() == 126) {
      throw new LabrunException(
          ExitCode.ENVIRONMENT,
          "'"
              + spec.python()
              + "' cannot be run on "
              + ssh.settings().where()
              + "; install Python 3 there or set pythonLocation in "
              + where());
    }
    String out = r.out().strip();
    if (r.exitCode() == 0) {
      return new Answer(out.substring(out.lastIndexOf('\n') + 1), null); // after any login chatter
    }
    int at = out.lastIndexOf("LABRUN-ERROR: ");
    return new Answer(
        null,
        at >= 0
            ? out.substring(at + 14).strip()
            : "exit code " + r.exitCode() + ": " + r.err().strip());
  }

  private String where() {
    return "aml_config/" + spec.name() + ".compute";
  }

  /** labrun's files on a head node: the driver's classes and the head-node script. */
  private static synchronized Map<String, byte[]> kit() {
    if (kitFiles == null) {
      try (InputStream script = HeadNodeTarget.class.getResourceAsStream(SCRIPT)) {
        Map<String, byte[]> files = new TreeMap<>(DriverClasses.of(SparkDriver.class));
        files.put(SCRIPT, script.readAllBytes());
        kitFiles = files;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read labrun's Spark driver classes", e);
      }
    }
    return kitFiles;
  }
}
