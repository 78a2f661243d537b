package io.labrun.compute.local;

import io.labrun.compute.testkit.ComputeTargetKit;
import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;

/**
 * The compute-target contract at the port, on the {@code local} target: this machine's Python 3.
 */
class LocalTargetKitIT extends ComputeTargetKit {
  @Override
  protected ComputeTargetSpec spec() {
    return ComputeTargetSpec.of("local", TargetType.LOCAL);
  }
}
