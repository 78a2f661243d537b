package io.labrun.core.supervisor;

import io.labrun.core.home.Folders;
import io.labrun.core.json.Json;
import io.labrun.core.run.Redaction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the supervisor runs, as {@code STATE/launch.json}: the command, its working folder and extra
 * environment, the log limit, an optional timeout, the grace between SIGTERM and SIGKILL, the pid
 * of the labrun process that started the run, and the command that records the run's end when that
 * process is gone (optional). Paths are as the supervisor sees them (inside a container, on a
 * remote host), hence strings. The file holds the run's secrets (its environment) only until the
 * supervisor has read it; then the supervisor rewrites it with {@value #SHOWN} in their place.
 */
public record LaunchSpec(
    List<String> argv,
    String cwd,
    Map<String, String> env,
    long logLimitBytes,
    Long timeoutSeconds,
    long killGraceSeconds,
    long parentPid,
    List<String> finalizeArgv) {

  /**
   * The field with the environment and argv as {@link Redaction} shows them, present only when they
   * differ: the supervisor rewrites the file with them in place of the real ones once it has read
   * it.
   */
  public static final String SHOWN = "shown";

  public static final long DEFAULT_LOG_LIMIT_BYTES = 64L << 20;
  public static final long DEFAULT_KILL_GRACE_SECONDS = 10;

  public LaunchSpec {
    if (argv == null || argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    argv = List.copyOf(argv);
    env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
    finalizeArgv = finalizeArgv == null ? null : List.copyOf(finalizeArgv);
    if (logLimitBytes <= 0
        || killGraceSeconds < 0
        || timeoutSeconds != null && timeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "log limit and timeout must be positive, the kill grace not negative");
    }
  }

  /** A launch with the default limits, no timeout and no finalizer. */
  public static LaunchSpec of(
      List<String> argv, String cwd, Map<String, String> env, long parentPid) {
    return new LaunchSpec(
        argv, cwd, env, DEFAULT_LOG_LIMIT_BYTES, null, DEFAULT_KILL_GRACE_SECONDS, parentPid, null);
  }

  public LaunchSpec withTimeoutSeconds(Long v) {
    return new LaunchSpec(
        argv, cwd, env, logLimitBytes, v, killGraceSeconds, parentPid, finalizeArgv);
  }

  public LaunchSpec withLogLimitBytes(long v) {
    return new LaunchSpec(
        argv, cwd, env, v, timeoutSeconds, killGraceSeconds, parentPid, finalizeArgv);
  }

  public LaunchSpec withKillGraceSeconds(long v) {
    return new LaunchSpec(
        argv, cwd, env, logLimitBytes, timeoutSeconds, v, parentPid, finalizeArgv);
  }

  public LaunchSpec withFinalizeArgv(List<String> v) {
    return new LaunchSpec(
        argv, cwd, env, logLimitBytes, timeoutSeconds, killGraceSeconds, parentPid, v);
  }

  public String toJson() {
    return toJson(Map.of());
  }

  /**
   * The record with {@code extra} fields a target adds for its supervisor (e.g. Docker's {@code
   * copy_from}).
   */
  public String toJson(Map<String, ?> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("argv", argv);
    m.put("cwd", cwd);
    m.put("env", env);
    m.put("log_limit_bytes", logLimitBytes);
    m.put("timeout_seconds", timeoutSeconds);
    m.put("kill_grace_seconds", killGraceSeconds);
    m.put("parent_pid", parentPid);
    m.put("finalize_argv", finalizeArgv);
    m.putAll(extra);
    Map<String, String> shownEnv = Redaction.named(env);
    List<String> shownArgv = Redaction.arguments(argv);
    if (!shownEnv.equals(env) || !shownArgv.equals(argv)) {
      // What the file keeps once the supervisor has read it: the secrets are needed only to start
      // the script.
      m.put(SHOWN, Map.of("env", shownEnv, "argv", shownArgv));
    }
    return Json.write(m);
  }

  /**
   * Writes {@code json} (this record, with a target's extra fields) as {@code STATE/launch.json},
   * in a state folder of the owner alone (0700) and as a file of the owner alone (0600).
   */
  public static void write(Path stateDir, String json) throws IOException {
    Folders.createPrivate(stateDir);
    Folders.writePrivate(stateDir.resolve(StateFolder.LAUNCH), json);
  }

  /** Reads a launch.json; missing limits take their defaults. */
  public static LaunchSpec parse(String json) {
    Fields f = Fields.parse(StateFolder.LAUNCH, json);
    return new LaunchSpec(
        f.stringList("argv"),
        f.optString("cwd"),
        f.stringMap("env"),
        f.longValue("log_limit_bytes", DEFAULT_LOG_LIMIT_BYTES),
        f.optLong("timeout_seconds"),
        f.longValue("kill_grace_seconds", DEFAULT_KILL_GRACE_SECONDS),
        f.longValue("parent_pid", 0),
        f.optStringList("finalize_argv"));
  }
}
