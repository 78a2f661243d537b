package io.labrun.core.supervisor;

import java.time.Instant;

/**
 * {@code STATE/supervisor.json}, written once the script has started: the supervisor's pid, the
 * script's pid and process group (what a cancel signals), and when it started.
 */
public record SupervisorState(long pid, long childPid, long childPgid, Instant started) {

  public static SupervisorState parse(String json) {
    Fields f = Fields.parse(StateFolder.SUPERVISOR, json);
    return new SupervisorState(
        f.longValue("pid"),
        f.longValue("child_pid"),
        f.longValue("child_pgid"),
        Instant.ofEpochMilli(f.longValue("started_ms")));
  }
}
