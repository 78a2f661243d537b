package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobScriptTest {
  private static final SlurmSettings ALL =
      new SlurmSettings(
          "gpu",
          "lab42",
          "normal",
          1,
          8,
          "a100:2",
          "32G",
          "2:00:00",
          null,
          List.of("--constraint=v100", "--time=3:00:00"));

  @Test
  void everyKeyBecomesAnSbatchLineAndTheExtraOptionsComeLast() {
    String text =
        JobScript.text(
            ALL,
            null,
            "/usr/bin/python3",
            "/home/u/.labrun/lib/abc/labrun_supervisor.py",
            "/home/u/.labrun/runs/r 1");
    assertThat(text)
        .startsWith("#!/bin/sh\n")
        .contains(
            """
            #SBATCH --partition=gpu
            #SBATCH --account=lab42
            #SBATCH --qos=normal
            #SBATCH --nodes=1
            #SBATCH --cpus-per-task=8
            #SBATCH --gres=gpu:a100:2
            #SBATCH --mem=32G
            #SBATCH --time=2:00:00
            #SBATCH --constraint=v100
            #SBATCH --time=3:00:00
            exec /usr/bin/python3 /home/u/.labrun/lib/abc/labrun_supervisor.py '/home/u/.labrun/runs/r 1'
            """);
  }

  @Test
  void labrunsTimeoutBecomesTheJobsTimeLimitWithAGrace() {
    String text = JobScript.text(ALL, Duration.ofSeconds(90), "python3", "s.py", "/s");
    assertThat(text).contains("#SBATCH --time=3\n").doesNotContain("--time=2:00:00");
    assertThat(JobScript.limit(Duration.ofSeconds(2))).isEqualTo("2");
    assertThat(JobScript.limit(Duration.ofHours(1))).isEqualTo("61");
  }

  @Test
  void nothingSetIsNothingWritten() {
    String text =
        JobScript.text(
            new SlurmSettings(null, null, null, null, null, null, null, null, null, null),
            null,
            "python3",
            "s.py",
            "/s");
    assertThat(text).doesNotContain("#SBATCH");
  }

  @Test
  void theJobIsNamedAfterTheRunWritesIntoItsFolderAndIsNeverRequeuedBySlurm() {
    assertThat(JobScript.submitArguments("proj_1", "/s", "/s/work", "/s/job.sh"))
        .containsExactly(
            "sbatch",
            "--parsable",
            "--job-name=labrun-proj_1",
            "--output=/s/slurm-%j.out",
            "--chdir=/s/work",
            "--no-requeue",
            "/s/job.sh");
  }

  @Test
  void anArraysTaskRunsItsOwnRunsJobInItsRunsWorkingFolderAndWritesSlurmsMessagesThere(
      @TempDir Path tmp) throws Exception {
    List<SlurmSide.Placed> runs = new ArrayList<>();
    for (String name : List.of("run 0", "run'1")) {
      Path state = Files.createDirectories(tmp.resolve(name));
      Files.createDirectories(state.resolve("work"));
      Files.writeString(state.resolve("job.sh"), "echo \"$0 in $(pwd)\"\necho oops >&2\n");
      runs.add(
          new SlurmSide.Placed(
              state.toString(), state.resolve("work").toString(), state + "/job.sh"));
    }
    String text = JobScript.arrayText(ALL, Duration.ofSeconds(90), runs);
    assertThat(text).contains("#SBATCH --partition=gpu\n").contains("#SBATCH --time=3\n");
    Path script = Files.writeString(tmp.resolve("array.sh"), text);
    for (int task = 0; task < 2; task++) {
      ProcessBuilder pb =
          new ProcessBuilder("sh", script.toString())
              .directory(tmp.toFile())
              .redirectErrorStream(true);
      pb.environment().put("SLURM_ARRAY_JOB_ID", "77");
      pb.environment().put("SLURM_ARRAY_TASK_ID", Integer.toString(task));
      Process run = pb.start();
      assertThat(run.waitFor()).isZero();
      Path out = Path.of(runs.get(task).state(), "slurm-77_" + task + ".out");
      assertThat(out)
          .hasContent(runs.get(task).script() + " in " + runs.get(task).work() + "\noops");
    }
    ProcessBuilder none = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
    none.environment().put("SLURM_ARRAY_TASK_ID", "2");
    Process p = none.start();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("labrun: no run for array task 2\n");
    assertThat(p.waitFor()).isEqualTo(1);
  }

  @Test
  void anArrayIsNamedAfterItsSweepThrottledToParallelAndNeverRequeuedBySlurm() {
    assertThat(JobScript.arrayArguments("proj-sweep_1", 100, 2, "/runs", "/runs/r0/array.sh"))
        .containsExactly(
            "sbatch",
            "--parsable",
            "--job-name=labrun-proj-sweep_1",
            "--array=0-99%2",
            "--output=/dev/null",
            "--chdir=/runs",
            "--no-requeue",
            "/runs/r0/array.sh");
  }
}
