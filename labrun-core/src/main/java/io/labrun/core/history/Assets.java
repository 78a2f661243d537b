package io.labrun.core.history;

import io.labrun.core.error.LabrunException;

/**
 * {@code history promote}: an artifact of a run named as an asset (the model to deploy), the one
 * way the CLI and the server do it.
 */
public final class Assets {
  private Assets() {}

  /**
   * Names {@code artifactPath} of run {@code runId} as the asset {@code name}; a path the run did
   * not keep is not found.
   */
  public static void promote(RunStore store, String runId, String artifactPath, String name) {
    if (store.artifacts(runId).stream().noneMatch(a -> a.path().equals(artifactPath))) {
      throw LabrunException.notFound(
          "run "
              + runId
              + " has no artifact '"
              + artifactPath
              + "'; see 'labrun history info -r "
              + runId
              + "'");
    }
    store.promote(runId, artifactPath, name);
  }
}
