package io.labrun.compute.slurm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Slurm says about one batch job, from {@code scontrol show job --oneliner ID}: its state
 * ({@code JobState}, e.g. {@code PENDING}, {@code RUNNING}, {@code PREEMPTED}) and the reason it
 * gives ({@code Reason}, e.g. {@code Priority}, {@code Resources}; {@code None} when it gives
 * none). No {@code sacct} database is needed: the controller keeps an ended job for {@code
 * MinJobAge} (300 s by default), after which the state folder alone tells how the run ended.
 */
record JobInfo(String id, String state, String reason, String exitCode) {
  private static final Pattern FIELD = Pattern.compile("(?:^|\\s)([A-Za-z:/]+)=(\\S*)");

  /** The job of {@code scontrol}'s one-line answer; empty when it names no job state. */
  static Optional<JobInfo> parse(String oneLine) {
    Map<String, String> f = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(oneLine.strip());
    while (m.find()) {
      f.putIfAbsent(m.group(1), m.group(2));
    }
    String state = f.get("JobState");
    if (state == null || f.get("JobId") == null) {
      return Optional.empty();
    }
    String reason = f.get("Reason");
    return Optional.of(
        new JobInfo(
            f.get("JobId"),
            state,
            reason == null || reason.equals("None") ? null : reason,
            f.get("ExitCode")));
  }

  /** Still to run or running: the run goes on. */
  boolean going() {
    return switch (state) {
      case "PENDING",
          "CONFIGURING",
          "RUNNING",
          "COMPLETING",
          "SUSPENDED",
          "REQUEUED",
          "REQUEUE_HOLD",
          "REQUEUE_FED",
          "RESIZING",
          "SIGNALING",
          "STAGE_OUT",
          "STOPPED" ->
          true;
      default -> false;
    };
  }

  /** Waiting in the queue, with {@link #reason} saying for what. */
  boolean pending() {
    return state.equals("PENDING") || state.equals("REQUEUE_HOLD") || state.equals("REQUEUED");
  }
}
