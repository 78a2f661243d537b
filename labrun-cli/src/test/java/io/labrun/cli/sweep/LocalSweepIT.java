package io.labrun.cli.sweep;

/** The sweep contract on the {@code local} target. */
class LocalSweepIT extends SweepContract {
  @Override
  String runConfiguration() {
    return "local";
  }
}
