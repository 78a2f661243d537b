package io.labrun.cli.sweep;

/** Retries, timeouts and letting go on the {@code local} target. */
class LocalRunPolicyIT extends RunPolicyContract {
  @Override
  String runConfiguration() {
    return "local";
  }
}
