package io.labrun.app;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.Artifact;
import java.nio.file.Path;
import java.util.List;

/**
 * Which files {@code history download} writes and where: the same checks for this machine's history
 * and a server's.
 */
public final class Downloads {
  private Downloads() {}

  /**
   * The artifacts {@code --artifact} names (a file or a folder), all without it; not found when
   * none.
   */
  public static List<Artifact> chosen(String runId, List<Artifact> all, String artifact) {
    List<Artifact> chosen =
        artifact == null
            ? all
            : all.stream()
                .filter(
                    a ->
                        a.path().equals(artifact)
                            || a.path()
                                .startsWith(artifact.endsWith("/") ? artifact : artifact + "/"))
                .toList();
    if (chosen.isEmpty()) {
      throw LabrunException.notFound(
          artifact == null
              ? "run " + runId + " has no artifacts (it wrote nothing under ./outputs)"
              : "run "
                  + runId
                  + " has no artifact '"
                  + artifact
                  + "'; it has: "
                  + String.join(", ", all.stream().map(Artifact::path).toList()));
    }
    return chosen;
  }

  /**
   * Where a file of the run named {@code path} goes in {@code dir}; refused when the name would
   * leave it.
   */
  public static Path inside(Path dir, String path, String runId) {
    Path target = dir.resolve(path).normalize();
    if (path.startsWith("/") || !target.startsWith(dir) || target.equals(dir)) {
      throw new LabrunException(
          ExitCode.STORE,
          "file path "
              + path
              + " of run "
              + runId
              + " points outside "
              + dir
              + "; refusing to write it");
    }
    return target;
  }
}
