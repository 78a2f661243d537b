package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.LabrunException;
import org.junit.jupiter.api.Test;

class SlurmTest {
  @Test
  void sbatchParsableGivesTheJobIdWithOrWithoutACluster() {
    assertThat(Slurm.jobId("42\n")).isEqualTo("42");
    assertThat(Slurm.jobId("42;hpc\n")).isEqualTo("42");
    assertThat(Slurm.jobId("Welcome to the cluster\n1234\n"))
        .as("after a login script's lines")
        .isEqualTo("1234");
  }

  @Test
  void anAnswerWithoutAJobIdIsAnError() {
    assertThatThrownBy(() -> Slurm.jobId("sbatch: error: Batch job submission failed"))
        .isInstanceOf(LabrunException.class)
        .hasMessageContaining("no job id");
  }
}
