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
