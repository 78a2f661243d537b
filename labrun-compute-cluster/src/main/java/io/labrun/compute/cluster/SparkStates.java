package io.labrun.compute.cluster;

import io.labrun.core.run.RunStatus;
import io.labrun.core.supervisor.ExitRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.SparkAppHandle;

/**
 * The one place where Spark's application states become labrun's run states. The launcher reports
 * them; labrun keeps its own (the supervisor's exit record decides how a run ended) and uses this
 * mapping to notice an application that failed or was killed while {@code spark-submit} still
 * exited 0, and to show what the application is doing. YARN's states of an application too: they
 * decide how a run ended when its driver's supervisor is gone (see {@link SparkExecution#poll}).
 */
final class SparkStates {
  private static final Pattern EXCEPTION_LINE =
      Pattern.compile("^(?:[\\w$]+\\.)+[\\w$]*(?:Exception|Error): .+");

  /** How Spark's ApplicationMaster reports a driver (its user class) that exited non-zero. */
  private static final Pattern USER_EXIT =
      Pattern.compile("User application exited with status (\\d+)");

  private SparkStates() {}

  static RunStatus runStatus(SparkAppHandle.State state) {
    return switch (state) {
      // Known to the launcher, not yet given resources by the cluster: waiting, as in a queue.
      case UNKNOWN, CONNECTED, SUBMITTED -> RunStatus.QUEUED;
      case RUNNING -> RunStatus.RUNNING;
      case FINISHED -> RunStatus.COMPLETED;
      case FAILED -> RunStatus.FAILED;
      case KILLED -> RunStatus.CANCELED;
      // The launcher lost its connection to the application without a final state.
      case LOST -> RunStatus.LOST;
    };
  }

  /**
   * A YARN application's state and final status as a run state: ACCEPTED and before are queued;
   * FINISHED is what the application said of itself (SUCCEEDED, FAILED, KILLED).
   */
  static RunStatus runStatus(YarnApp app) {
    return switch (app.state() == null ? "" : app.state()) {
      case "NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED" -> RunStatus.QUEUED;
      case "FINISHED" ->
          switch (app.finalStatus() == null ? "" : app.finalStatus()) {
            case "SUCCEEDED" -> RunStatus.COMPLETED;
            case "KILLED" -> RunStatus.CANCELED;
            default -> RunStatus.FAILED;
          };
      case "FAILED" -> RunStatus.FAILED;
      case "KILLED" -> RunStatus.CANCELED;
      default -> RunStatus.RUNNING;
    };
  }

  /**
   * How a run ended, from its ended YARN application: YARN's diagnostics as the failure's reason.
   */
  static ExitRecord exitRecord(YarnApp app, Instant at) {
    return switch (runStatus(app)) {
      case COMPLETED -> new ExitRecord(0, null, at, false, false, false, null, 0);
      case CANCELED -> new ExitRecord(-1, null, at, true, false, false, null, 0);
      default ->
          new ExitRecord(
              driverExitCode(app).orElse(1),
              null,
              at,
              false,
              false,
              false,
              yarnFailure(app).orElse("YARN application " + app.id() + " " + app.state()),
              0);
    };
  }

  /**
   * The exit code of a driver that ran in YARN's ApplicationMaster container (cluster deploy mode)
   * and exited non-zero, as Spark reports it in the application's diagnostics.
   */
  static Optional<Integer> driverExitCode(YarnApp app) {
    if (app.reason() == null) {
      return Optional.empty();
    }
    Matcher m = USER_EXIT.matcher(app.reason());
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /**
   * One {@code labrun:} line for a YARN application that ended without success: its state and the
   * line of YARN's diagnostics that says why (the last exception line, else the first line).
   */
  static Optional<String> yarnFailure(YarnApp app) {
    if (runStatus(app) == RunStatus.COMPLETED || !app.isFinal()) {
      return Optional.empty();
    }
    String ended = "FINISHED".equals(app.state()) ? app.finalStatus() : app.state();
    String why = app.reason();
    if (why == null) {
      return Optional.of("labrun: YARN application " + app.id() + " ended " + ended);
    }
    List<String> lines = why.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String line =
        lines.stream()
            .filter(l -> EXCEPTION_LINE.matcher(l).matches())
            .reduce((a, b) -> b)
            .orElse(lines.get(0));
    return Optional.of("labrun: YARN application " + app.id() + " ended " + ended + ": " + line);
  }

  /** The same for a state recorded by name in {@code spark.json}; an unknown name means running. */
  static RunStatus runStatus(String stateName) {
    try {
      return runStatus(SparkAppHandle.State.valueOf(stateName));
    } catch (IllegalArgumentException | NullPointerException e) {
      return RunStatus.RUNNING;
    }
  }
}
