package io.labrun.compute.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlurmSettingsTest {
  @Test
  void slurmsTimeFormsAreUnderstood() {
    assertThat(SlurmSettings.duration("30")).contains(Duration.ofMinutes(30));
    assertThat(SlurmSettings.duration("30:15")).contains(Duration.ofMinutes(30).plusSeconds(15));
    assertThat(SlurmSettings.duration("2:00:00")).contains(Duration.ofHours(2));
    assertThat(SlurmSettings.duration("1-12")).contains(Duration.ofHours(36));
    assertThat(SlurmSettings.duration("1-0:30")).contains(Duration.ofDays(1).plusMinutes(30));
    assertThat(SlurmSettings.duration("2-03:04:05"))
        .contains(Duration.ofDays(2).plusHours(3).plusMinutes(4).plusSeconds(5));
    assertThat(SlurmSettings.duration("2h")).isEmpty();
    assertThat(SlurmSettings.duration("0")).isEmpty();
    assertThat(SlurmSettings.duration("1:2:3:4")).isEmpty();
  }

  @Test
  void eachKeySaysWhatIsWrong() {
    assertThat(SlurmSettings.problem("partition", "gpu")).isEmpty();
    assertThat(SlurmSettings.problem("partition", "gpu; rm -rf"))
        .hasValueSatisfying(p -> assertThat(p).contains("'partition'"));
    assertThat(SlurmSettings.problem("gpus", "2")).isEmpty();
    assertThat(SlurmSettings.problem("gpus", "a100:2")).isEmpty();
    assertThat(SlurmSettings.problem("gpus", "two")).isPresent();
    assertThat(SlurmSettings.problem("memory", "16G")).isEmpty();
    assertThat(SlurmSettings.problem("memory", "4000")).isEmpty();
    assertThat(SlurmSettings.problem("memory", "16 GB"))
        .hasValueSatisfying(p -> assertThat(p).contains("16G"));
    assertThat(SlurmSettings.problem("time", "2:00:00")).isEmpty();
    assertThat(SlurmSettings.problem("time", "2 hours"))
        .hasValueSatisfying(p -> assertThat(p).contains("HOURS:MINUTES:SECONDS"));
    assertThat(SlurmSettings.problem("workFolder", "/scratch/me")).isEmpty();
    assertThat(SlurmSettings.problem("workFolder", "~/labrun")).isEmpty();
    assertThat(SlurmSettings.problem("workFolder", "scratch")).isPresent();
    assertThat(SlurmSettings.problem("sbatchOptions", "--exclusive")).isEmpty();
    assertThat(SlurmSettings.problem("sbatchOptions", "exclusive")).isPresent();
    assertThat(SlurmSettings.problem("sbatchOptions", "--a\n#SBATCH --b")).isPresent();
  }

  @Test
  void theSettingsAreReadFromTheFilesOtherKeys() {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("partition", "debug");
    keys.put("nodes", 2L); // as YAML gives numbers
    keys.put("cpusPerTask", "4");
    keys.put("memory", 4000L);
    keys.put("sbatchOptions", List.of("--exclusive"));
    ComputeTargetSpec spec =
        new ComputeTargetSpec(
            "hpc",
            TargetType.LOCAL,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            keys);
    SlurmSettings s = SlurmSettings.of(spec);
    assertThat(s.partition()).isEqualTo("debug");
    assertThat(s.nodes()).isEqualTo(2);
    assertThat(s.cpusPerTask()).isEqualTo(4);
    assertThat(s.sbatchOptions()).containsExactly("--exclusive");
    assertThat(s.memory()).isEqualTo("4000");
    assertThat(s.time()).isNull();
  }
}
