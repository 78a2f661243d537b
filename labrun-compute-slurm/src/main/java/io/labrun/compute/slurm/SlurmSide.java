package io.labrun.compute.slurm;

import io.labrun.core.environment.EnvironmentRequest;
import io.labrun.core.environment.PreparedEnvironment;
import io.labrun.core.plan.RunPlan;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunEvents;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * Where a slurm target's runs are placed and its Slurm commands run: this machine ({@link
 * ThisMachine}), or the cluster's login node over SSH ({@link LoginNode}). Either way the run's
 * folder is on the file system the compute nodes share.
 */
interface SlurmSide {
  /** A run's folder written out for its job: absolute paths as the compute nodes see them. */
  record Placed(String state, String work, String script) {}

  SlurmCommands commands();

  /** Whether the submit writes the run's working folder on this machine first. */
  boolean needsLocalWorkDir();

  /**
   * Writes the run's state folder ({@code launchJson} as {@code launch.json}, the job script that
   * {@code script} makes from labrun's Python folder and the state folder) and its working folder.
   */
  Placed place(RunPlan plan, String launchJson, BiFunction<String, String, String> script);

  /**
   * Writes {@code text} as file {@code name} in the state folder of {@code plan}, placed as {@code
   * placed}; returns its path as the compute nodes see it.
   */
  String write(RunPlan plan, Placed placed, String name, String text);

  /**
   * The environment of {@code request} made from {@code python} where the compute nodes see it (a
   * venv, or a conda environment on a login node that has conda), built once per environment id
   * under a lock, when missing and allowed.
   */
  PreparedEnvironment environment(String python, EnvironmentRequest request, RunEvents events);

  /** The Python of a prepared environment, as the compute nodes see it. */
  String interpreter(PreparedEnvironment env);

  /** The state folder of {@code run}, whose local state folder is {@code stateDir}. */
  JobFolder folder(Run run, Path stateDir);
}
