package io.labrun.target.spark;

import io.labrun.core.execution.Execution;
import io.labrun.core.execution.ExitRecord;
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
  private ExitRecord explained;

  SparkExecution(Execution driver, Path stateDir) {
    this.driver = driver;
    this.stateDir = stateDir;
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
    SparkApp.read(stateDir).ifPresent(app -> {
      if (app.appId() != null) {
        a.put(APP_ID, app.appId());
      }
      a.put(STATE, app.state());
    });
    return a;
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
    Optional<String> reason = SparkFailure.reason(stateDir.resolve("output.log"));
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
    return driver.collect(scratch);
  }

  @Override
  public void cleanUp() throws IOException {
    driver.cleanUp();
  }
}
