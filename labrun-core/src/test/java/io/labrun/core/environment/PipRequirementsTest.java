package io.labrun.core.environment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PipRequirementsTest {
  @Test
  void condaSpecsBecomePipRequirements() {
    assertThat(PipRequirements.fromConda("numpy=1.26")).contains("numpy==1.26.*");
    assertThat(PipRequirements.fromConda("numpy==1.26.4")).contains("numpy==1.26.4");
    assertThat(PipRequirements.fromConda("numpy=1.26.4=py311h64a7726_0"))
        .contains("numpy==1.26.4.*");
    assertThat(PipRequirements.fromConda("numpy==1.26.4=py311h64a7726_0"))
        .contains("numpy==1.26.4");
    assertThat(PipRequirements.fromConda("conda-forge::scikit-learn >= 1.3, <2"))
        .contains("scikit-learn>=1.3,<2");
    assertThat(PipRequirements.fromConda("Pandas")).contains("pandas");
    assertThat(PipRequirements.fromConda("numpy 1.26")).contains("numpy==1.26.*");
    assertThat(PipRequirements.fromConda("numpy=1.26.*")).contains("numpy==1.26.*");
  }

  @Test
  void pythonAndPipAreNotInstalledByPip() {
    assertThat(PipRequirements.fromConda("python=3.11")).isEmpty();
    assertThat(PipRequirements.fromConda("pip")).isEmpty();
    assertThat(PipRequirements.fromConda(" python ")).isEmpty();
  }

  @Test
  void normalizationIgnoresSpacingAndCase() {
    assertThat(PipRequirements.normalizeCondaSpec("  NumPy   >=  1.2 ")).isEqualTo("numpy>=1.2");
    assertThat(PipRequirements.normalizeCondaSpec("numpy 1.26")).isEqualTo("numpy 1.26");
    assertThat(PipRequirements.normalizePipSpec("Requests == 2.31.0"))
        .isEqualTo("requests==2.31.0");
    assertThat(PipRequirements.normalizePipSpec("https://example.org/A.whl"))
        .isEqualTo("https://example.org/A.whl");
    assertThat(PipRequirements.condaName("conda-forge::NumPy>=1")).isEqualTo("numpy");
  }
}
