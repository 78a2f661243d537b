package io.labrun.app;

import io.labrun.compute.local.LocalRuntime;
import io.labrun.core.error.LabrunException;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.KeptWarm;
import io.labrun.ssh.HostKeyPolicy;
import io.labrun.ssh.PassphrasePrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What an {@link Assembly} is built from: the folders, the environment of the command (or of the
 * server) and what only its front end can give: how to start labrun again, whom to ask about host
 * keys and passphrases, and what a resident labrun keeps warm for the targets. The environment
 * variables labrun reads itself are read here, each when first needed (a bad {@code
 * LABRUN_LOG_LIMIT_BYTES} fails only what starts a run).
 *
 * @param ownerPid the process whose end means nobody watches this command's runs any more
 * @param main the class whose {@code main} starts labrun, for when no launcher script is known
 * @param resident what the resident labrun this runs in keeps between commands (the local target's
 *     supervisor zygotes); null when it runs in a process of its own
 * @param hostKeys who is asked to trust a new host key; null when nobody is at a terminal
 * @param passphrases who is asked for a key file's passphrase; null when nobody is at a terminal
 */
public record Settings(
    LabrunPaths paths,
    Map<String, String> env,
    Path cwd,
    long ownerPid,
    Class<?> main,
    KeptWarm resident,
    HostKeyPolicy.HostKeyPrompt hostKeys,
    PassphrasePrompt passphrases) {

  public Settings {
    env = Map.copyOf(env);
  }

  /** The variable that names the history to use instead of the embedded one. */
  public static final String STORE = "LABRUN_STORE";

  /** The variable that names where objects are kept instead of the data folder. */
  public static final String OBJECTS = "LABRUN_OBJECTS";

  /**
   * {@code LABRUN_OBJECTS}: where objects are kept; null for the data folder's {@code objects/}.
   */
  public String objectsLocation() {
    String chosen = env.get(OBJECTS);
    return chosen == null || chosen.isBlank() ? null : chosen;
  }

  /**
   * {@code LABRUN_STORE}: the history to use (a team's {@code jdbc:postgresql://...}, as {@code
   * labrun server --store} takes it); null for the embedded history of the data folder.
   */
  public String storeLocation() {
    String chosen = env.get(STORE);
    return chosen == null || chosen.isBlank() ? null : chosen;
  }

  /** {@code LABRUN_LOG_LIMIT_BYTES}: how much of a run's output is kept (head and tail). */
  public long logLimit() {
    String v = env.get("LABRUN_LOG_LIMIT_BYTES");
    long limit;
    try {
      limit = v == null ? LocalRuntime.DEFAULT_LOG_LIMIT : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      limit = 0;
    }
    if (limit <= 0) {
      throw LabrunException.badInput(
          "LABRUN_LOG_LIMIT_BYTES must be a positive number of bytes, got '"
              + v
              + "'; unset it for the default (256 MiB)");
    }
    return limit;
  }

  /** {@code LABRUN_LAUNCHER}: the script that starts labrun, when it is one that can be run. */
  public Path launcher() {
    String launcher = env.get("LABRUN_LAUNCHER");
    return launcher != null && Files.isExecutable(Path.of(launcher)) ? Path.of(launcher) : null;
  }

  public Path userHome() {
    return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
  }

  public String user() {
    return env.getOrDefault("USER", System.getProperty("user.name"));
  }

  public String host() {
    String h = env.get("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h;
    }
    try {
      return Files.readString(Path.of("/etc/hostname")).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
