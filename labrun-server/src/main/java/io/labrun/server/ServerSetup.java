package io.labrun.server;

import io.labrun.app.Assembly;
import io.labrun.app.RunPipeline;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.history.ApiTokens;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunBrowser;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.project.Project;
import io.labrun.core.sweep.SweepRecords;
import java.time.Clock;
import java.util.function.Function;

/**
 * The adapters a server works with: in {@code labrun server}, the same {@link Assembly} the command
 * line uses ({@link #of}); in tests, fewer.
 *
 * @param sweeps the sweeps of the history (in the run store, with those of an older labrun's data
 *     folder imported on first use)
 * @param project the project whose {@code aml_config/} lists the targets shown; null for none
 * @param pipeline how runs are executed; null for a server that only shows history
 */
public record ServerSetup(
    RunStore store,
    RunBrowser browser,
    ApiTokens tokens,
    SweepRecords sweeps,
    ObjectStore objects,
    LabrunPaths paths,
    Project project,
    Function<Project, ProjectConfigs> configs,
    RunPipeline pipeline,
    Clock clock) {

  /**
   * A server on what {@code assembly} opens: its history (tokens included), its objects, its
   * pipeline, with SSH targets logging in with the passwords the server's operator stored.
   */
  public static ServerSetup of(Assembly assembly, Project project) {
    RunStore history = assembly.store();
    ObjectStore objects = assembly.objects();
    assembly.useServerPasswords();
    return new ServerSetup(
        history,
        assembly.browser(),
        assembly.tokens(),
        assembly.sweeps(),
        objects,
        assembly.paths(),
        project,
        assembly::configs,
        assembly,
        assembly.clock());
  }
}
