package io.labrun.compute.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.Framework;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.EnvironmentUse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the local module says of its runs' environment, which {@code runconfiguration show} prints
 * and notes: the original's interpreter as it is, whatever the configuration asks, unless the
 * target asks labrun for a venv.
 */
class LocalTargetProviderTest {
  private final LocalTargetProvider provider = new LocalTargetProvider();
  private final ComputeTargetSpec local = ComputeTargetSpec.of("local", TargetType.LOCAL);

  @Test
  void prepareEnvironmentHasNoEffectOnALocalTarget() {
    assertThat(provider.environment(local, configuration(Framework.PYTHON, false)))
        .isEqualTo(EnvironmentUse.AS_IS_WHATEVER_ASKED);
    assertThat(provider.environment(local, configuration(Framework.PYTHON, true)))
        .isEqualTo(EnvironmentUse.AS_IS_WHATEVER_ASKED);
  }

  @Test
  void labrunLocalVenvBuildsAPythonRunsVenvWithTheRun() {
    ComputeTargetSpec venv = withVenv(local);
    assertThat(provider.environment(venv, configuration(Framework.PYTHON, false)))
        .isEqualTo(EnvironmentUse.BUILT_WITH_THE_RUN);
    assertThat(provider.environment(venv, configuration(Framework.PYSPARK, false)))
        .as("a Spark driver's interpreter is used as it is")
        .isEqualTo(EnvironmentUse.AS_IS);
  }

  private static RunConfiguration configuration(Framework framework, boolean prepares) {
    return RunConfiguration.forTarget("local", "local", framework).withPrepareEnvironment(prepares);
  }

  private static ComputeTargetSpec withVenv(ComputeTargetSpec s) {
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
        Map.of(ComputeTargetSpec.LOCAL_VENV, true));
  }
}
