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
 *
 * <p>An element of a job array is named {@code ARRAYID_TASK} (what {@code squeue} shows and {@code
 * scancel} takes), whatever job id Slurm gave it when it started; elements still waiting together
 * are one record, {@code ARRAYID_[TASKS]} ({@code 1017_[4-99%2]}), which {@link #covers} each of
 * them.
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
    String id = f.get("JobId");
    String array = f.get("ArrayJobId");
    String tasks = f.get("ArrayTaskId");
    if (array != null && tasks != null) {
      id = tasks.matches("[0-9]+") ? array + "_" + tasks : array + "_[" + tasks + "]";
    }
    return Optional.of(
        new JobInfo(
            id, state, reason == null || reason.equals("None") ? null : reason, f.get("ExitCode")));
  }

  /** The same job seen as {@code id} (an element of the array record this is). */
  JobInfo as(String id) {
    return new JobInfo(id, state, reason, exitCode);
  }

  /**
   * Whether this record is job {@code jobId}: the job itself, or the array record of elements still
   * waiting together that holds element {@code jobId} ({@code ARRAYID_TASK}).
   */
  boolean covers(String jobId) {
    if (id.equals(jobId)) {
      return true;
    }
    int u = jobId.indexOf('_');
    if (u < 0 || !id.startsWith(jobId.substring(0, u + 1) + "[") || !id.endsWith("]")) {
      return false;
    }
    long task = Long.parseLong(jobId.substring(u + 1));
    String tasks = id.substring(u + 2, id.length() - 1).replaceAll("%.*$", "");
    for (String part : tasks.split(",")) {
      Matcher m = RANGE.matcher(part);
      if (m.matches()) {
        long from = Long.parseLong(m.group(1));
        long to = m.group(2) == null ? from : Long.parseLong(m.group(2));
        long step = m.group(3) == null ? 1 : Long.parseLong(m.group(3));
        if (task >= from && task <= to && (task - from) % step == 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** One part of an array's task list: {@code 4}, {@code 4-99} or {@code 4-99:5}. */
  private static final Pattern RANGE = Pattern.compile("([0-9]+)(?:-([0-9]+)(?::([0-9]+))?)?");

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
