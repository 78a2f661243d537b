package io.labrun.server;

import io.labrun.app.LocalRuns;
import io.labrun.app.RunPipeline;
import io.labrun.core.config.ProjectConfigs;
import io.labrun.core.finish.Reconciler;
import io.labrun.core.finish.RunFinisher;
import io.labrun.core.finish.RunRemoval;
import io.labrun.core.finish.UnusedObjects;
import io.labrun.core.history.ObjectStore;
import io.labrun.core.history.RunBrowser;
import io.labrun.core.history.RunStore;
import io.labrun.core.home.LabrunPaths;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.Submitter;
import io.labrun.core.project.Project;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import io.labrun.core.snapshot.Snapshotter;
import io.labrun.core.sweep.SweepRecords;
import java.time.Clock;
import java.util.Optional;

/**
 * What the server's {@link LocalRuns} works on: its setup, with two differences from the command
 * line's. Runs are shown as the history has them (the queue follows its runs and reconciles all
 * others every 10 s, so a request never waits on a target), and the objects only deleted runs used
 * are collected in the background. A server that only shows history has no pipeline: what needs one
 * answers 503.
 */
record ServerParts(ServerSetup setup, UnusedObjects unused) implements LocalRuns.Parts {
  @Override
  public RunStore store() {
    return setup.store();
  }

  @Override
  public RunBrowser browser() {
    return setup.browser();
  }

  @Override
  public ObjectStore objects() {
    return setup.objects();
  }

  @Override
  public LabrunPaths paths() {
    return setup.paths();
  }

  @Override
  public Clock clock() {
    return setup.clock();
  }

  @Override
  public ProjectConfigs configs(Project project) {
    return setup.configs().apply(project);
  }

  @Override
  public Snapshotter snapshotter() {
    return new Snapshotter(setup.objects(), setup.paths().cache());
  }

  @Override
  public RunRemoval runRemoval() {
    return new RunRemoval(setup.store(), setup.paths(), unused);
  }

  @Override
  public SweepRecords sweeps() {
    return setup.sweeps();
  }

  @Override
  public Run current(Run run) {
    return run;
  }

  @Override
  public void currentAll() {}

  @Override
  public void collectUnused(RunRemoval removal) {
    removal.collectSoon();
  }

  @Override
  public Submitter submitter(ProjectConfigs configs, RunEvents events) {
    return pipeline().submitter(configs, events);
  }

  @Override
  public RunFinisher finisher() {
    return pipeline().finisher();
  }

  @Override
  public Reconciler reconciler() {
    return pipeline().reconciler();
  }

  @Override
  public Optional<ComputeTarget> targetOf(Run run) {
    return pipeline().targetOf(run);
  }

  private RunPipeline pipeline() {
    if (setup.pipeline() == null) {
      throw new ApiError(503, "this server shows history only; it cannot run or stop runs");
    }
    return setup.pipeline();
  }
}
