package io.labrun.cli.contract;

import io.labrun.cli.Cli;
import java.nio.file.Path;

/** The compute-target contract on the {@code local} target (this machine's python3). */
class LocalTargetContractIT extends ComputeTargetContract {
  @Override
  protected Cli newCli(Path home) {
    return new Cli(home);
  }

  @Override
  protected String target(Path project) {
    return "local";
  }
}
