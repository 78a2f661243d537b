package io.labrun.cli.config;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.RunConfiguration;
import io.labrun.core.config.TargetType;
import io.labrun.core.environment.CleanReport;
import io.labrun.core.environment.EnvironmentUse;
import io.labrun.core.launch.ComputeTarget;
import io.labrun.core.launch.ComputeTargetProvider;
import io.labrun.core.launch.TargetCleaner;
import io.labrun.core.launch.TargetContext;
import io.labrun.core.secret.TargetPasswords;
import java.util.List;

/**
 * A kind of target that exists only in these tests ({@code testbed}), registered by its own {@code
 * META-INF/services} line as a module would be: what the commands around runs do for it comes from
 * here alone ({@link NewTargetKindTest}).
 */
public final class TestbedTargetProvider implements ComputeTargetProvider {
  /** Always on a host, whose Python the attach keeps as it is. */
  static final TargetType TESTBED =
      new TargetType("testbed", List.of(), false, true).needingAddress().userManagedWhenAttached();

  @Override
  public List<TargetType> types() {
    return List.of(TESTBED);
  }

  @Override
  public ComputeTarget create(ComputeTargetSpec spec, TargetContext context) {
    throw new UnsupportedOperationException("the testbed runs nothing");
  }

  /** One scratch folder per testbed host of the project. */
  @Override
  public TargetCleaner cleaner(TargetContext context) {
    return request ->
        new CleanReport(
            request.targets().stream()
                .filter(t -> t.type().equals(TESTBED))
                .map(t -> "testbed scratch on " + t.address())
                .toList(),
            List.of(),
            2048);
  }

  @Override
  public String cannotLogIn(ComputeTargetSpec spec, TargetPasswords passwords) {
    return passwords.missing(spec);
  }

  /** A testbed always makes the conda file's environment with the run. */
  @Override
  public EnvironmentUse environment(ComputeTargetSpec spec, RunConfiguration c) {
    return EnvironmentUse.BUILT_WITH_THE_RUN;
  }
}
