package io.labrun.compute.cluster;

import io.labrun.core.run.RunStatus;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.LabrunSubmitStart;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * The program a {@code cluster} run's supervisor runs as the run's script: it submits the run's
 * {@link SparkSubmission} with Spark's launcher library ({@code SparkLauncher}), so that the
 * driver's output goes straight to the supervisor (it inherits this process's stdout and stderr),
 * and it records the application's id and launcher state in {@code STATE/spark.json} as they
 * change. It exits with {@code spark-submit}'s exit code, or 1 when {@code spark-submit} said 0 but
 * the application ended failed or killed. On SIGTERM (a cancel) it asks the application to stop
 * through the launcher and kills {@code spark-submit} if it has not stopped within a few seconds.
 *
 * <p>On YARN it also reads the application's report from the ResourceManager (its tracking URL goes
 * into {@code spark.json}); in cluster deploy mode, where the driver runs in YARN's
 * ApplicationMaster container, it copies that container's output here as it grows (see {@link
 * YarnLogs}), and a cancel kills the application through the ResourceManager, since stopping {@code
 * spark-submit} alone would leave it running. A YARN application that did not succeed ends with a
 * {@code labrun:} line naming YARN's final state and diagnostics.
 *
 * <p>Usage: {@code java -cp ... io.labrun.compute.cluster.SparkDriver STATE/spark-submit.json}.
 */
public final class SparkDriver {
  private static final long STOP_GRACE_SECONDS = 5;
  private static final long YARN_POLL_MS = 1000;
  private static final boolean TRACE = "1".equals(System.getenv("LABRUN_TRACE"));
  private final Path stateDir;
  private final CountDownLatch finalState = new CountDownLatch(1);
  private volatile SparkAppHandle handle;
  private volatile boolean done;
  private YarnResourceManager yarn;
  private YarnLogs yarnLogs;
  private volatile Path bundle;

  private SparkDriver(Path stateDir) {
    this.stateDir = stateDir;
  }

  public static void main(String[] args) {
    if (TRACE) {
      trace(
          "main, JVM started "
              + ProcessHandle.current()
                  .info()
                  .startInstant()
                  .map(i -> i.toEpochMilli())
                  .orElse(0L));
    }
    if (args.length != 1) {
      System.err.println("usage: SparkDriver STATE/spark-submit.json");
      System.exit(2);
    }
    Path file = Path.of(args[0]).toAbsolutePath();
    SparkDriver driver = new SparkDriver(file.getParent());
    int code;
    try {
      SparkSubmission submission = SparkSubmission.read(file);
      SparkSubmission shown = submission.shown();
      if (!shown.equals(submission)) {
        shown.write(file.getParent()); // secrets stay on disk only until spark-submit has them
      }
      code = driver.run(submission.withPyFilesZip(file.resolveSibling("py-files.zip")));
    } catch (IOException | RuntimeException e) {
      System.err.println("labrun: could not start spark-submit: " + e.getMessage());
      code = 127;
    } catch (InterruptedException e) {
      code = 130;
    }
    driver.done = true;
    trace("exit " + code);
    System.exit(code);
  }

  private int run(SparkSubmission s) throws IOException, InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopApplication, "labrun-spark-stop"));
    ScheduledExecutorService poller = followYarn(s);
    trace("followYarn");
    if (wrapped(s)) {
      bundle = DriverBundle.write(s, System.getenv(), stateDir);
    }
    trace("bundle");
    SparkAppHandle.Listener listener =
        new SparkAppHandle.Listener() {
          @Override
          public void stateChanged(SparkAppHandle h) {
            record(h);
            if (h.getState() != SparkAppHandle.State.UNKNOWN
                && h.getState() != SparkAppHandle.State.CONNECTED) {
              removeBundle(); // YARN has it: spark-submit uploads it before it submits
            }
            if (h.getState().isFinal()) {
              finalState.countDown();
            }
          }

          @Override
          public void infoChanged(SparkAppHandle h) {
            record(h);
          }
        };
    SparkLauncher launcher =
        launcher(
            s,
            wrapped(s)
                ? YarnDriverWrapper.write(
                    stateDir, YarnResourceManager.aggregatesLogs(System.getenv()))
                : null,
            bundle);
    trace("launcher built");
    handle = start(launcher, s, listener);
    trace("started");
    Optional<Process> child = childProcess(handle);
    if (poller != null && s.inYarnContainer()) {
      // The launcher says the application ended before spark-submit's JVM has exited: the driver's
      // last output and ./outputs are fetched meanwhile.
      while (!finalState.await(200, TimeUnit.MILLISECONDS)
          && child.map(Process::isAlive).orElse(true)) {
        // the application runs
      }
      trace("final state");
      followToTheEnd(s, poller);
      trace("followed to the end");
    }
    int exit;
    if (child.isPresent()) {
      exit = child.get().waitFor();
      finalState.await(
          10, TimeUnit.SECONDS); // the launcher marks the handle final once the child is gone
    } else {
      finalState.await();
      exit = handle.getState() == SparkAppHandle.State.FINISHED ? 0 : 1;
    }
    trace("child exited");
    removeBundle();
    SparkAppHandle.State state = handle.getState();
    if (poller != null) {
      if (!s.inYarnContainer()) {
        followToTheEnd(s, poller);
      }
      yarnLogs
          .lastReport()
          .filter(YarnApp::isFinal)
          .flatMap(SparkStates::yarnFailure)
          .ifPresent(System.err::println);
      if (s.inYarnContainer()) {
        // spark-submit says 1 for any failed application; the driver's own code is in YARN's words
        exit = yarnLogs.lastReport().flatMap(SparkStates::driverExitCode).orElse(exit);
      }
    }
    record(handle);
    RunStatus status = SparkStates.runStatus(state);
    if (exit == 0
        && handle.getAppId() != null
        && (status == RunStatus.FAILED || status == RunStatus.CANCELED)) {
      System.err.println(
          "labrun: spark-submit exited 0 but the Spark application "
              + handle.getAppId()
              + " ended "
              + state);
      return 1;
    }
    return exit;
  }

  /**
   * Starts the submission: its {@code SparkSubmit} JVM directly when the installation's launcher is
   * the one labrun carries ({@link LabrunSubmitStart}: no launcher JVM first, as {@code
   * bin/spark-class} would start), else through its {@code bin/spark-submit}.
   */
  private static SparkAppHandle start(
      SparkLauncher launcher, SparkSubmission s, SparkAppHandle.Listener listener)
      throws IOException {
    Optional<SparkAppHandle> direct;
    try {
      direct =
          LabrunSubmitStart.start(
              launcher,
              s.sparkHome(),
              new File(s.cwd()),
              ProcessBuilder.Redirect.INHERIT,
              ProcessBuilder.Redirect.INHERIT,
              listener);
    } catch (LinkageError e) {
      direct = Optional.empty(); // a head node's launcher jar without what labrun uses
    }
    return direct.isPresent() ? direct.get() : launcher.startApplication(listener);
  }

  /**
   * On YARN: reads the application's report every second (and in cluster deploy mode copies its
   * driver's output). Null for other masters, or when no {@code yarn-site.xml} says where the
   * ResourceManager is (spark-submit then fails on its own, in its words).
   */
  private ScheduledExecutorService followYarn(SparkSubmission s) {
    if (s.master() == null || !SparkMaster.isYarn(s.master())) {
      return null;
    }
    yarn = YarnResourceManager.of(System.getenv()).orElse(null);
    if (yarn == null) {
      return null;
    }
    yarnLogs =
        new YarnLogs(
            yarn,
            () -> handle == null ? null : handle.getAppId(),
            s.inYarnContainer(),
            wrapped(s) && YarnResourceManager.aggregatesLogs(System.getenv()),
            System.out,
            System.err);
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "labrun-yarn-follow");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(
        () -> {
          String before = trackingUrl();
          yarnLogs.copyNew();
          if (handle != null && !Objects.equals(before, trackingUrl())) {
            record(handle);
          }
        },
        YARN_POLL_MS,
        YARN_POLL_MS,
        TimeUnit.MILLISECONDS);
    return poller;
  }

  /**
   * Stops following the application and reads its end: the driver's last output, YARN's final
   * report, and what the wrapper left ({@code ./outputs}, metrics).
   */
  private void followToTheEnd(SparkSubmission s, ScheduledExecutorService poller)
      throws InterruptedException {
    poller.shutdownNow();
    poller.awaitTermination(YARN_POLL_MS * 10, TimeUnit.MILLISECONDS);
    yarnLogs.copyNew(); // what the driver printed last, and YARN's final report
    if (wrapped(s)) {
      fetchOutputs(Path.of(s.cwd()));
    }
  }

  /**
   * Whether the driver runs in YARN through {@link YarnDriverWrapper} (a Python driver in cluster
   * mode).
   */
  private static boolean wrapped(SparkSubmission s) {
    return s.inYarnContainer() && s.appResource().endsWith(".py");
  }

  /** Removes the run's {@link DriverBundle} (it holds the run's secrets) once YARN has it. */
  private void removeBundle() {
    Path b = bundle;
    if (b != null) {
      try {
        Files.deleteIfExists(b);
      } catch (IOException e) {
        System.err.println("labrun: could not remove " + b + ": " + e.getMessage());
      }
    }
  }

  /**
   * Unpacks what the wrapper left in the driver's log folder: {@code ./outputs} into the working
   * folder, the metrics files into the run's metrics folder (the supervisor's {@code
   * LABRUN_METRICS_DIR}), where labrun collects them as for any run.
   */
  private void fetchOutputs(Path workDir) {
    String metrics = System.getenv("LABRUN_METRICS_DIR");
    yarnLogs
        .outputs()
        .ifPresent(
            zip -> {
              try {
                YarnDriverWrapper.unpack(zip, workDir, metrics == null ? null : Path.of(metrics));
              } catch (IOException e) {
                System.err.println(
                    "labrun: could not unpack the driver's ./outputs from YARN: " + e.getMessage());
              }
            });
  }

  private String trackingUrl() {
    return yarnLogs == null ? null : yarnLogs.lastReport().map(YarnApp::trackingUrl).orElse(null);
  }

  /**
   * @param wrapper the {@link YarnDriverWrapper} the driver runs in YARN through, null else
   * @param bundle the run's {@link DriverBundle} the wrapper unpacks, null else
   */
  static SparkLauncher launcher(SparkSubmission s, Path wrapper, Path bundle) {
    SparkLauncher l =
        new SparkLauncher()
            .setSparkHome(s.sparkHome())
            .directory(new File(s.cwd()))
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    if (s.master() != null) {
      l.setMaster(s.master());
    }
    if (s.deployMode() != null) {
      l.setDeployMode(s.deployMode());
    }
    addOptions(l, s.sparkOptions());
    s.conf()
        .forEach(
            (k, v) -> {
              if (k.startsWith("spark.")) {
                l.setConf(k, v);
              } else {
                System.err.println(
                    "labrun: ignoring Spark property '"
                        + k
                        + "' from the Spark dependencies file: Spark properties start with"
                        + " 'spark.'");
              }
            });
    if (!s.repositories().isEmpty()) {
      l.addSparkArg("--repositories", String.join(",", s.repositories()));
    }
    if (!s.packages().isEmpty()) {
      l.addSparkArg("--packages", String.join(",", s.packages()));
    }
    s.pyFiles().forEach(l::addPyFile);
    if (s.appName() != null) {
      l.setAppName(s.appName());
    }
    if (wrapped(s)) {
      // The driver runs in YARN: the wrapper unpacks the run's bundle there, runs the script and
      // hands ./outputs and the metrics back (see YarnDriverWrapper).
      l.addFile(bundle.toString());
      l.setAppResource(wrapper.toString());
      l.addAppArgs(s.appResource());
    } else {
      l.setAppResource(s.appResource());
    }
    l.addAppArgs(s.appArgs().toArray(String[]::new));
    return l;
  }

  /**
   * spark-submit options as a user writes them: {@code --name value}, {@code --name=value} or a
   * switch.
   */
  private static void addOptions(SparkLauncher l, List<String> options) {
    for (int i = 0; i < options.size(); i++) {
      String opt = options.get(i);
      if (opt.startsWith("--") && opt.contains("=")) {
        int eq = opt.indexOf('=');
        l.addSparkArg(opt.substring(0, eq), opt.substring(eq + 1));
        continue;
      }
      try {
        l.addSparkArg(opt);
      } catch (IllegalArgumentException needsValue) {
        if (i + 1 >= options.size()) {
          throw new IllegalArgumentException(
              "spark-submit option " + opt + " needs a value in ArgumentVector");
        }
        l.addSparkArg(opt, options.get(++i));
      }
    }
  }

  /**
   * {@code LABRUN_TRACE=1}: a line on stderr (the run's output) with the wall clock in epoch
   * milliseconds at each phase, which {@code bench/spark-yarn-trace.sh} lines up with the other
   * processes' (see docs/benchmarks.md, Spark on YARN).
   */
  private static void trace(String phase) {
    if (TRACE) {
      System.err.println("[trace] SparkDriver " + System.currentTimeMillis() + " " + phase);
    }
  }

  private void record(SparkAppHandle h) {
    try {
      new SparkApp(
              h.getAppId(),
              h.getState().name(),
              System.currentTimeMillis(),
              yarn == null ? null : yarn.base(),
              trackingUrl())
          .write(stateDir);
    } catch (IOException e) {
      System.err.println("labrun: cannot record the Spark application's state: " + e.getMessage());
    }
  }

  /**
   * On a cancel (SIGTERM): on YARN, kill the application through the ResourceManager; then stop it
   * through the launcher, and kill spark-submit.
   */
  private void stopApplication() {
    SparkAppHandle h = handle;
    if (done || h == null || h.getState().isFinal()) {
      return;
    }
    if (yarn != null && h.getAppId() != null) {
      try {
        yarn.kill(h.getAppId());
      } catch (IOException e) {
        System.err.println(
            "labrun: could not kill YARN application " + h.getAppId() + ": " + e.getMessage());
      }
    }
    if (h.getState() != SparkAppHandle.State.UNKNOWN) {
      try {
        h.stop();
        finalState.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (RuntimeException | InterruptedException e) {
        // not connected any more: kill below
      }
    }
    h.kill();
    record(h);
  }

  /**
   * The {@code spark-submit} process behind a handle, for its exit code, which the launcher API
   * does not give. Read reflectively from the launcher's handle; without it the run's exit code is
   * derived from the application's final state.
   */
  static Optional<Process> childProcess(SparkAppHandle h) {
    try {
      Field f = h.getClass().getDeclaredField("childProc");
      f.setAccessible(true);
      return Optional.ofNullable((Process) f.get(h));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
