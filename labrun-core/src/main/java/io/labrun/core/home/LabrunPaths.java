package io.labrun.core.home;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where labrun keeps its data on this machine, following the XDG conventions: history and objects
 * under {@code $XDG_DATA_HOME/labrun} (default {@code ~/.local/share/labrun}), keys and known hosts
 * under {@code $XDG_CONFIG_HOME/labrun} (default {@code ~/.config/labrun}). {@code LABRUN_HOME}
 * puts everything under one folder instead ({@code data/} and {@code config/} inside it).
 */
public record LabrunPaths(Path dataDir, Path configDir) {

  public static LabrunPaths fromEnvironment() {
    return from(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  public static LabrunPaths from(Map<String, String> env, Path userHome) {
    String home = env.get("LABRUN_HOME");
    if (home != null && !home.isBlank()) {
      Path root = Path.of(home).toAbsolutePath().normalize();
      return new LabrunPaths(root.resolve("data"), root.resolve("config"));
    }
    Path data = xdg(env, "XDG_DATA_HOME", userHome.resolve(".local/share"));
    Path config = xdg(env, "XDG_CONFIG_HOME", userHome.resolve(".config"));
    return new LabrunPaths(data.resolve("labrun"), config.resolve("labrun"));
  }

  private static Path xdg(Map<String, String> env, String name, Path fallback) {
    String v = env.get(name);
    // The XDG spec says relative paths are invalid and must be ignored.
    return v != null && !v.isBlank() && Path.of(v).isAbsolute() ? Path.of(v) : fallback;
  }

  public Path database() {
    return dataDir.resolve("labrun.db");
  }

  public Path objects() {
    return dataDir.resolve("objects");
  }

  public Path runs() {
    return dataDir.resolve("runs");
  }

  public Path runState(String runId) {
    return runs().resolve(runId);
  }

  public Path cache() {
    return dataDir.resolve("cache");
  }

  /** Per-project folders that outlive runs ({@code nativeSharedDirectory}). */
  public Path shared() {
    return dataDir.resolve("share");
  }

  public Path secretKey() {
    return configDir.resolve("secret.key");
  }

  public Path sshKeys() {
    return configDir.resolve("ssh");
  }

  public Path knownHosts() {
    return configDir.resolve("known_hosts");
  }
}
