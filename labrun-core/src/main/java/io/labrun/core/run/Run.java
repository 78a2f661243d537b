package io.labrun.core.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded run: what was run, where, by whom, from which snapshot, and how it ended. {@code
 * environment} holds the variables the run configuration set, with secret-looking values redacted.
 * {@code attributes} holds target facts (process id, container id, Spark application id) that a
 * later command needs to find the run again.
 */
public record Run(
    String id,
    String experiment,
    String runConfiguration,
    String target,
    String targetType,
    String script,
    List<String> arguments,
    Map<String, String> environment,
    String user,
    String host,
    String gitCommit,
    Boolean gitDirty,
    String snapshotId,
    Instant created,
    Instant started,
    Instant ended,
    RunStatus status,
    Integer exitCode,
    String statusDetail,
    String sweepId,
    int attempt,
    Map<String, String> attributes) {

  /**
   * Attribute of a run submitted through a team server: the name of the API token that submitted
   * it.
   */
  public static final String SUBMITTED_BY = "queued_by";

  /**
   * Attribute of a run labrun handed to a target that holds it in its own queue before the script
   * starts (a Slurm job PENDING): why it waited there, in the target's words.
   */
  public static final String QUEUED_AT_TARGET = "queued_at_target";

  /**
   * Attribute of a run a team server ran: the object id (SHA-256) of its output log, stored with
   * the other objects once the run ended, so a server whose disk was wiped still shows it.
   */
  public static final String OUTPUT_LOG = "output_log";

  public Run {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    arguments = arguments == null ? List.of() : List.copyOf(arguments);
    environment =
        environment == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    attributes =
        attributes == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * The name of the API token that submitted the run through a team server; null for a run
   * submitted on its machine.
   */
  public String submittedBy() {
    return attributes.get(SUBMITTED_BY);
  }

  /**
   * Queued, but in its target's queue rather than labrun's: launched (it has an execution to follow
   * and cancel) and not started yet.
   */
  public boolean queuedAtTarget() {
    return status == RunStatus.QUEUED && attributes.containsKey(QUEUED_AT_TARGET);
  }

  /** This run held in its target's queue, for {@code why} (the target's words). */
  public Run waitingAtTarget(String why) {
    return withAttribute(QUEUED_AT_TARGET, why)
        .withExit(null, "waiting in the target's queue: " + why);
  }

  /** Not started by labrun yet: Queued in labrun (not at its target) or Preparing. */
  public boolean notLaunched() {
    return (status == RunStatus.QUEUED && !queuedAtTarget()) || status == RunStatus.PREPARING;
  }

  /** Wall-clock duration, up to now for a run still going; null before it started. */
  public Duration duration(Instant now) {
    if (started == null) {
      return null;
    }
    return Duration.between(started, ended != null ? ended : now);
  }

  public Run withStatus(RunStatus next, Instant at) {
    if (next != status && !status.canMoveTo(next)) {
      throw new IllegalStateException("run " + id + " cannot go from " + status + " to " + next);
    }
    Instant s = started;
    Instant e = ended;
    if (next == RunStatus.RUNNING && s == null) {
      s = at;
    }
    if (next.isFinal()) {
      e = at;
      // A start seen late (the end comes from the supervisor's own clock) is bounded by the end.
      if (s == null || s.isAfter(at)) {
        s = at;
      }
    }
    return new Run(
        id,
        experiment,
        runConfiguration,
        target,
        targetType,
        script,
        arguments,
        environment,
        user,
        host,
        gitCommit,
        gitDirty,
        snapshotId,
        created,
        s,
        e,
        next,
        exitCode,
        statusDetail,
        sweepId,
        attempt,
        attributes);
  }

  public Run withExit(Integer exitCode, String statusDetail) {
    return new Run(
        id,
        experiment,
        runConfiguration,
        target,
        targetType,
        script,
        arguments,
        environment,
        user,
        host,
        gitCommit,
        gitDirty,
        snapshotId,
        created,
        started,
        ended,
        status,
        exitCode,
        statusDetail,
        sweepId,
        attempt,
        attributes);
  }

  public Run withSnapshot(String snapshotId) {
    return new Run(
        id,
        experiment,
        runConfiguration,
        target,
        targetType,
        script,
        arguments,
        environment,
        user,
        host,
        gitCommit,
        gitDirty,
        snapshotId,
        created,
        started,
        ended,
        status,
        exitCode,
        statusDetail,
        sweepId,
        attempt,
        attributes);
  }

  public Run withAttribute(String key, String value) {
    Map<String, String> a = new LinkedHashMap<>(attributes);
    a.put(key, value);
    return new Run(
        id,
        experiment,
        runConfiguration,
        target,
        targetType,
        script,
        arguments,
        environment,
        user,
        host,
        gitCommit,
        gitDirty,
        snapshotId,
        created,
        started,
        ended,
        status,
        exitCode,
        statusDetail,
        sweepId,
        attempt,
        a);
  }
}
