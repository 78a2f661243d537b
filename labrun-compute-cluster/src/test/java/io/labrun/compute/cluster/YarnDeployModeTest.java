package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import org.junit.jupiter.api.Test;

class YarnDeployModeTest {
  @Test
  void clusterUnlessTheRunConfigurationOrTheTargetSaysOtherwiseOnYarnOnly() {
    assertThat(YarnDeployMode.of("yarn", null, "r", null, "c")).isEqualTo("cluster");
    assertThat(YarnDeployMode.of("yarn", null, "r", "client", "c")).isEqualTo("client");
    assertThat(YarnDeployMode.of("yarn", "Cluster", "r", "client", "c")).isEqualTo("cluster");
    assertThat(YarnDeployMode.of("yarn", "client", "r", null, "c")).isEqualTo("client");
    assertThat(YarnDeployMode.of("spark://h:7077", "cluster", "r", "cluster", "c")).isNull();
    assertThat(YarnDeployMode.of(null, null, "r", "client", "c")).isNull();
  }

  @Test
  void theClusterModuleDeclaresTheKeySoThatTheFormatChecksItWhenItReadsTheFile() {
    var key =
        new ClusterTargetProvider()
            .keys().stream()
                .filter(k -> k.name().equals("yarnDeployMode"))
                .findFirst()
                .orElseThrow();
    assertThat(key.check().apply("Client")).isEmpty();
    assertThat(key.check().apply("cluster")).isEmpty();
    assertThat(key.check().apply("sometimes"))
        .contains("'yarnDeployMode' must be cluster or client, got \"sometimes\"");
  }

  @Test
  void anotherValueIsOneLineSayingWhere() {
    assertThatThrownBy(
            () -> YarnDeployMode.of("yarn", null, "r", "sometimes", "aml_config/hdi.compute"))
        .isInstanceOf(LabrunException.class)
        .hasMessage(
            "yarnDeployMode in aml_config/hdi.compute must be cluster or client, got 'sometimes'")
        .satisfies(e -> assertThat(((LabrunException) e).exitCode()).isEqualTo(ExitCode.BAD_INPUT));
  }
}
