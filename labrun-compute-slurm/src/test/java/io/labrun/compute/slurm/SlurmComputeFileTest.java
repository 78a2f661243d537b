package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.ConfigException;
import io.labrun.core.project.Project;
import io.labrun.format.AmlProjectConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A slurm target's file as the project format reads it, with this module's keys declared through
 * its provider.
 */
class SlurmComputeFileTest {
  @TempDir Path root;

  private AmlProjectConfigs project(String name, String text) throws Exception {
    Files.createDirectories(root.resolve("aml_config"));
    Files.writeString(root.resolve("aml_config/" + name + ".compute"), text);
    return new AmlProjectConfigs(new Project(root));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    ComputeTargetSpec spec =
        project(
                "hpc",
                """
                type: slurm
                address: login.hpc.example.org
                username: alice
                sshKeyFile: ~/.ssh/id_ed25519
                partition: gpu
                account: lab42
                qos: normal
                nodes: 1
                cpusPerTask: 8
                gpus: a100:2
                memory: 32G
                time: "2:00:00"
                sbatchOptions:
                  - --constraint=v100
                pythonLocation: /usr/bin/python3
                """)
            .computeTarget("hpc")
            .value();
    assertThat(spec.type()).isEqualTo(SlurmTargetProvider.SLURM);
    SlurmSettings s = SlurmSettings.of(spec);
    assertThat(s)
        .isEqualTo(
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
                List.of("--constraint=v100")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          slurm-array          | 3:5: 'sbatchOptions' cannot hold --array: labrun makes a sweep's job array itself (labrun experiment sweep --parallel K is --array=0-N%K)
          slurm-cpus-zero      | 2:14: 'cpusPerTask' must be a whole number from 1 to 2147483647, got 0
          slurm-memory-words   | 2:9: 'memory' must be Slurm's --mem: megabytes (4000) or a number with K, M, G or T (16G), got "16 GB"
          slurm-option-without-dash | 4:5: each line of 'sbatchOptions' must be one sbatch option starting with '-' (e.g. --constraint=v100), got "constraint=v100"
          slurm-requeue        | 3:5: 'sbatchOptions' cannot hold --requeue: labrun's jobs are never requeued by Slurm; a preempted or failed job is tried again as a new run with --retries N
          slurm-time-words     | 3:7: 'time' must be Slurm's --time: MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS, DAYS-HOURS:MINUTES or DAYS-HOURS:MINUTES:SECONDS (e.g. 30, 2:00:00, 1-12), got "2 hours"
          """)
  void aWrongValueIsOneLineAtItsPosition(String file, String expected) throws Exception {
    AmlProjectConfigs configs =
        project(file, Files.readString(Path.of("src/test/resources/compute", file + ".compute")));
    Throwable thrown = catchThrowable(() -> configs.computeTarget(file));
    assertThat(thrown)
        .isInstanceOf(ConfigException.class)
        .hasMessage("aml_config/" + file + ".compute:" + expected);
  }
}
