package io.labrun.core.supervisor;

import io.labrun.core.home.Folders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The files a script uploaded ({@code Run.upload_file(name, path)} of {@code azureml.core.run}):
 * {@code STATE/metrics/uploads/<artifact name>}, each put there whole (written beside, then
 * renamed), so every file found is complete. They become the run's artifacts under their names.
 */
public final class Uploads {

  private Uploads() {}

  /**
   * Artifact name ({@code /}-separated) to file, sorted by name; empty when nothing was uploaded.
   */
  public static Map<String, Path> read(Path metricsDir) throws IOException {
    return Folders.files(metricsDir.resolve(StateFolder.UPLOADS));
  }
}
