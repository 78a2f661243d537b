package io.labrun.compute.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryLimitTest {
  private static ComputeTargetSpec target(Object limit) {
    ComputeTargetSpec s = ComputeTargetSpec.of("docker", TargetType.DOCKER);
    return new ComputeTargetSpec(
        s.name(),
        s.type(),
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
        limit == null ? Map.of() : Map.of("memoryLimit", limit));
  }

  @Test
  void sizesAreReadAsDockerReadsThem() {
    assertThat(MemoryLimit.of(target(null))).isEmpty();
    assertThat(MemoryLimit.of(target("96m")).orElseThrow().bytes()).isEqualTo(96L << 20);
    assertThat(MemoryLimit.of(target("2G")).orElseThrow().bytes()).isEqualTo(2L << 30);
    assertThat(MemoryLimit.of(target("512MiB")).orElseThrow().bytes()).isEqualTo(512L << 20);
    assertThat(MemoryLimit.of(target(1L << 30)).orElseThrow().bytes())
        .as("a YAML number: bytes")
        .isEqualTo(1L << 30);
  }

  @Test
  void anythingElseIsOneLineSayingWhatToWrite() {
    for (Object bad : new Object[] {"lots", "1m", "-5g", "1.5g", 1024L, "99999999999999999t"}) {
      assertThatThrownBy(() -> MemoryLimit.of(target(bad)))
          .isInstanceOfSatisfying(
              LabrunException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
                assertThat(e.getMessage())
                    .startsWith(
                        "memoryLimit in aml_config/docker.compute must be a size of at least 6m,"
                            + " such as 512m or 2g; got ");
              });
    }
  }
}
