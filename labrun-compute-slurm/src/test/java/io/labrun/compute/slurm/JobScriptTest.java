package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
