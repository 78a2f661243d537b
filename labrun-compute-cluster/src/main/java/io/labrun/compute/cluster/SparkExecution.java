package io.labrun.compute.cluster;

import io.labrun.core.supervisor.StateFolder;
import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run submitted to Spark from this machine: the supervised {@link SparkDriver} seen through the
 * local target's execution (output, exit, cancel, collection), plus what Spark adds. Its
 * attributes carry the master, the master's web UI and, once the cluster gave one, the
 * application id and state. A failed submission's exit record says why in Spark's words (see
 * {@link SparkFailure}) instead of the last lines of stderr, which for Spark are log noise.
 */
final class SparkExecution implements Execution {
  static final String APP_ID = "spark_app_id";
  static final String STATE = "spark_state";
  static final String MASTER = "spark_master";
  static final String MASTER_UI = "spark_master_ui";

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
    SparkSubmission.in(stateDir).ifPresent(s -> {
      a.put(MASTER, s.master() == null ? "(spark-submit's default)" : s.master());
      if (s.masterUi() != null) {
        a.put(MASTER_UI, s.masterUi());
      }
    });
    app().ifPresent(app -> {
      if (app.appId() != null) {
        a.put(APP_ID, app.appId());
      }
      a.put(STATE, app.state());
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
    if (x.lost() || x.canceled() || x.timedOut() || x.error() != null || x.exitCode() == 0) {
      return exit;
    }
    Optional<String> reason = SparkFailure.reason(folder.tail(StateFolder.OUTPUT_LOG, SparkFailure.TAIL_BYTES));
    explained = reason.map(r -> new ExitRecord(x.exitCode(), x.signal(), x.ended(), false, false, false,
        "exit code " + x.exitCode() + ": " + r, x.droppedOutputBytes())).orElse(x);
    return Optional.of(explained);
  }

  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    driver.awaitChange(max);
  }

  /** TERM to the supervisor, which passes it to {@link SparkDriver}: that stops the application. */
  @Override
  public void cancel() throws IOException {
    driver.cancel();
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
