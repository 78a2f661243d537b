package io.labrun.compute.cluster;

import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import io.labrun.core.supervisor.StateFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run submitted to Spark from this machine: the supervised {@link SparkDriver} seen through the
 * local target's execution (output, exit, cancel, collection), plus what Spark adds. Its attributes
 * carry the master, the master's web UI and, once the cluster gave one, the application id and
 * state, on YARN the application's tracking URL. A failed submission's exit record says why in
 * Spark's words (see {@link SparkFailure}) instead of the last lines of stderr, which for Spark are
 * log noise.
 *
 * <p>On YARN the application outlives its driver's supervisor in cluster deploy mode: when the
 * supervisor is gone (the machine rebooted, it was killed), the run is not lost while the
 * ResourceManager still runs the application, and how it ended is YARN's word: the application is
 * found by its recorded id, else by the run's tag ({@link ClusterTarget#yarnTag}).
 */
final class SparkExecution implements Execution {
  static final String APP_ID = "spark_app_id";
  static final String STATE = "spark_state";
  static final String MASTER = "spark_master";
  static final String MASTER_UI = "spark_master_ui";
  static final String TRACKING_URL = "yarn_tracking_url";

  private final Execution driver;
  private final Path stateDir;
  private final RunFolder folder;
  private ExitRecord explained;

  /**
   * @param stateDir the local state folder (it holds the submission)
   * @param folder where the driver's state folder is read (the local one, or the head node's)
   */
  SparkExecution(Execution driver, Path stateDir, RunFolder folder) {
    this.driver = driver;
    this.stateDir = stateDir;
    this.folder = folder;
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>(driver.attributes());
    SparkSubmission.in(stateDir)
        .ifPresent(
            s -> {
              a.put(MASTER, s.master() == null ? "(spark-submit's default)" : s.master());
              if (s.masterUi() != null) {
                a.put(MASTER_UI, s.masterUi());
              }
            });
    app()
        .ifPresent(
            app -> {
              if (app.appId() != null) {
                a.put(APP_ID, app.appId());
              }
              a.put(STATE, app.state());
              if (app.trackingUrl() != null) {
                a.put(TRACKING_URL, app.trackingUrl());
              }
            });
    return a;
  }

  private Optional<SparkApp> app() {
    try {
      return folder.read(SparkApp.FILE_NAME).flatMap(SparkApp::parse);
    } catch (IOException e) {
      return Optional.empty(); // the head node cannot say now: the id is read again at the end
    }
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    return driver.readOutput(offset, max);
  }

  @Override
  public Optional<ExitRecord> poll() throws IOException {
    if (explained != null) {
      return Optional.of(explained);
    }
    Optional<ExitRecord> exit = driver.poll();
    if (exit.isEmpty()) {
      return exit;
    }
    ExitRecord x = exit.get();
    if (x.lost()) {
      Optional<YarnApp> onYarn = yarnApp();
      if (onYarn.isPresent()) {
        if (!onYarn.get().isFinal()) {
          return inYarnContainer() ? Optional.empty() : exit;
        }
        explained = SparkStates.exitRecord(onYarn.get(), x.ended());
        return Optional.of(explained);
      }
    }
    if (x.lost() || x.canceled() || x.timedOut() || x.error() != null || x.exitCode() == 0) {
      return exit;
    }
    Optional<String> reason =
        SparkFailure.reason(folder.tail(StateFolder.OUTPUT_LOG, SparkFailure.TAIL_BYTES));
    explained =
        reason
            .map(
                r ->
                    new ExitRecord(
                        x.exitCode(),
                        x.signal(),
                        x.ended(),
                        false,
                        false,
                        false,
                        "exit code " + x.exitCode() + ": " + r,
                        x.droppedOutputBytes()))
            .orElse(x);
    return Optional.of(explained);
  }

  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    driver.awaitChange(max);
  }

  /**
   * TERM to the supervisor, which passes it to {@link SparkDriver}: that stops the application. On
   * YARN labrun also asks the ResourceManager to kill it, which alone stops an application whose
   * supervisor is gone.
   */
  @Override
  public void cancel() throws IOException {
    driver.cancel();
    Optional<YarnApp> onYarn = yarnApp();
    if (onYarn.isPresent() && !onYarn.get().isFinal()) {
      app()
          .map(SparkApp::resourceManager)
          .map(YarnResourceManager::new)
          .orElseThrow()
          .kill(onYarn.get().id());
    }
  }

  /**
   * The run's application as its ResourceManager reports it now: by the id the driver recorded,
   * else by the run's tag. Empty when the run did not go to YARN or the ResourceManager cannot say.
   */
  private Optional<YarnApp> yarnApp() {
    Optional<SparkApp> app = app().filter(a -> a.resourceManager() != null);
    Optional<SparkSubmission> submission = SparkSubmission.in(stateDir);
    if (app.isEmpty() || submission.isEmpty()) {
      return Optional.empty();
    }
    YarnResourceManager rm = new YarnResourceManager(app.get().resourceManager());
    try {
      return app.get().appId() != null
          ? rm.app(app.get().appId())
          : rm.appTagged(ClusterTarget.yarnTag(submission.get().runId()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private boolean inYarnContainer() {
    return SparkSubmission.in(stateDir).map(SparkSubmission::inYarnContainer).orElse(false);
  }

  @Override
  public Collected collect(Path scratch) throws IOException {
    Collected c = driver.collect(scratch);
    folder.keep(SparkApp.FILE_NAME);
    return c;
  }

  @Override
  public void cleanUp() throws IOException {
    driver.cleanUp();
  }
}
